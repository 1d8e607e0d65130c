package io.fieldflash.wifi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Captured tool outputs in src/test/resources/wifi. Each file starts with lines beginning {@code ##} that
 * say what it is; they are removed here, the rest (line endings included) is returned exactly.
 */
final class Fixtures {
    private Fixtures() {}

    static String load(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/wifi/" + name)) {
            if (in == null) throw new IllegalArgumentException("no fixture wifi/" + name);
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            while (text.startsWith("##")) {
                int nl = text.indexOf('\n');
                text = nl < 0 ? "" : text.substring(nl + 1);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
