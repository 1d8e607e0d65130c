/**
 * The {@code fieldflash-http/1} adapter: identify ({@code GET /info}), a tus 1.0.0 transfer, install, reboot,
 * confirm; and {@link io.fieldflash.device.http.TusUploader} for a bare tus server.
 */
package io.fieldflash.device.http;
