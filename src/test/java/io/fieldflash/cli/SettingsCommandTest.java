package io.fieldflash.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.Json;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.testing.CliRun;
import io.fieldflash.testing.HomeProperty;
import io.fieldflash.testing.Sim;
import io.fieldflash.update.AuditLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fieldflash settings get|set} against the simulated crossing controller over real HTTP on loopback: the
 * schema is read, a change the device refuses names its field and changes nothing, accepted changes survive a
 * restart of the device and land in the audit log, and the access point password never comes back.
 */
class SettingsCommandTest {
    private static final String PASSWORD = "gate;keeper 2026";

    @TempDir
    Path tmp;

    @RegisterExtension
    final HomeProperty home = new HomeProperty(() -> tmp.resolve("home"));

    private static CliRun run(SimulatedDevice sim, String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, 2);
        all[2] = "--device";
        all[3] = Sim.address(sim).toString();
        all[4] = "--token";
        all[5] = Sim.TOKEN;
        System.arraycopy(args, 2, all, 6, args.length - 2);
        return CliRun.run(all);
    }

    /** The raw answer of GET /settings, as any client would see it. */
    private static String rawSettings(SimulatedDevice sim) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sim.baseUri() + "/settings"))
                    .header("Authorization", "Bearer " + Sim.TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        }
    }

    @Test
    void aRoundTripReadsRefusesAcceptsPersistsAndAudits() throws Exception {
        Path state = tmp.resolve("dev");
        try (SimulatedDevice sim = SimulatedDevice.start(Sim.config(state).build())) {
            CliRun get = run(sim, "settings", "get");
            assertThat(get.exit()).as(get.all()).isZero();
            assertThat(get.out()).contains("Gate-down delay", "8", " s ", "gateDownDelay", "Access point password", "(not set)",
                    "Serial number", "serialNumber (read-only)");

            // two values: the device refuses the NTP server's name, and so applies neither
            CliRun refused = run(sim, "settings", "set", "gateDownDelay=12", "ntpServer=time server.local");
            assertThat(refused.exit()).as(refused.all()).isEqualTo(1);
            assertThat(refused.err()).contains("Refused by the device: NTP server (ntpServer)", "is not a host name",
                    "Nothing was changed");
            JsonNode unchanged = run(sim, "settings", "get", "--json").json();
            assertThat(value(unchanged, "gateDownDelay").asLong()).isEqualTo(8);

            CliRun set = run(sim, "settings", "set", "gateDownDelay=12", "apPassword=" + PASSWORD, "--operator", "Tech One");
            assertThat(set.exit()).as(set.all()).isZero();
            assertThat(set.out()).contains("Gate-down delay: 8 -> 12 s", "Access point password: changed", "The device accepted the 2 changes");
            assertThat(set.all()).doesNotContain(PASSWORD);
        }

        // a power cycle: the device reads its settings back from its state folder
        try (SimulatedDevice sim = SimulatedDevice.start(Sim.config(state).build())) {
            JsonNode after = run(sim, "settings", "get", "--json").json();
            assertThat(value(after, "gateDownDelay").asLong()).isEqualTo(12);
            JsonNode secret = setting(after, "apPassword");
            assertThat(secret.get("value").isNull()).isTrue();
            assertThat(secret.get("set").asBoolean()).isTrue();
            assertThat(rawSettings(sim)).doesNotContain(PASSWORD).contains("\"set\":true");
        }

        List<String> lines = new AuditLog(tmp.resolve("home").resolve(AuditLog.FILE_NAME)).lines();
        assertThat(lines).hasSize(1);
        JsonNode entry = Json.MAPPER.readTree(lines.getFirst());
        assertThat(entry.get("kind").asText()).isEqualTo("settings");
        assertThat(entry.get("operator").asText()).isEqualTo("Tech One");
        assertThat(entry.at("/device/id").asText()).isEqualTo("3b0021001747353236343033");
        assertThat(entry.get("changes").toString())
                .contains("{\"key\":\"gateDownDelay\",\"label\":\"Gate-down delay\",\"old\":\"8\",\"new\":\"12\"}",
                        "{\"key\":\"apPassword\",\"label\":\"Access point password\",\"secret\":true,\"change\":\"changed\"}");
        assertThat(lines.getFirst()).doesNotContain(PASSWORD);

        CliRun show = CliRun.run("audit", "show");
        assertThat(show.exit()).isZero();
        assertThat(show.out()).contains("#1", "Tech One", "settings of crossing-controller 3b0021001747353236343033",
                "gateDownDelay 8 -> 12, apPassword changed");
        assertThat(CliRun.run("audit", "verify").exit()).isZero();
    }

    @Test
    void aBadKeyOrAValueOutsideTheLimitsIsRefusedBeforeSending() throws Exception {
        Path state = tmp.resolve("dev");
        try (SimulatedDevice sim = SimulatedDevice.start(Sim.config(state).build())) {
            long before = sim.stats().requests();
            CliRun r = run(sim, "settings", "set", "gateDownDelay=99", "gateDelay=5", "serialNumber=X", "apPassword=short");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("Gate-down delay takes a whole number from 3 to 30 s, not 99.",
                    "The device has no setting \"gateDelay\"", "Serial number can only be read",
                    "Access point password takes 8 to 63 characters.", "Nothing was sent to the device.");
            // only /info and GET /settings reached the device: no PUT
            assertThat(sim.stats().requests() - before).isEqualTo(2);
            assertThat(Files.exists(state.resolve("settings.json"))).isFalse();
        }
        assertThat(new AuditLog(tmp.resolve("home").resolve(AuditLog.FILE_NAME)).lines()).isEmpty();
    }

    @Test
    void aWrongTokenIsRefusedWithASentence() throws Exception {
        try (SimulatedDevice sim = SimulatedDevice.start(Sim.config(tmp.resolve("dev")).build())) {
            CliRun r = CliRun.run("settings", "get", "--device", Sim.address(sim).toString(), "--token", "wrong");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("Error [AUTH_FAILED]");
        }
    }

    @Test
    void auditShowListsUpdatesAndSettingsChangesEscaped() throws Exception {
        Path file = tmp.resolve("audit.jsonl");
        AuditLog log = new AuditLog(file);
        log.append(AuditCommandTest.record(1));
        log.append(new io.fieldflash.update.SettingsAuditRecord(java.time.Instant.parse("2026-12-01T10:00:00Z"), "tech\u001b[2J",
                "dev\u202e1", "crossing-controller", "fieldflash-http/1", "http://192.168.4.1",
                List.of(new io.fieldflash.update.SettingsAuditRecord.Change("siteName", "Site name", "Old\u0007", "New", false),
                        io.fieldflash.update.SettingsAuditRecord.Change.secret("apPassword", "Access point password"))));
        CliRun r = CliRun.run("audit", "show", "--file", file.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().toList()).containsExactly(
                "#1  2026-11-21T10:00:01Z  tech-1  update crossing-controller 2.5.1 on dev1 (2.4.0 -> 2.5.1): UPDATED",
                "#2  2026-12-01T10:00:00Z  tech\\x1b[2J  settings of crossing-controller dev\\u202e1 at http://192.168.4.1: "
                        + "siteName Old\\x07 -> New, apPassword changed");
        assertThat(CliRun.run("audit", "verify", "--file", file.toString()).exit()).isZero();

        List<String> csv = CliRun.run("audit", "export", "--csv", "--file", file.toString()).out().lines().toList();
        assertThat(csv.getFirst()).endsWith(",settings_changes");
        assertThat(csv.get(1)).endsWith(",");
        assertThat(csv.get(2)).contains(",SETTINGS_CHANGED,").endsWith(",siteName: Old\\x07 -> New; apPassword: changed");
    }

    private static JsonNode setting(JsonNode answer, String key) {
        for (JsonNode s : answer.get("settings")) if (s.get("key").asText().equals(key)) return s;
        throw new AssertionError("no setting " + key + " in " + answer);
    }

    private static JsonNode value(JsonNode answer, String key) {
        return setting(answer, key).get("value");
    }
}
