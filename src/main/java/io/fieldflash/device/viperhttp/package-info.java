/** The ViperHTTP OTA routes ({@code viperhttp_ota.py}): a resumable chunked transfer over HTTP with a token. */
package io.fieldflash.device.viperhttp;
