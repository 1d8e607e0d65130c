package io.fieldflash.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.provision.DeviceKey;
import io.fieldflash.provision.ParticleReply;
import io.fieldflash.provision.ProvisionException;
import io.fieldflash.provision.TcpSoftApTransport;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Mutated answers of a Particle device in listening mode (seeded with real ones: version, device-id, the
 * zero-padded public key, a scan list, result codes, framed as on TCP) through the framing and every reply
 * parser: each input ends in a value or a {@link ProvisionException} with a one-line message, never another
 * exception, within the per-input time and allocation bounds.
 */
class ParticleReplyFuzzTest {

    static final List<byte[]> DICTIONARY = Fuzz.dictionary("\"r\":", "\"b\":\"", "\"scans\":[", "\"ssid\":\"", "\"id\":\"", "\"c\":\"1\"",
            "-16640", "4194308", "99999999999999999999", "1e309", "-0", "\\\"", "\\u0000", "\\ud800", "30819F", "3082FFFF", "3084",
            "00000000", "0281", "{", "}", "[", "]", "\n\n", "null", "true");

    @Test
    void everyAnswerEndsInAValueOrATypedError() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        byte[] spki = g.generateKeyPair().getPublic().getEncoded();
        String keyHex = HexFormat.of().withUpperCase().formatHex(Arrays.copyOf(spki, 384));
        List<byte[]> seeds = new ArrayList<>();
        for (String answer : List.of("{\"v\":2}", "{\"id\":\"3A0042000C47343432313031\",\"c\":\"0\"}",
                "{\"b\":\"" + keyHex + "\",\"r\":0}",
                "{\"scans\":[{\"ssid\":\"Site Office WLAN\",\"rssi\":-48,\"sec\":4194308,\"ch\":6,\"mdr\":72200},"
                        + "{\"ssid\":\"Guest\",\"rssi\":-80,\"sec\":0,\"ch\":1,\"mdr\":54000}]}",
                "{\"r\":0}", "{\"r\":-16640}", "")) {
            seeds.add(("\n\n" + answer).getBytes(StandardCharsets.UTF_8));
        }
        seeds.add(Arrays.copyOf(spki, 384));      // raw DER for the key parser
        int tried = Fuzz.run("particle-replies", 0x50F7A9L, seeds, DICTIONARY,
                new Fuzz.Limits(Duration.ofSeconds(3), 64L << 20), ParticleReplyFuzzTest::check);
        assertThat(tried).isGreaterThan(seeds.size());
    }

    static void check(byte[] input) throws Exception {
        String json;
        try {
            json = TcpSoftApTransport.unframe("fuzz", input);
        } catch (ProvisionException e) {
            typed(e);
            json = new String(input, StandardCharsets.UTF_8);
        }
        String j = json;
        List<Parser> parsers = List.of(() -> ParticleReply.version(j), () -> ParticleReply.deviceId(j), () -> ParticleReply.publicKey(j),
                () -> ParticleReply.scan(j), () -> ParticleReply.result("configure-ap", j), () -> DeviceKey.parseDer(input),
                () -> DeviceKey.parseHex(j));
        for (Parser p : parsers) {
            try {
                Object value = p.parse();
                assertThat(value).isNotNull();
            } catch (ProvisionException e) {
                typed(e);
            }
        }
    }

    /** A typed error for a person: a code, a message on one line with nothing a terminal would act on. */
    static void typed(ProvisionException e) {
        assertThat(e.code()).startsWith("SOFTAP_");
        assertThat(e.getMessage()).isNotBlank();
        assertThat(e.getMessage().chars().noneMatch(c -> c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)))
                .as("message escaped: %s", e.getMessage()).isTrue();
    }

    @FunctionalInterface
    interface Parser {
        Object parse() throws ProvisionException;
    }
}
