package io.fieldflash.device.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.device.DeviceSession;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A device with its own self-signed HTTPS certificate: named as a certificate problem, and reachable by its pin. */
class CertificateTest {
    static final String INFO = """
            {"protocol":"fieldflash-http/1","product":"crossing-controller","hardware":"ccx-rev-b","deviceId":"d1",
             "firmware":{"version":"2.4.0","securityCounter":6,"trial":false},"maxImageSize":4194304,"maxChunkSize":65536,"upload":null}""";

    static HttpsServer server;
    static String fingerprint;

    /** One self-signed certificate for the class. */
    @BeforeAll
    static void start() throws Exception {
        // A device's own certificate, self-signed, as a vendor would put on a unit.
        java.security.KeyPairGenerator gen = java.security.KeyPairGenerator.getInstance("EC");
        gen.initialize(256);
        java.security.KeyPair pair = gen.generateKeyPair();
        org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=device.local");
        java.util.Date now = new java.util.Date();
        java.security.cert.X509Certificate cert = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
                new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.ONE, now,
                        new java.util.Date(now.getTime() + 86_400_000L), name, pair.getPublic())
                        .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("device", pair.getPrivate(), "secret".toCharArray(), new java.security.cert.Certificate[] {cert});
        fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "secret".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        server.createContext("/", ex -> {
            byte[] b = INFO.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static URI address() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void aSelfSignedCertificateIsNamedAsACertificateProblemNotAWifiFault() throws Exception {
        try (DeviceSession s = new HttpDevice(address(), "t", HttpSettings.DEFAULT).open()) {
            DeviceException e = catchThrowableOfType(DeviceException.class, s::identify);
            assertThat(e.reason()).isEqualTo(DeviceException.Reason.CERTIFICATE_UNTRUSTED);
            assertThat(e.getMessage()).contains("certificate").doesNotContain("does not answer");
            assertThat(e.hint()).contains("--pin-sha256").doesNotContain("Wi-Fi");
        }
    }

    @Test
    void thePinnedCertificateIsTrustedAndAnyOtherIsNot() throws Exception {
        try (DeviceSession s = new HttpDevice(address(), "t", HttpSettings.DEFAULT).pinning(fingerprint.toUpperCase()).open()) {
            DeviceInfo info = s.identify();
            assertThat(info.deviceId()).isEqualTo("d1");
        }
        String other = "00".repeat(32);
        try (DeviceSession s = new HttpDevice(address(), "t", HttpSettings.DEFAULT).pinning(other).open()) {
            DeviceException e = catchThrowableOfType(DeviceException.class, s::identify);
            assertThat(e.reason()).isEqualTo(DeviceException.Reason.CERTIFICATE_UNTRUSTED);
        }
    }
}
