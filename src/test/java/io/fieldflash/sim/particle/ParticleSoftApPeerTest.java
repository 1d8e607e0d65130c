package io.fieldflash.sim.particle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.Json;
import io.fieldflash.testing.Tools;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Particle's own Node client ({@code @particle/softap-setup} 4.1.2, src/test/particle-softap) provisions the
 * simulator profile over TCP and over HTTP, and the profile decrypts with its private key exactly the password
 * the client encrypted.
 */
class ParticleSoftApPeerTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "http"})
    void particlesOwnClientProvisionsTheProfile(String protocol) throws Exception {
        Path node = Tools.need("node");
        Tools.need("npm");
        Path peer = Tools.projectDir().resolve("src/test/particle-softap");
        install(peer);
        String password = "s3cret; with spaces";
        try (ParticleSoftApDevice device = ParticleSoftApDevice.start(new ParticleSoftApDevice.Config(tmp, InetAddress.getLoopbackAddress(),
                0, 0, "3a0042000c47343432313031", ParticleFaults.NONE))) {
            int port = protocol.equals("tcp") ? device.tcpPort() : device.httpPort();
            Process p = new ProcessBuilder(node.toString(), "provision.js", protocol, "127.0.0.1", "" + port,
                    "Site Office WLAN", password, "wpa2_aes", "cc-AbC123/xyz+=").directory(peer.toFile()).redirectErrorStream(true).start();
            byte[] out;
            try (var in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String text = new String(out, StandardCharsets.UTF_8);
            List<String> lines = text.lines().toList();
            assertThat(lines).as(text).isNotEmpty();
            JsonNode result = Json.MAPPER.readTree(lines.getLast());
            assertThat(result.get("ok").asBoolean()).as(text).isTrue();
            assertThat(result.get("id").asText()).isEqualTo("3a0042000c47343432313031");
            assertThat(result.get("networks").asInt()).isEqualTo(ParticleSoftApDevice.SCAN.size());
            assertThat(p.exitValue()).isZero();

            ParticleState state = device.state();
            assertThat(state.networks()).hasSize(1);
            ParticleState.StoredNetwork n = state.networks().getFirst();
            assertThat(n.ssid()).isEqualTo("Site Office WLAN");
            assertThat(n.password()).isEqualTo(password);
            assertThat(n.passwordHex()).isEqualTo(java.util.HexFormat.of().formatHex(password.getBytes(StandardCharsets.UTF_8)));
            assertThat(n.security()).isEqualTo(0x00400004);
            assertThat(n.channel()).isEqualTo(6);
            assertThat(state.claimCode()).isEqualTo("cc-AbC123/xyz+=");
            assertThat(state.connected()).isTrue();
            assertThat(state.commands()).endsWith("set", "configure-ap", "connect-ap");
            assertThat(device.awaitStopped(5000)).as("the device leaves listening mode after connect-ap").isTrue();
        }
        // what it got is in its state folder, for a person or a later run
        ParticleState reread = ParticleState.read(tmp);
        assertThat(reread.networks().getFirst().password()).isEqualTo(password);
        assertThat(Files.readString(tmp.resolve(ParticleState.STATE_FILE))).contains("\"password\" : \"s3cret; with spaces\"");
    }

    static void install(Path dir) throws IOException, InterruptedException {
        Path lock = Files.createDirectories(Tools.projectDir().resolve("target")).resolve("particle-softap-install.lock");
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            Path marker = dir.resolve("node_modules/.package-lock.json");
            if (Files.exists(marker) && Files.exists(dir.resolve("node_modules/@particle/softap-setup"))
                    && Files.getLastModifiedTime(marker).compareTo(Files.getLastModifiedTime(dir.resolve("package-lock.json"))) >= 0) {
                return;
            }
            Tools.run(dir, 300, "npm", "ci", "--no-audit", "--no-fund");
        }
        if (!Files.exists(dir.resolve("node_modules/@particle/softap-setup/lib/SoftAP.js"))) Assertions.fail("npm ci did not install @particle/softap-setup");
    }
}
