package io.fieldflash.bundle;

/** Receives progress while image bytes are hashed; called on the verifying thread. */
@FunctionalInterface
public interface VerifyProgress {
    VerifyProgress NONE = (done, total) -> {};

    void bytes(long done, long total);
}
