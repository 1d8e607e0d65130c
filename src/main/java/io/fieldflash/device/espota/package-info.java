/** ArduinoOTA (espota): UDP invitation, optional MD5 or SHA-256 challenge, the device connects back over TCP. */
package io.fieldflash.device.espota;
