package io.fieldflash.bundle;

import io.fieldflash.testing.CliRun;
import static io.fieldflash.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bundle text that reaches the terminal through {@code fieldflash verify} and {@code fieldflash bundle inspect}:
 * a crafted bundle must not be able to move the cursor, erase a line, recolour or reorder what is printed,
 * whether it is refused (values not yet authenticated) or valid.
 */
class PrintedTextTest {
    /** Erases the line and writes a fake verdict over it. */
    static final String OVERWRITE = "\u001b[2K\rVALID  Acme";
    /** Moves up a line and erases it (the UNVERIFIED banner). */
    static final String ERASE_UP = "\u001b[1A\u001b[2K\u001b[1A\u001b[2K";
    static final String BIDI = "\u202eevil\u202c";
    static final String C1_CSI = "\u009b31m";

    @TempDir
    Path dir;



    /** Whether a terminal would act on {@code c} (line feeds between lines are ours). */
    private static boolean unsafe(int c) {
        return (c < 0x20 && c != '\n') || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029 || c == 0xfeff;
    }

    private static void assertPrintable(String text) {
        text.chars().forEach(c -> assertThat(unsafe(c)).as("U+%04X in:%n%s", c, text).isFalse());
    }

    private Path trustFile(SigningKey key) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "trust", ".pub"), key.publicKey().toPem());
    }

    private Path write(TestBundle b) throws IOException {
        return b.write(Files.createTempFile(dir, "b", ".fwb"));
    }

    private static byte[] craftedSignatures() {
        return ("{\"signatures\": [{\"keyid\": \"\\u001b[2J\\u001b[Hcafe\", \"alg\": \"ed25519" + "\\u202e"
                + "\", \"sig\": \"AAAA\"}]}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void untrustedKeyMessageDoesNotEchoTheProductRaw() throws Exception {
        TestBundle b = TestBundle.standard();
        b.manifest.put("product", "crossing-controller" + OVERWRITE + "x".repeat(500));
        Path f = write(b);
        CliRun r = run("verify", "--trust", trustFile(SigningKey.generate(SignatureAlgorithm.ED25519)).toString(), f.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).startsWith("INVALID").contains("[UNTRUSTED_KEY]").contains("\\x1b[2K\\x0dVALID");
        assertThat(r.out()).as("cut: not 500 x").doesNotContain("x".repeat(100));
        assertPrintable(r.all());
        CliRun json = run("verify", "--json", "--trust", trustFile(SigningKey.generate(SignatureAlgorithm.ED25519)).toString(), f.toString());
        assertPrintable(json.all());
        assertThat(json.out().trim().chars().allMatch(c -> c >= 0x20 && c < 0x7f)).as(json.out()).isTrue();
    }

    @Test
    void keyidsFromSignaturesJsonAreNotPrintedRaw() throws Exception {
        TestBundle b = TestBundle.standard();
        b.writeSignatures = false;
        b.extraEntries = z -> z.stored("signatures.json", craftedSignatures());
        Path f = write(b);
        CliRun r = run("verify", "--trust", trustFile(TestBundle.VENDOR).toString(), f.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("[UNTRUSTED_KEY]");
        assertPrintable(r.all());
    }

    @Test
    void refusedManifestValuesAreEscapedInErrors() throws Exception {
        Path trust = trustFile(TestBundle.VENDOR);
        for (String field : new String[] {"format", "version"}) {
            TestBundle b = TestBundle.standard();
            b.manifest.put(field, "2.4.1" + OVERWRITE + ERASE_UP + BIDI + C1_CSI);
            Path f = write(b);
            CliRun verify = run("verify", "--trust", trust.toString(), f.toString());
            assertThat(verify.exit()).isEqualTo(1);
            assertThat(verify.out()).contains("[BAD_MANIFEST]").contains(field);
            assertPrintable(verify.all());
            CliRun inspect = run("bundle", "inspect", f.toString());
            assertThat(inspect.exit()).isEqualTo(1);
            assertThat(inspect.err()).contains("BAD_MANIFEST");
            assertPrintable(inspect.all());
        }
        TestBundle b = TestBundle.standard();
        b.manifest.putArray("images").addObject().put("name", "app").put("file", "images/app" + OVERWRITE + ".bin")
                .put("size", 4096).put("sha256", TestBundle.sha256(b.images.get("app")));
        CliRun r = run("verify", "--trust", trust.toString(), write(b).toString());
        assertThat(r.out()).contains("[BAD_MANIFEST]");
        assertPrintable(r.all());
    }

    @Test
    void inspectEscapesEveryFieldAndKeepsItsBanner() throws Exception {
        TestBundle b = TestBundle.standard();
        b.manifest.put("vendor", "Acme" + ERASE_UP).put("product", "cc" + OVERWRITE).put("version", "2.4.1")
                .put("releaseNotes", "Fixes drift.\n" + ERASE_UP + "All checks passed" + BIDI + C1_CSI);
        b.manifest.putArray("hardware").add("rev-b" + C1_CSI).add(BIDI);
        b.writeSignatures = false;
        b.extraEntries = z -> z.stored("signatures.json", craftedSignatures());
        Path f = write(b);
        CliRun r = run("bundle", "inspect", f.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("UNVERIFIED: read from the bundle without checking");
        assertThat(r.out()).contains("Acme\\x1b[1A").contains("\\u202eevil").contains("\\x9b31m").contains("cafe");
        assertThat(r.out()).as("release notes keep their line break").contains("Fixes drift.\n");
        assertPrintable(r.all());

        CliRun json = run("bundle", "inspect", "--json", f.toString());
        assertThat(json.exit()).isZero();
        assertPrintable(json.all());
        assertThat(json.out().trim().chars().allMatch(c -> c >= 0x20 && c < 0x7f)).as(json.out()).isTrue();
        JsonNode node = Json.MAPPER.readTree(json.out());
        assertThat(node.get("vendor").asText()).as("JSON escapes lose nothing").isEqualTo("Acme" + ERASE_UP);
        assertThat(node.get("signatures").get(0).get("keyid").asText()).isEqualTo("\u001b[2J\u001b[Hcafe");
    }

    @Test
    void validBundleTextIsEscapedToo() throws Exception {
        TestBundle b = TestBundle.standard();
        b.manifest.put("vendor", "Acme" + BIDI).put("releaseNotes", "Line one\r\n" + ERASE_UP + "line two");
        Path f = write(b);
        Path trust = trustFile(TestBundle.VENDOR);
        CliRun r = run("verify", "--trust", trust.toString(), f.toString());
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).startsWith("VALID  Acme\\u202eevil");
        assertPrintable(r.all());
        CliRun json = run("verify", "--json", "--trust", trust.toString(), f.toString());
        assertThat(json.exit()).isZero();
        assertPrintable(json.all());
        assertThat(Json.MAPPER.readTree(json.out()).get("vendor").asText()).isEqualTo("Acme" + BIDI);
    }

    @Test
    void aBundleExceptionMessageIsAlwaysPrintable() {
        BundleException e = new BundleException(ReasonCode.BAD_MANIFEST, "raw " + OVERWRITE + " value");
        assertPrintable(e.getMessage());
        assertThat(e.getMessage()).contains("\\x1b[2K");
        BundleException clean = new BundleException(ReasonCode.BAD_MANIFEST, "already escaped \\x1b value");
        assertThat(clean.getMessage()).isEqualTo("already escaped \\x1b value");
    }
}
