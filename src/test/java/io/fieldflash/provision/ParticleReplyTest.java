package io.fieldflash.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.Json;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The device's key as a Photon sends it, the configure-ap request as it must go, and the answers' edge cases. */
class ParticleReplyTest {
    static KeyPair pair;

    @BeforeAll
    static void key() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        pair = g.generateKeyPair();
    }

    static String slotHex(byte[] der) {
        return HexFormat.of().withUpperCase().formatHex(Arrays.copyOf(der, 384));
    }

    @Test
    void theKeyEndsWhereItsDerSaysAndTheZerosAreIgnored() throws Exception {
        DeviceKey k = ParticleReply.publicKey("{\"b\":\"" + slotHex(pair.getPublic().getEncoded()) + "\",\"r\":0}");
        assertThat(k.key()).isEqualTo(pair.getPublic());
        assertThat(k.bits()).isEqualTo(1024);
        // a bare PKCS#1 RSAPublicKey in the slot is taken too
        byte[] pkcs1 = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()).getPublicKeyData().getBytes();
        assertThat(DeviceKey.parseHex(slotHex(pkcs1)).key()).isEqualTo(pair.getPublic());
    }

    @Test
    void aCutOrForeignKeyIsRefusedInPlainWords() {
        String cut = HexFormat.of().formatHex(Arrays.copyOf(pair.getPublic().getEncoded(), 100));
        assertThatThrownBy(() -> DeviceKey.parseHex(cut)).isInstanceOfSatisfying(ProvisionException.class, e -> {
            assertThat(e.reason()).isEqualTo(ProvisionException.Reason.BAD_KEY);
            assertThat(e.getMessage()).contains("only 100 came");
        });
        assertThatThrownBy(() -> ParticleReply.publicKey("{\"b\":\"\",\"r\":1}"))
                .isInstanceOfSatisfying(ProvisionException.class, e -> assertThat(e.deviceCode()).isEqualTo(1));
        assertThatThrownBy(() -> DeviceKey.parseHex("3003020100")).isInstanceOf(ProvisionException.class);
    }

    @Test
    void configureSendsNumbersAsNumbersAndThePasswordEncryptedUnderTheKey() throws Exception {
        DeviceKey k = new DeviceKey((java.security.interfaces.RSAPublicKey) pair.getPublic());
        WifiCredentials w = new WifiCredentials("Site Office WLAN", "pa ss;word/1", Security.WPA2_AES, 6);
        String request = ParticleSoftAp.configureRequest(w, k);
        JsonNode n = Json.MAPPER.readTree(request);
        assertThat(request).startsWith("{\"idx\":0,\"ssid\":\"Site Office WLAN\",\"pwd\":\"").endsWith("\",\"sec\":4194308,\"ch\":6}");
        Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        rsa.init(Cipher.DECRYPT_MODE, pair.getPrivate());
        byte[] plain = rsa.doFinal(HexFormat.of().parseHex(n.get("pwd").asText()));
        assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo("pa ss;word/1");
        String open = ParticleSoftAp.configureRequest(new WifiCredentials("Guest", "", Security.OPEN, 0), k);
        assertThat(open).isEqualTo("{\"idx\":0,\"ssid\":\"Guest\",\"sec\":0,\"ch\":0}");
    }

    @Test
    void onlyTheEscapesJsonNeedsAreWritten() {
        assertThat(WireJson.object().put("v", "a/b é \"q\" \\ \t\u0001").text())
                .isEqualTo("{\"v\":\"a/b é \\\"q\\\" \\\\ \\t\\u0001\"}");
        assertThat(new WifiCredentials("Caf\u00e9 \"Nord\"", "12345678", Security.WPA2_AES, 0).warnings()).hasSize(1);
        assertThat(new WifiCredentials("Site Office WLAN", "12345678", Security.WPA2_AES, 0).warnings()).isEmpty();
    }

    @Test
    void theSecurityCodesAreTheNodeClients() {
        assertThat(Security.ofName("wpa2-aes").orElseThrow().code()).isEqualTo(0x00400004);
        assertThat(Security.ofName("wpa2-mixed").orElseThrow().code()).isEqualTo(0x00400006);
        assertThat(Security.ofName("wpa-tkip").orElseThrow().code()).isEqualTo(0x00200002);
        assertThat(Security.ofName("wpa-aes").orElseThrow().code()).isEqualTo(0x00200004);
        assertThat(Security.ofName("wep").orElseThrow().code()).isEqualTo(1);
        assertThat(Security.ofName("open").orElseThrow().code()).isZero();
    }

    @Test
    void answersAreCheckedStrictly() throws Exception {
        assertThat(ParticleReply.deviceId("{\"id\":\"3A0042000C47343432313031\",\"c\":\"1\"}"))
                .isEqualTo(new ParticleReply.DeviceIdentity("3a0042000c47343432313031", true));
        assertThatThrownBy(() -> ParticleReply.deviceId("{\"id\":\"\\u001b[2J\",\"c\":\"0\"}")).isInstanceOf(ProvisionException.class);
        assertThatThrownBy(() -> ParticleReply.result("configure-ap", "")).isInstanceOfSatisfying(ProvisionException.class,
                e -> assertThat(e.reason()).isEqualTo(ProvisionException.Reason.NO_ANSWER));
        assertThatThrownBy(() -> ParticleReply.result("set", "{\"r\":\"0\"}")).isInstanceOf(ProvisionException.class);
        assertThatThrownBy(() -> ParticleReply.result("set", "{\"r\":0,\"r\":1}")).isInstanceOf(ProvisionException.class);
        assertThatThrownBy(() -> ParticleReply.version("\u001b]0;owned\u0007")).isInstanceOfSatisfying(ProvisionException.class,
                e -> assertThat(e.getMessage()).doesNotContain("\u001b").contains("\\x1b"));
    }
}
