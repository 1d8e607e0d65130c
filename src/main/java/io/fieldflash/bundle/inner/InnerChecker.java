package io.fieldflash.bundle.inner;

import java.io.IOException;
import java.io.InputStream;

/**
 * Checks one firmware image as it streams past: {@link #update} with its bytes in order, then {@link #finish}.
 * Memory stays bounded whatever the image's length (the few small structures a format keeps at its end are
 * bounded by the format), each byte is looked at once, and nothing is read twice. Malformed input never throws:
 * it ends in a verdict with a reason.
 *
 * <p>A checker is for one image and one thread.
 */
public sealed interface InnerChecker permits EspAppChecker, Esp32Sbv2Checker, Esp8266SignedChecker, McubootChecker {

    /** The next {@code len} bytes of the image. */
    void update(byte[] b, int off, int len);

    /** The end of the image: the verdict. Calling it again gives the same verdict; {@link #update} is then refused. */
    InnerVerdict finish();

    /** Streams {@code in} to its end through a fresh {@code checker} and gives the verdict. */
    static InnerVerdict check(InnerChecker checker, InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
            checker.update(buf, 0, n);
        }
        return checker.finish();
    }
}
