package io.fieldflash.device.espota;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Both ArduinoOTA challenge schemes against values computed apart from this code, with Python's hashlib from the
 * published formulas (espota.py; arduino-esp32 3.3.1 ArduinoOTA.cpp):
 * <pre>
 * passmd5 = md5("s3cret-ota").hexdigest()
 * md5(f"{passmd5}:{nonce}:{cnonce}").hexdigest()
 * ph = sha256("s3cret-ota").hexdigest()
 * dk = pbkdf2_hmac("sha256", ph.encode(), (nonce + ":" + cnonce).encode(), 10000).hex()
 * sha256(f"{dk}:{nonce}:{cnonce}").hexdigest()
 * </pre>
 */
class EspOtaAuthTest {
    static final String PASSWORD = "s3cret-ota";

    @Test
    void md5SchemeMatchesEspotaPy() {
        String nonce = "0123456789abcdef0123456789abcdef";
        String cnonce = "fedcba9876543210fedcba9876543210";
        assertThat(EspOtaAuth.forNonce(nonce)).contains(EspOtaAuth.MD5);
        assertThat(EspOtaAuth.MD5.passwordHash(PASSWORD)).isEqualTo("996d8aae0d2f9584ea9ea8cbc81613db");
        assertThat(EspOtaAuth.MD5.response("996d8aae0d2f9584ea9ea8cbc81613db", nonce, cnonce)).isEqualTo("cc31dcc672f5de9d6c76bb0568e6bbff");
    }

    @Test
    void sha256SchemeMatchesThePbkdf2Formula() {
        String nonce = "0123456789abcdef".repeat(4);
        String cnonce = "fedcba9876543210".repeat(4);
        assertThat(EspOtaAuth.forNonce(nonce)).contains(EspOtaAuth.SHA256);
        String ph = EspOtaAuth.SHA256.passwordHash(PASSWORD);
        assertThat(ph).isEqualTo("727c4ec21bbf7621ef036f582d50d8d550ce0f0afa457916f3418c1a1147a427");
        assertThat(java.util.HexFormat.of().formatHex(EspOtaAuth.pbkdf2(ph, nonce + ":" + cnonce)))
                .isEqualTo("ae62f923525eb967a8475db045c6631ec8a9c6e1f1f5d6941d3c030f68c967c3");
        assertThat(EspOtaAuth.SHA256.response(ph, nonce, cnonce)).isEqualTo("a6d4fc3d10d7e0bde698cabee1b85563c521ba91cf424edc1d8d9f7bada22bbb");
    }

    @Test
    void aNonceOfAnotherShapeNamesNoScheme() {
        assertThat(EspOtaAuth.forNonce("0123")).isEmpty();
        assertThat(EspOtaAuth.forNonce("0123456789ABCDEF0123456789ABCDEF")).isEmpty();
        assertThat(EspOtaAuth.forNonce("0123456789abcdef0123456789abcdeg")).isEmpty();
    }
}
