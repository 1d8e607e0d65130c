package io.fieldflash.sim;

import static io.fieldflash.sim.SimHarness.json;
import static io.fieldflash.sim.SimHarness.randomImage;
import static io.fieldflash.sim.SimHarness.release;
import static io.fieldflash.sim.SimHarness.sha256Hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Power lost at any write of the state folder: the device boots again from what is on disk, and never runs, or
 * labels, a slot with bytes other than the ones its record names. A pending install that lacks an image of its
 * manifest is never booted.
 */
class PowerCutTest extends SimulatorTest {
    static final List<String> HW = List.of("ccx-rev-b");
    static final byte[] APP = randomImage(9_000, 41);
    static final byte[] UI = randomImage(5_000, 42);
    static final SimHarness.Release TWO = release(List.of(new SimHarness.Image("app", APP), new SimHarness.Image("ui", UI)),
            "crossing-controller", "2.5.0", 7, HW);

    @Test
    void aPendingSlotThatLacksAnImageOfItsManifestIsNotRebootedInto() throws Exception {
        sim = SimHarness.start(dir);
        String app = sim.upload(APP, 4096);
        assertThat(sim.install(app, APP, TWO).statusCode()).isEqualTo(200);

        HttpResponse<String> r = sim.post("/reboot", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        assertThat(json(r).path("error").asText()).isEqualTo("INSTALL_INCOMPLETE");
        assertThat(json(r).path("missing").toString()).isEqualTo("[\"ui\"]");
        assertThat(json(r).path("message").asText()).contains("ui").contains("2.4.0");
        assertThat(sim.device.isUp()).as("no reboot happened").isTrue();

        // A power cycle does not boot it either: the device stays on its firmware, the install still pending.
        sim.restart();
        JsonNode fw = sim.info().path("firmware");
        assertThat(fw.path("version").asText()).isEqualTo("2.4.0");
        assertThat(fw.path("trial").asBoolean()).isFalse();
        assertThat(sim.info().path("pendingReboot").asBoolean()).isTrue();

        // Once the second image is in, the reboot tries the whole release.
        HttpResponse<String> c = sim.create(UI.length, "ui", sha256Hex(UI));
        String ui = c.headers().firstValue("Location").orElseThrow();
        assertThat(sim.patch(ui, 0, UI).statusCode()).isEqualTo(204);
        assertThat(sim.install(ui, UI, TWO).statusCode()).isEqualTo(200);
        assertThat(sim.post("/reboot", "").statusCode()).isEqualTo(202);
        sim.awaitRebooted();
        assertThat(sim.info().path("firmware").path("version").asText()).isEqualTo("2.5.0");
        assertThat(sim.info().path("firmware").path("trial").asBoolean()).isTrue();
        assertThat(sim.device.state().running().images()).containsOnlyKeys("app", "ui");
    }

    @Test
    void infoNamesTheManifestTheRunningFirmwareCameFrom() throws Exception {
        sim = SimHarness.start(dir);
        assertThat(sim.info().path("firmware").path("manifestSha256").asText("missing")).as("factory firmware").isEmpty();
        SimHarness.Release one = release(APP, "2.5.0", 7, HW);
        String loc = sim.upload(APP, 4096);
        assertThat(sim.install(loc, APP, one).statusCode()).isEqualTo(200);
        assertThat(sim.info().path("firmware").path("manifestSha256").asText()).as("not before the reboot").isEmpty();
        assertThat(sim.post("/reboot", "").statusCode()).isEqualTo(202);
        sim.awaitRebooted();
        assertThat(sim.info().path("firmware").path("manifestSha256").asText()).isEqualTo(sha256Hex(one.manifest()));
        sim.restart();   // unconfirmed: reverts, and says so
        assertThat(sim.info().path("firmware").path("manifestSha256").asText()).isEmpty();
    }

    @Test
    void aSlotWhoseBytesAreNotTheRecordedOnesIsNeverBooted() throws Exception {
        sim = SimHarness.start(dir);
        SimHarness.Release one = release(APP, "2.5.0", 7, HW);
        String loc = sim.upload(APP, 4096);
        assertThat(sim.install(loc, APP, one).statusCode()).isEqualTo(200);
        byte[] other = randomImage(APP.length, 43);
        Files.write(dir.resolve("B.bin"), other);   // same size, other bytes, behind the device's back

        HttpResponse<String> r = sim.post("/reboot", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        assertThat(json(r).path("message").asText()).contains("damaged");
        sim.restart();
        assertThat(sim.info().path("firmware").path("version").asText()).isEqualTo("2.4.0");
        assertThat(sim.device.state().slots().get(Slot.B).images()).as("the damaged image's record is dropped").isEmpty();

        // Installed again, it boots; confirmed, and then damaged, the device runs its other slot instead.
        String again = sim.upload(APP, 4096);
        assertThat(sim.install(again, APP, one).statusCode()).isEqualTo(200);
        assertThat(sim.post("/reboot", "").statusCode()).isEqualTo(202);
        sim.awaitRebooted();
        assertThat(sim.post("/confirm", "").statusCode()).isEqualTo(200);
        Files.write(dir.resolve("B.bin"), other);
        sim.restart();
        assertThat(sim.device.state().active()).isEqualTo(Slot.A);
        assertThat(sim.info().path("firmware").path("version").asText()).isEqualTo("2.4.0");
    }

    /**
     * The install of a two-image release, with the power cut after each of its writes in turn (and after the write
     * before the first: a cut before write N leaves the disk as a cut after write N - 1 does; the fault campaign
     * tries both, over the whole update): after the
     * device is back (and once more after a power cycle), every image its state names holds exactly the recorded
     * bytes, and it never runs the new app beside a missing ui.
     */
    @Test
    void aPowerCutAtAnyWriteOfAnInstallLeavesNoSlotMislabelled() throws Exception {
        long first, last;
        try (SimHarness clean = SimHarness.start(dir.resolve("clean"))) {
            String app = clean.upload(APP, 4096);
            first = clean.device.stats().writes() + 1;
            assertThat(clean.install(app, APP, TWO).statusCode()).isEqualTo(200);
            String ui = clean.createUpload(UI, "ui");
            assertThat(clean.patch(ui, 0, UI).statusCode()).isEqualTo(204);
            assertThat(clean.install(ui, UI, TWO).statusCode()).isEqualTo(200);
            last = clean.device.stats().writes();
        }
        assertThat(last - first).as("writes of the two installs").isGreaterThanOrEqualTo(9);
        List<String> outcomes = new ArrayList<>();
        for (long k = first - 1; k <= last; k++) {
            Path d = dir.resolve("cut-after-" + k);
            String faults = "seed=1,reboot-ms=20,cut-after=" + k;
            try (SimHarness s = SimHarness.start(d, b -> b.faults(FaultSpec.parse(faults)))) {
                String outcome = tryTwoImageInstall(s);
                assertThat(s.device.stats().powerCuts()).as(faults).isEqualTo(1);
                assertThat(s.device.awaitUp(Duration.ofSeconds(5))).as(faults).isTrue();
                assertSlotsHoldWhatTheStateSays(s.device, faults);
                s.restart();
                assertSlotsHoldWhatTheStateSays(s.device, faults + ", after a power cycle");
                DeviceState st = s.device.state();
                if (st.version().equals("2.5.0")) {
                    assertThat(st.running().images()).as(faults).containsOnlyKeys("app", "ui");
                }
                outcomes.add(faults + ": " + outcome + " → " + st.version() + (st.trial() ? " (trial)" : "")
                        + (st.pendingReboot() ? " (pending, " + st.slots().get(st.inactive()).missing() + " missing)" : ""));
            }
        }
        System.out.println(String.join("\n", outcomes));
    }

    /** Uploads and installs both images, one attempt each; says how far it got before the power failed. */
    private static String tryTwoImageInstall(SimHarness s) throws Exception {
        try {
            String app = s.upload(APP, 4096);
            if (s.install(app, APP, TWO).statusCode() != 200) return "app install refused";
            String ui = s.createUpload(UI, "ui");
            if (s.patch(ui, 0, UI).statusCode() != 204) return "ui PATCH refused";
            if (s.install(ui, UI, TWO).statusCode() != 200) return "ui install refused";
            return "installed";
        } catch (IOException | AssertionError e) {
            return "cut (" + e.getClass().getSimpleName() + ")";
        }
    }

    /** Every image named in the state is in its file byte for byte; the running slot holds all its manifest lists. */
    static void assertSlotsHoldWhatTheStateSays(SimulatedDevice device, String where) throws IOException {
        DeviceState st = device.state();
        for (Map.Entry<Slot, SlotContents> e : st.slots().entrySet()) {
            for (Map.Entry<String, SlotContents.ImageRecord> img : e.getValue().images().entrySet()) {
                Path f = device.config().stateDir().resolve(e.getKey().fileName(img.getKey()));
                assertThat(sha256Hex(Files.readAllBytes(f))).as(where + ": slot " + e.getKey() + " image " + img.getKey())
                        .isEqualTo(img.getValue().sha256());
            }
        }
        assertThat(st.running().missing()).as(where + ": the running slot is whole").isEmpty();
    }
}
