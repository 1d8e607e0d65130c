package io.fieldflash.fuzz;

import io.fieldflash.sim.webupdater.MultipartReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The simulator's multipart parser on hostile bodies: it ends every input (a part, the end, or an {@link IOException})
 * and never throws anything else, whatever the headers and delimiters look like.
 */
class MultipartReaderFuzzTest {
    static final String B = "----FieldFlash0123456789abcdef";

    @Test
    void everyBodyEndsInPartsOrAnIOException() {
        byte[] seed = ("--" + B + "\r\nContent-Disposition: form-data; name=\"firmware\"; filename=\"app.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n\u00e9\u0001\u0002\r\n--" + B + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] twoParts = ("preamble\r\n--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--" + B
                + "\r\nContent-Disposition: form-data; name=\"b\"; filename=\"\"\r\n\r\n\r\n--" + B + "--").getBytes(StandardCharsets.ISO_8859_1);
        Fuzz.run("multipart-reader", 7, List.of(seed, twoParts),
                Fuzz.dictionary("\r\n", "--", "--" + B, "\r\n--" + B, "\r\n--" + B + "--", "Content-Disposition: form-data; ",
                        "name=\"", "filename=\"", "\r\n\r\n", "\r"),
                Fuzz.Limits.DEFAULT, input -> {
                    MultipartReader r = new MultipartReader(new ByteArrayInputStream(input), B);
                    byte[] buf = new byte[512];
                    try {
                        for (int parts = 0; r.next().isPresent(); parts++) {
                            if (parts > input.length) throw new AssertionError("more parts than bytes");
                            while (r.read(buf, 0, buf.length) >= 0) {
                                // the part's bytes
                            }
                        }
                    } catch (IOException expected) {
                        // a malformed or cut-off body
                    }
                });
    }
}
