package io.fieldflash.device;

import java.time.Duration;

/** What {@link ChunkSender} tells its owner while it works; called on the transferring thread, so keep it quick. */
public interface TransferListener {

    TransferListener NONE = new TransferListener() {};

    /** The device confirmed holding {@code offset} of {@code length} bytes. */
    default void progress(long offset, long length) {}

    /** {@code bytes} more payload bytes were handed to the wire (retransmissions included). */
    default void sent(long bytes) {}

    /** An exchange failed; the next attempt comes after {@code delay}. */
    default void retrying(int failures, Duration delay, DeviceException cause) {}

    /** The transfer continues from {@code offset}, as the device reported it, after a break or from an earlier run. */
    default void resumed(long offset) {}
}
