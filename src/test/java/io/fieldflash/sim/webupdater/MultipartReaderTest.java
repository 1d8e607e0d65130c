package io.fieldflash.sim.webupdater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The simulator's streaming multipart parser: file bytes come back exactly, whatever look-alikes of the delimiter they hold. */
class MultipartReaderTest {
    static final String B = "----FieldFlashAbc123";

    static byte[] body(byte[] file) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("--" + B + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(("--" + B + "\r\nContent-Disposition: form-data; name=\"firmware\"; filename=\"app.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(file);
        b.writeBytes(("\r\n--" + B + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    static byte[] fileOf(byte[] body) throws IOException {
        MultipartReader r = new MultipartReader(new ByteArrayInputStream(body), B);
        assertThat(r.next()).hasValue(new MultipartReader.Part("note", ""));
        assertThat(r.next()).hasValue(new MultipartReader.Part("firmware", "app.bin"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[777];
        int n;
        while ((n = r.read(buf, 0, buf.length)) >= 0) out.write(buf, 0, n);
        assertThat(r.next()).isEmpty();
        return out.toByteArray();
    }

    @Test
    void fileBytesWithPartialDelimitersComeBackExactly() throws Exception {
        String[] lookAlikes = {"\r", "\r\n", "\r\n-", "\r\n--", "\r\n--" + B.substring(0, 10), "\r\r\n--" + B.substring(0, 5),
            "\n--" + B, "--" + B, "\r\n--" + B.substring(0, B.length() - 1) + "X"};
        Random random = new Random(42);
        for (int i = 0; i < 300; i++) {
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            int pieces = random.nextInt(12);
            for (int p = 0; p < pieces; p++) {
                byte[] noise = new byte[random.nextInt(40)];
                random.nextBytes(noise);
                f.writeBytes(noise);
                f.writeBytes(lookAlikes[random.nextInt(lookAlikes.length)].getBytes(StandardCharsets.US_ASCII));
            }
            byte[] file = f.toByteArray();
            // A real client picks a boundary that its data does not hold; so does this test.
            if (new String(file, StandardCharsets.ISO_8859_1).contains("\r\n--" + B)) continue;
            assertThat(fileOf(body(file))).as("input %d", i).isEqualTo(file);
        }
    }

    @Test
    void aBodyThatEndsInsideTheFileIsABrokenUpload() {
        byte[] whole = body(new byte[5000]);
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 100);
        assertThatThrownBy(() -> fileOf(cut)).isInstanceOf(EOFException.class);
    }

    @Test
    void theBoundaryIsReadFromTheContentType() {
        assertThat(MultipartReader.boundary("multipart/form-data; boundary=" + B)).hasValue(B);
        assertThat(MultipartReader.boundary("multipart/form-data; boundary=\"quoted b\"")).hasValue("quoted b");
        assertThat(MultipartReader.boundary("application/octet-stream")).isEmpty();
    }
}
