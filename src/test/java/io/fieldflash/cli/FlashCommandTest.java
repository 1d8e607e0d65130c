package io.fieldflash.cli;

import io.fieldflash.testing.HomeProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.fieldflash.testing.CliRun;
import static io.fieldflash.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.sim.FaultSpec;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.testing.Sim;
import io.fieldflash.testing.TestBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fieldflash flash} in-process, against the simulated device. */
class FlashCommandTest {
    @TempDir
    Path tmp;
    @RegisterExtension
    final HomeProperty home = new HomeProperty(() -> tmp.resolve("home"));

    @Test
    void flashesAndPrintsOneJsonObjectLast() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 150_000, 3);
        try (SimulatedDevice sim = SimulatedDevice.start(Sim.config(tmp.resolve("dev")).faults(FaultSpec.parse("reboot-ms=100")).build())) {
            CliRun r = run("flash", b.path().toString(), "--device", Sim.address(sim).toString(), "--token", Sim.TOKEN,
                    "--trust", b.trustFile().toString(), "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode j = r.json();
            assertThat(j.get("ok").asBoolean()).isTrue();
            assertThat(j.get("reason").isNull()).isTrue();
            assertThat(j.get("bytesSent").asLong()).isEqualTo(150_000);
            assertThat(j.get("resumes").asInt()).isZero();
            assertThat(j.get("seconds").asDouble()).isPositive();
            assertThat(j.get("before").asText()).isEqualTo("2.4.0");
            assertThat(j.get("after").asText()).isEqualTo("2.5.0");
            assertThat(j.get("deviceId").asText()).isEqualTo("3b0021001747353236343033");
            assertThat(r.out().lines().count()).as("stdout holds only the JSON").isEqualTo(1);
            assertThat(r.err()).contains("Sending the firmware").contains("100 %");
            assertThat(Files.readAllBytes(Sim.activeSlotFile(sim))).isEqualTo(Files.readAllBytes(b.image()));
            assertThat(sim.state().trial()).isFalse();

            CliRun audit = run("audit", "verify");
            assertThat(audit.exit()).isZero();
            assertThat(audit.out()).contains("OK").contains("1 entry");

            CliRun again = run("flash", b.path().toString(), "--device", Sim.address(sim).toString(), "--token", Sim.TOKEN,
                    "--trust", b.trustFile().toString());
            assertThat(again.exit()).isZero();
            assertThat(again.out()).contains("ALREADY INSTALLED");
        }
    }

    @Test
    void plainOutputShowsProgressEveryTenPercentAndTheResult() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 200_000, 4);
        try (SimulatedDevice sim = SimulatedDevice.start(Sim.config(tmp.resolve("dev")).faults(FaultSpec.parse("reboot-ms=100")).build())) {
            CliRun r = run("flash", b.path().toString(), "--device", Sim.address(sim).toString(), "--token", Sim.TOKEN,
                    "--trust", b.trustFile().toString(), "--plain", "--chunk-size", "8192");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).doesNotContain("\r");
            assertThat(r.out().lines().filter(l -> l.matches("\\s+\\d+ %.*")).count()).isBetween(9L, 12L);
            assertThat(r.out()).contains("UPDATED  device 3b0021001747353236343033: 2.4.0 → 2.5.0");
        }
    }

    @Test
    void wrongTokenFailsWithAClearMessageAndExitOne() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 10_000, 5);
        try (SimulatedDevice sim = SimulatedDevice.start(Sim.config(tmp.resolve("dev")).build())) {
            CliRun r = run("flash", b.path().toString(), "--device", Sim.address(sim).toString(), "--token", "nope",
                    "--trust", b.trustFile().toString(), "--json");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.json().get("ok").asBoolean()).isFalse();
            assertThat(r.json().get("reason").asText()).isEqualTo("AUTH_FAILED");
            CliRun text = run("flash", b.path().toString(), "--device", Sim.address(sim).toString(), "--token", "nope",
                    "--trust", b.trustFile().toString());
            assertThat(text.exit()).isEqualTo(1);
            assertThat(text.err()).contains("Failed [AUTH_FAILED]: The device at " + Sim.address(sim) + " refused the access token")
                    .contains("What to do:");
        }
    }

    @Test
    void missingTokenOrBadAddressIsAUsageError() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 1_000, 6);
        CliRun noToken = run("flash", b.path().toString(), "--device", "http://127.0.0.1:1", "--protocol", "fieldflash-http",
                "--trust", b.trustFile().toString());
        if (System.getenv(FlashCommand.TOKEN_ENV) == null) {
            assertThat(noToken.exit()).isEqualTo(2);
            assertThat(noToken.err()).contains("FIELDFLASH_TOKEN");
        }
        CliRun badUrl = run("flash", b.path().toString(), "--device", "ftp://x", "--token", "t", "--trust", b.trustFile().toString());
        assertThat(badUrl.exit()).isEqualTo(2);
    }

    @Test
    void anInvalidBundleIsRefusedBeforeTheDeviceIsContacted() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 1_000, 7);
        TestBundles.Made other = TestBundles.make(tmp.resolve("o"), "2.5.0", 7, 1_000, 8);
        CliRun r = run("flash", b.path().toString(), "--device", "http://127.0.0.1:1", "--token", "t",
                "--trust", other.trustFile().toString(), "--json");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.json().get("reason").asText()).isEqualTo("UNTRUSTED_KEY");
        assertThat(r.json().get("bytesSent").asLong()).isZero();
    }

    @Test
    void anOlderVersionAtTheSameCounterIsRefusedUnlessAllowedAndTheAuditLogRecordsTheConfirmation() throws Exception {
        // the simulated device runs 2.4.0 at security counter 6; this bundle is 2.3.9 at counter 6
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.3.9", 6, 20_000, 9);
        try (SimulatedDevice sim = SimulatedDevice.start(Sim.config(tmp.resolve("dev")).faults(FaultSpec.parse("reboot-ms=100")).build())) {
            CliRun refused = run("flash", b.path().toString(), "--device", Sim.address(sim).toString(), "--token", Sim.TOKEN,
                    "--trust", b.trustFile().toString());
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("[OLDER_VERSION]")
                    .contains("The bundle's version 2.3.9 is older than the version the device runs (2.4.0)")
                    .contains("--allow-downgrade");
            assertThat(sim.state().version()).isEqualTo("2.4.0");

            CliRun allowed = run("flash", b.path().toString(), "--device", Sim.address(sim).toString(), "--token", Sim.TOKEN,
                    "--trust", b.trustFile().toString(), "--allow-downgrade", "--json");
            assertThat(allowed.exit()).as(allowed.err()).isZero();
            assertThat(allowed.json().get("after").asText()).isEqualTo("2.3.9");
            assertThat(allowed.err()).contains("older than the 2.4.0 the device runs, as the operator confirmed");
        }
        java.util.List<String> lines = new io.fieldflash.update.AuditLog(tmp.resolve("home").resolve("audit.jsonl")).lines();
        assertThat(lines).hasSize(2);
        assertThat(io.fieldflash.bundle.Json.MAPPER.readTree(lines.get(0)).get("downgradeConfirmed").asBoolean()).isFalse();
        assertThat(io.fieldflash.bundle.Json.MAPPER.readTree(lines.get(0)).get("reason").asText()).isEqualTo("OLDER_VERSION");
        assertThat(io.fieldflash.bundle.Json.MAPPER.readTree(lines.get(1)).get("downgradeConfirmed").asBoolean()).isTrue();
        CliRun csv = run("audit", "export", "--csv");
        assertThat(csv.out().lines().toList().getFirst()).contains(",seconds,downgrade_confirmed,");
        assertThat(csv.out().lines().toList().getLast()).contains(",true,fieldflash-http/1,");
    }
}
