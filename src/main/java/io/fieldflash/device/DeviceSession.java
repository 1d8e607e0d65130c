package io.fieldflash.device;

/**
 * An open connection to one device. Each method is one exchange with the device, with its own timeout; none
 * retries (the caller decides: a {@link DeviceException#retryable()} failure may be tried again).
 * Interrupting the calling thread aborts the exchange with {@link InterruptedException}.
 *
 * <p>Methods for steps a transport lacks (see {@link Device#capabilities()}) are not called by the job; they
 * throw {@link UnsupportedOperationException} if they are.
 */
public interface DeviceSession extends AutoCloseable {

    /** Asks the device who it is and what it runs. Never needs a token. */
    DeviceInfo identify() throws DeviceException, InterruptedException;

    /**
     * Checks that the device accepts this laptop's credentials (the access token), without changing anything;
     * {@code AUTH_FAILED} or {@code LOCKED_OUT} when it does not. Transports without credentials do nothing.
     */
    default void checkAccess() throws DeviceException, InterruptedException {}

    /**
     * Checks, before anything is sent, what this transport itself can tell about the images (an ESP ROM: that each
     * application image is built for the chip it detected); {@code INSTALL_REFUSED} when one does not fit. Transports
     * whose device checks the images itself do nothing.
     */
    default void checkImages(java.util.List<ImageSource> images) throws DeviceException, java.io.IOException, InterruptedException {}

    /**
     * Prepares the transfer of {@code image}: continues the transfer the device already holds for exactly this
     * image (same name and SHA-256), or the one named by {@code resumeHandle} (from the resume file; empty
     * for none) when it still matches; otherwise drops any other transfer the device holds and starts a new one.
     */
    ImageTransfer openTransfer(ImageSource image, String resumeHandle) throws DeviceException, InterruptedException;

    /** Asks the device to check the complete image and write it to its inactive slot. */
    void install(ImageTransfer transfer, InstallRequest request) throws DeviceException, InterruptedException;

    /** Asks the device to restart into the installed image. The device is unreachable for a while after this. */
    void reboot() throws DeviceException, InterruptedException;

    /** Makes the image running on trial permanent. */
    void confirm() throws DeviceException, InterruptedException;

    /** Releases the connection; never throws. */
    @Override
    void close();
}
