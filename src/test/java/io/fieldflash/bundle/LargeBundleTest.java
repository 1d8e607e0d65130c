package io.fieldflash.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundle with a 1 GiB image is made and verified by the command line in JVMs limited to 64 MiB of heap. */
class LargeBundleTest {
    @TempDir
    Path dir;

    @Test
    void oneGibImageCreatesAndVerifiesUnderXmx64m() throws Exception {
        Path image = dir.resolve("app.bin");
        byte[] block = TestBundle.random(1 << 20, 42);
        try (OutputStream out = Files.newOutputStream(image)) {
            for (int i = 0; i < 1024; i++) {
                block[0] = (byte) i;   // no two MiB alike
                out.write(block);
            }
        }
        assertThat(Files.size(image)).isEqualTo(1L << 30);
        SigningKey key = TestBundle.VENDOR;
        Files.writeString(dir.resolve("vendor.key"), key.toPem());
        Files.writeString(dir.resolve("vendor.pub"), key.publicKey().toPem());
        Files.writeString(dir.resolve("manifest.json"), """
                {"vendor": "Acme", "product": "crossing-controller", "hardware": ["ccx-rev-b"],
                 "version": "3.0.0", "securityCounter": 9, "expires": "2099-01-01T00:00:00Z",
                 "images": [{"name": "app"}]}
                """);

        Result create = cli("bundle", "create", "--store", "--manifest", dir.resolve("manifest.json").toString(),
                "--image", "app=" + image, "--key", dir.resolve("vendor.key").toString(),
                "--out", dir.resolve("big.fwb").toString());
        assertThat(create.exit).as(create.output).isZero();

        Result verify = cli("verify", "--json", "--trust", dir.resolve("vendor.pub").toString(), dir.resolve("big.fwb").toString());
        assertThat(verify.exit).as(verify.output).isZero();
        assertThat(verify.output).contains("\"valid\":true").contains("\"size\":1073741824");
    }

    record Result(int exit, String output) {}

    private Result cli(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"), "io.fieldflash.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
