/**
 * What FieldFlash needs from a device, whatever the transport: identify it, move an image onto it, install,
 * reboot, confirm.
 *
 * <p>One {@link io.fieldflash.device.Device} implementation per protocol (fieldflash-http/1 in
 * {@code device.http}; the Arduino web updater in {@code device.webupdater}, ElegantOTA in {@code device.elegantota}; later
 * ViperHTTP, espota, the ESP ROM serial bootloader), listed by name in {@link io.fieldflash.device.Protocols}. An adapter makes
 * one protocol exchange per method call and never retries or sequences anything: deciding what happens
 * next, and retrying, is {@code io.fieldflash.update.UpdateJob}'s job. {@link io.fieldflash.device.Capabilities}
 * tells the job which steps a transport has, so it can skip those it lacks (no confirm on a device without
 * trial boot, no resume on a single-POST updater).
 *
 * <p>The one piece of transfer logic shared by every chunked transport, {@link io.fieldflash.device.ChunkSender}
 * (buffering, resend from the device's offset, backoff), lives here so that the job and stand-alone
 * uploaders use the same code.
 */
package io.fieldflash.device;
