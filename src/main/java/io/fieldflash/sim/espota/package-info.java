/** Simulated ArduinoOTA device, ESP32 or ESP8266 ({@code fieldflash simulate --profile espota}). */
package io.fieldflash.sim.espota;
