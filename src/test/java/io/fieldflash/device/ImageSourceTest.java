package io.fieldflash.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSourceTest {

    @Test
    void md5IsTheLowercaseHexDigestOfAllTheBytes(@TempDir Path dir) throws Exception {
        // RFC 1321 test suite: MD5("abc")
        ImageSource abc = ImageSource.ofFile(Files.write(dir.resolve("abc.bin"), "abc".getBytes(StandardCharsets.US_ASCII)), "app");
        assertThat(abc.md5()).isEqualTo("900150983cd24fb0d6963f7d28e17f72");
        // longer than one read buffer: every byte counts, not only the first 64 KiB
        byte[] big = new byte[200_000];
        ImageSource zeros = ImageSource.ofFile(Files.write(dir.resolve("zeros.bin"), big), "app");
        big[199_999] = 1;
        ImageSource last = ImageSource.ofFile(Files.write(dir.resolve("last.bin"), big), "app");
        assertThat(zeros.md5()).hasSize(32).isNotEqualTo(last.md5());
    }
}
