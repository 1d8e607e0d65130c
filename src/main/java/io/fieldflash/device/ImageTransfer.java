package io.fieldflash.device;

/**
 * One image on its way to a device, as a transport moves it: in offset-addressed chunks that can be resent
 * and resumed ({@link ChunkedTransfer}: tus, the ESP ROM bootloader), or as one stream that starts over
 * when broken ({@link StreamedTransfer}: a single-POST web updater, espota).
 */
public sealed interface ImageTransfer permits ChunkedTransfer, StreamedTransfer {

    /** The image being transferred. */
    ImageSource image();
}
