package io.fieldflash.cli;

import io.fieldflash.testing.CliRun;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.provision.ParticleReply;
import io.fieldflash.provision.SoftApAddress;
import io.fieldflash.provision.SoftApTransport;
import io.fieldflash.sim.particle.ParticleFaults;
import io.fieldflash.sim.particle.ParticleSoftApDevice;
import io.fieldflash.sim.particle.ParticleState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code fieldflash provision} against the simulator's particle-softap profile over real sockets on loopback: both
 * transports, the zero-padded key, an SSID with spaces, a password with ';' and spaces, a claim code; refusals
 * end with exit 1, a plain sentence and no connect-ap.
 */
class ProvisionCommandTest {
    static final String SSID = "Site Office WLAN";
    static final String PASSWORD = "pa ss;word 1";
    static final String CLAIM = "cc-Xy7/12+ab=";

    @TempDir
    Path tmp;

    ParticleSoftApDevice start(String faults) throws Exception {
        return ParticleSoftApDevice.start(new ParticleSoftApDevice.Config(tmp, InetAddress.getLoopbackAddress(), 0, 0,
                "3a0042000c47343432313031", ParticleFaults.parse(faults)));
    }

    static String url(ParticleSoftApDevice d, String transport) {
        return transport.equals("tcp") ? "tcp://127.0.0.1:" + d.tcpPort() : "http://127.0.0.1:" + d.httpPort();
    }

    static CliRun provision(String device, String... more) {
        String[] base = {"provision", "--device", device, "--ssid", SSID, "--password", PASSWORD, "--security", "wpa2-aes"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return CliRun.run(all);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "http"})
    void configuresTheDeviceAndConnectsLast(String transport) throws Exception {
        try (ParticleSoftApDevice d = start(null)) {
            // the device sends its key in the fixed-size slot: DER, then zeros
            String keyAnswer = SoftApTransport.of(SoftApAddress.parse(url(d, transport))).exchange("public-key", "", Duration.ofSeconds(5));
            String hex = Json(keyAnswer).get("b").asText();
            assertThat(hex).hasSize(2 * ParticleSoftApDevice.PUBLIC_KEY_SLOT).endsWith("0000000000").matches("[0-9A-F]+");
            assertThat(ParticleReply.publicKey(keyAnswer).bits()).isEqualTo(1024);

            CliRun r = provision(url(d, transport), "--claim-code", CLAIM, "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode j = r.json();
            assertThat(j.get("ok").asBoolean()).isTrue();
            assertThat(j.get("deviceId").asText()).isEqualTo("3a0042000c47343432313031");
            assertThat(j.get("channel").asInt()).as("from the device's scan").isEqualTo(6);
            assertThat(j.get("claimCodeSet").asBoolean()).isTrue();
            assertThat(r.out().lines().count()).as("stdout holds only the JSON").isEqualTo(1);

            ParticleState s = d.state();
            assertThat(s.networks()).hasSize(1);
            ParticleState.StoredNetwork n = s.networks().getFirst();
            assertThat(n.ssid()).isEqualTo(SSID);
            assertThat(n.password()).isEqualTo(PASSWORD);
            assertThat(n.security()).isEqualTo(0x00400004);
            assertThat(n.channel()).isEqualTo(6);
            assertThat(s.claimCode()).as("stored as sent: no needless escapes such as \\/").isEqualTo(CLAIM);
            assertThat(s.commands()).containsSubsequence("device-id", "public-key", "scan-ap", "set", "configure-ap", "connect-ap");
            assertThat(s.commands().getLast()).isEqualTo("connect-ap");
            assertThat(d.awaitStopped(5000)).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "http"})
    void aKeyLengthRefusalEndsWithExit1AndNoConnect(String transport) throws Exception {
        try (ParticleSoftApDevice d = start("configure=-4")) {
            CliRun r = provision(url(d, transport), "--claim-code", CLAIM);
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("Error [SOFTAP_BAD_KEY_LENGTH]: The device refused the password: its length does not fit the security type (code -4).")
                    .contains("What to do: WPA and WPA2 passwords are 8 to 63 characters").doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(d.state().commands()).contains("configure-ap").doesNotContain("connect-ap");
            assertThat(d.state().connected()).isFalse();
            assertThat(d.awaitStopped(0)).as("still in listening mode").isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"set=-1", "configure=-1"})
    void minusOneEndsWithExit1AndNoConnect(String fault) throws Exception {
        try (ParticleSoftApDevice d = start(fault)) {
            CliRun r = provision(url(d, "tcp"), "--claim-code", CLAIM, "--json");
            assertThat(r.exit()).isEqualTo(1);
            JsonNode j = r.json();
            assertThat(j.get("ok").asBoolean()).isFalse();
            assertThat(j.get("reason").asText()).isEqualTo("SOFTAP_REFUSED");
            assertThat(j.get("deviceCode").asInt()).isEqualTo(-1);
            String command = fault.startsWith("set") ? "set" : "configure-ap";
            assertThat(j.get("message").asText()).isEqualTo("The device refused " + command + " (code -1).");
            assertThat(j.get("hint").asText()).contains("still in listening mode");
            assertThat(d.state().commands()).doesNotContain("connect-ap");
            if (command.equals("set")) assertThat(d.state().commands()).doesNotContain("configure-ap");
        }
    }

    @Test
    void eachConfigureCodeIsSaidInPlainWords() throws Exception {
        String[][] cases = {{"-2", "SOFTAP_NETWORK_NOT_FOUND", "cannot find the network in its own scan"},
            {"-3", "SOFTAP_BAD_SSID", "refused the network name"}, {"-16640", "SOFTAP_PASSWORD_NOT_DECRYPTED", "could not decrypt the password"},
            {"none", "SOFTAP_NO_ANSWER", "gave no answer to configure-ap"}};
        for (String[] c : cases) {
            try (ParticleSoftApDevice d = start("configure=" + c[0])) {
                CliRun r = provision(url(d, "http"));
                assertThat(r.exit()).as(c[0]).isEqualTo(1);
                assertThat(r.err()).contains("Error [" + c[1] + "]").contains(c[2]).contains("What to do: ");
                assertThat(d.state().commands()).doesNotContain("connect-ap");
            }
        }
    }

    @Test
    void anSsidWithAQuoteIsWarnedAboutAndSentWithOnlyTheNeededEscape() throws Exception {
        try (ParticleSoftApDevice d = start(null)) {
            CliRun r = CliRun.run("provision", "--device", url(d, "tcp"), "--ssid", "Caf\u00e9 \"Nord\"/2",
                    "--password", PASSWORD, "--security", "wpa2-mixed", "--channel", "11");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err()).contains("Warning: The network name contains \" or \\").contains("does not see");
            // a Photon keeps the escape as it stands; nothing else (é, /) is escaped
            assertThat(d.state().networks().getFirst().ssid()).isEqualTo("Caf\u00e9 \\\"Nord\\\"/2");
            assertThat(d.state().networks().getFirst().channel()).isEqualTo(11);
            assertThat(r.out()).contains("Done: the device accepted the network");
        }
    }

    @Test
    void aBadPasswordIsAUsageErrorAndNothingIsSent() throws Exception {
        try (ParticleSoftApDevice d = start(null)) {
            CliRun r = CliRun.run("provision", "--device", url(d, "tcp"), "--ssid", SSID, "--security", "wpa2-aes", "--password", "short");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("8 to 63 characters");
            CliRun s = CliRun.run("provision", "--device", url(d, "tcp"), "--ssid", SSID, "--security", "wpa3", "--password", PASSWORD);
            assertThat(s.exit()).isEqualTo(2);
            assertThat(s.err()).contains("'wpa3' is not one of open, wep, wpa-tkip, wpa-aes, wpa2-aes, wpa2-mixed");
            assertThat(CliRun.run("provision", "--device", "ftp://127.0.0.1", "--ssid", SSID, "--security", "open").exit()).isEqualTo(2);
            assertThat(d.state().commands()).isEmpty();
        }
    }

    @Test
    void thePasswordMayComeFromTheEnvironment() throws Exception {
        try (ParticleSoftApDevice d = start(null)) {
            Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
            ProcessBuilder pb = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "provision", "--device", url(d, "tcp"), "--ssid", SSID, "--security", "wpa2-aes", "--json").redirectErrorStream(false);
            pb.environment().put(ProvisionCommand.PASSWORD_ENV, PASSWORD);
            Process p = pb.start();
            p.getOutputStream().close();
            String out;
            try (var in = p.getInputStream()) {
                out = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).doesNotContain(PASSWORD);
            assertThat(d.state().networks().getFirst().password()).isEqualTo(PASSWORD);
        }
    }

    @Test
    void anAbsentDeviceIsSaidPlainly() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CliRun r = provision("tcp://127.0.0.1:" + port);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error [SOFTAP_UNREACHABLE]: Cannot connect to the device at tcp://127.0.0.1:" + port);
    }

    @Test
    void theSimulateCommandRunsTheProfileUntilConnectAp() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        Path state = tmp.resolve("photon");
        FutureTask<Integer> sim = new FutureTask<>(() -> cl.execute("simulate", "--profile", "particle-softap",
                "--tcp-port", "0", "--http-port", "0", "--state", state.toString(), "--faults", "version=-7"));
        Thread simThread = Thread.ofPlatform().daemon().name("simulate-particle").start(sim);
        try {
            Matcher m = Pattern.compile("tcp://127\\.0\\.0\\.1:(\\d+) and http://127\\.0\\.0\\.1:(\\d+)").matcher("");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!m.reset(out.toString()).find()) {
                assertThat(System.nanoTime()).as("simulate did not start: " + out).isLessThan(end);
                Thread.sleep(20);
            }
            CliRun r = provision("http://127.0.0.1:" + m.group(2), "--claim-code", CLAIM);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(sim.get(10, TimeUnit.SECONDS)).as("simulate ends when the device leaves listening mode").isZero();
            assertThat(out.toString()).contains("The device left listening mode");
        } finally {
            simThread.interrupt();     // stops the device if a step above failed
        }
        assertThat(ParticleState.read(state).networks().getFirst().password()).isEqualTo(PASSWORD);
        assertThat(CliRun.run("simulate", "--profile", "particle-softap", "--state", state.toString(), "--faults", "reboot=0.1").exit())
                .as("fieldflash-http faults are not this profile's").isEqualTo(2);
    }

    private static JsonNode Json(String text) throws Exception {
        return io.fieldflash.bundle.Json.MAPPER.readTree(text);
    }

}
