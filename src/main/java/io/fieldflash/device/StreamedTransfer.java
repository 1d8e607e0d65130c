package io.fieldflash.device;

import java.io.IOException;
import java.util.function.LongConsumer;

/**
 * A transfer that goes as one stream and cannot resume (Arduino web updater, ElegantOTA, espota): if it
 * breaks, the next attempt starts again at byte 0.
 */
public non-sealed interface StreamedTransfer extends ImageTransfer {

    /**
     * Sends the whole image; {@code progress} receives, as they go, how many more image bytes were handed to the wire
     * (increments: their sum is this attempt's bytes so far), on the calling thread.
     *
     * @throws IOException when the image cannot be read
     */
    void send(LongConsumer progress) throws DeviceException, IOException, InterruptedException;
}
