/**
 * A simulated ESP chip in its ROM download mode on a serial port ({@code fieldflash simulate --serial}): faithful
 * enough that esptool itself ({@code --no-stub}) detects, reads the MAC of, writes and verifies it.
 */
package io.fieldflash.sim.esprom;
