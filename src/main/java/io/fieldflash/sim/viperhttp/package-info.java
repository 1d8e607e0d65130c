/** Simulated ViperHTTP OTA routes ({@code fieldflash simulate --profile viperhttp}). */
package io.fieldflash.sim.viperhttp;
