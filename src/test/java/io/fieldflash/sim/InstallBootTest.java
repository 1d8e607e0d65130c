package io.fieldflash.sim;

import static io.fieldflash.sim.SimHarness.json;
import static io.fieldflash.sim.SimHarness.randomImage;
import static io.fieldflash.sim.SimHarness.release;
import static io.fieldflash.sim.SimHarness.sha256Hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.Json;
import io.fieldflash.bundle.SignatureAlgorithm;
import io.fieldflash.bundle.SigningKey;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustedKey;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Install checks, the A/B slots, and test/confirm: a trial that is not confirmed reverts at the next boot. */
class InstallBootTest extends SimulatorTest {
    static final List<String> HW = List.of("ccx-rev-b", "ccx-rev-c");

    /** Bytes and modification time of a file, to show it was never written. */
    record Snapshot(byte[] bytes, FileTime mtime) {
        static Snapshot of(Path p) throws Exception {
            return new Snapshot(Files.readAllBytes(p), Files.getLastModifiedTime(p));
        }

        void assertUnchanged(Path p) throws Exception {
            assertThat(Files.readAllBytes(p)).as(p + " bytes").isEqualTo(bytes);
            assertThat(Files.getLastModifiedTime(p)).as(p + " mtime").isEqualTo(mtime);
        }
    }

    @Test
    void aFreshDeviceHasTheFactoryState() throws Exception {
        sim = SimHarness.start(dir, b -> b.factoryVersion("1.2.3").factoryCounter(3).hardware("ccx-rev-c"));
        assertThat(Files.size(dir.resolve("A.bin"))).isEqualTo(Flash.FACTORY_IMAGE_SIZE);
        assertThat(Files.size(dir.resolve("B.bin"))).isZero();
        JsonNode st = Json.MAPPER.readTree(Files.readAllBytes(dir.resolve("device.json")));
        assertThat(st.path("activeSlot").asText()).isEqualTo("A");
        assertThat(st.path("trial").asBoolean(true)).isFalse();
        assertThat(st.path("version").asText()).isEqualTo("1.2.3");
        assertThat(st.path("securityCounter").asLong()).isEqualTo(3);
        assertThat(st.path("hardware").asText()).isEqualTo("ccx-rev-c");
        assertThat(st.path("slots").path("A").path("images").path("app").path("sha256").asText())
                .isEqualTo(sha256Hex(Files.readAllBytes(dir.resolve("A.bin"))));
        byte[] factory = Files.readAllBytes(dir.resolve("A.bin"));

        // The factory bytes are deterministic; the flags only matter for a new device.
        sim.close();
        Path other = dir.resolve("other");
        sim = SimHarness.start(other, b -> b.factoryVersion("1.2.3").factoryCounter(3).hardware("ccx-rev-c"));
        assertThat(Files.readAllBytes(other.resolve("A.bin"))).isEqualTo(factory);
        sim.close();
        sim = SimHarness.start(dir, b -> b.factoryVersion("9.9.9").factoryCounter(99));
        assertThat(sim.info().path("firmware").path("version").asText()).isEqualTo("1.2.3");
    }

    @Test
    void installRebootConfirm() throws Exception {
        sim = SimHarness.start(dir);
        Snapshot slotA = Snapshot.of(dir.resolve("A.bin"));
        byte[] image = randomImage(150_000, 21);
        String loc = sim.upload(image, 64 * 1024);

        HttpResponse<String> ok = sim.install(loc, image, release(image, "2.5.0", 7, HW));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(json(ok).path("state").asText()).isEqualTo("pending-reboot");
        assertThat(Files.readAllBytes(dir.resolve("B.bin"))).isEqualTo(image);
        slotA.assertUnchanged(dir.resolve("A.bin"));
        JsonNode info = sim.info();
        assertThat(info.path("firmware").path("version").asText()).as("still the old firmware until reboot").isEqualTo("2.4.0");
        assertThat(info.path("pendingReboot").asBoolean()).isTrue();
        assertThat(info.get("upload").isNull()).as("the upload became the slot").isTrue();
        // A retry of the same install (its answer was lost) gets the same answer.
        assertThat(sim.install(loc, image, release(image, "2.5.0", 7, HW)).statusCode()).isEqualTo(200);

        HttpResponse<String> reboot = sim.post("/reboot", "");
        assertThat(reboot.statusCode()).isEqualTo(202);
        sim.awaitRebooted();
        info = sim.info();
        assertThat(info.path("firmware").path("version").asText()).isEqualTo("2.5.0");
        assertThat(info.path("firmware").path("securityCounter").asLong()).isEqualTo(7);
        assertThat(info.path("firmware").path("trial").asBoolean()).isTrue();
        assertThat(sim.device.state().active()).isEqualTo(Slot.B);

        HttpResponse<String> confirm = sim.post("/confirm", "");
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(json(confirm).path("version").asText()).isEqualTo("2.5.0");
        assertThat(sim.info().path("firmware").path("trial").asBoolean(true)).isFalse();

        sim.restart();
        info = sim.info();
        assertThat(info.path("firmware").path("version").asText()).as("confirmed: stays after a reboot").isEqualTo("2.5.0");
        assertThat(info.path("firmware").path("trial").asBoolean(true)).isFalse();
        JsonNode st = Json.MAPPER.readTree(Files.readAllBytes(dir.resolve("device.json")));
        assertThat(st.path("activeSlot").asText()).isEqualTo("B");
        assertThat(st.path("version").asText()).isEqualTo("2.5.0");
        assertThat(st.path("securityCounter").asLong()).isEqualTo(7);

        // The next install goes to A, never to the running B.
        Snapshot slotB = Snapshot.of(dir.resolve("B.bin"));
        byte[] next = randomImage(80_000, 22);
        String loc2 = sim.upload(next, 64 * 1024);
        assertThat(sim.install(loc2, next, release(next, "2.6.0", 7, HW)).statusCode()).isEqualTo(200);
        assertThat(Files.readAllBytes(dir.resolve("A.bin"))).isEqualTo(next);
        slotB.assertUnchanged(dir.resolve("B.bin"));
    }

    @Test
    void aTrialThatIsNotConfirmedRevertsAtTheNextReboot() throws Exception {
        sim = SimHarness.start(dir);
        byte[] factory = Files.readAllBytes(dir.resolve("A.bin"));
        Snapshot slotA = Snapshot.of(dir.resolve("A.bin"));
        byte[] image = randomImage(40_000, 23);
        String loc = sim.upload(image, 40_000);
        assertThat(sim.install(loc, image, release(image, "2.5.0", 7, HW)).statusCode()).isEqualTo(200);

        sim.restart();   // power cycle with a pending install: it boots in trial, like POST /reboot
        assertThat(sim.info().path("firmware").path("trial").asBoolean()).isTrue();
        assertThat(sim.info().path("firmware").path("version").asText()).isEqualTo("2.5.0");

        assertThat(sim.post("/reboot", "").statusCode()).isEqualTo(202);   // reboot without confirm
        sim.awaitRebooted();
        JsonNode fw = sim.info().path("firmware");
        assertThat(fw.path("version").asText()).isEqualTo("2.4.0");
        assertThat(fw.path("securityCounter").asLong()).isEqualTo(6);
        assertThat(fw.path("trial").asBoolean(true)).isFalse();
        assertThat(sim.device.state().active()).isEqualTo(Slot.A);
        assertThat(Files.readAllBytes(dir.resolve("A.bin"))).isEqualTo(factory);
        slotA.assertUnchanged(dir.resolve("A.bin"));
        assertThat(Files.readAllBytes(dir.resolve("B.bin"))).as("the tried image stays in its slot").isEqualTo(image);

        // Confirm after a revert confirms what runs: nothing changes.
        HttpResponse<String> confirm = sim.post("/confirm", "");
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(json(confirm).path("version").asText()).isEqualTo("2.4.0");
    }

    @Test
    void aRestartDuringTrialRevertsToo() throws Exception {
        sim = SimHarness.start(dir);
        byte[] image = randomImage(10_000, 24);
        String loc = sim.upload(image, 10_000);
        assertThat(sim.install(loc, image, release(image, "3.0.0", 8, HW)).statusCode()).isEqualTo(200);
        assertThat(sim.post("/reboot", "").statusCode()).isEqualTo(202);
        sim.awaitRebooted();
        assertThat(sim.info().path("firmware").path("trial").asBoolean()).isTrue();
        sim.restart();
        assertThat(sim.info().path("firmware").path("version").asText()).isEqualTo("2.4.0");
        assertThat(sim.info().path("firmware").path("trial").asBoolean(true)).isFalse();
    }

    @Test
    void installDuringTrialIsRefusedSoTheFallbackSurvives() throws Exception {
        sim = SimHarness.start(dir);
        byte[] image = randomImage(10_000, 25);
        String loc = sim.upload(image, 10_000);
        assertThat(sim.install(loc, image, release(image, "3.0.0", 8, HW)).statusCode()).isEqualTo(200);
        sim.restart();
        Snapshot fallback = Snapshot.of(dir.resolve("A.bin"));
        byte[] other = randomImage(10_000, 26);
        String loc2 = sim.upload(other, 10_000);
        HttpResponse<String> r = sim.install(loc2, other, release(other, "3.0.1", 8, HW));
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(json(r).path("error").asText()).isEqualTo("TRIAL_UNCONFIRMED");
        fallback.assertUnchanged(dir.resolve("A.bin"));
    }

    @Test
    void installRefusesWithEachReasonCode() throws Exception {
        sim = SimHarness.start(dir);
        Snapshot slotA = Snapshot.of(dir.resolve("A.bin"));
        byte[] image = randomImage(20_000, 27);
        SimHarness.Release good = release(image, "2.5.0", 7, HW);

        String loc = sim.createFor(image);
        assertThat(sim.patch(loc, 0, Arrays.copyOf(image, 10_000)).statusCode()).isEqualTo(204);
        assertRefused(sim.install(loc, image, good), "INCOMPLETE");
        assertThat(sim.patch(loc, 10_000, Arrays.copyOfRange(image, 10_000, 20_000)).statusCode()).isEqualTo(204);

        assertRefused(sim.install(loc, sha256Hex(new byte[1]), good.manifest(), good.signatures()), "HASH_MISMATCH");
        byte[] otherImage = randomImage(20_000, 28);
        assertRefused(sim.install(loc, image, release(otherImage, "2.5.0", 7, HW)), "HASH_MISMATCH");
        assertRefused(sim.install(loc, image, release(List.of(new SimHarness.Image("bootloader", image)),
                "crossing-controller", "2.5.0", 7, HW)), "HASH_MISMATCH");
        assertRefused(sim.install(loc, image, release(image, "2.5.0", 7, List.of("ccx-rev-a"))), "INCOMPATIBLE_HARDWARE");
        assertRefused(sim.install(loc, image, release(List.of(new SimHarness.Image("app", image)),
                "level-crossing-lamp", "2.5.0", 7, HW)), "INCOMPATIBLE_HARDWARE");
        assertRefused(sim.install(loc, image, release(image, "9.0.0", 5, HW)), "DOWNGRADE");
        assertRefused(sim.install(loc, sha256Hex(image), "{}".getBytes(StandardCharsets.UTF_8), good.signatures()), "BAD_MANIFEST");
        assertThat(sim.post(loc + "/install", "not json").statusCode()).isEqualTo(400);

        slotA.assertUnchanged(dir.resolve("A.bin"));
        assertThat(Files.size(dir.resolve("B.bin"))).as("nothing was written on refusal").isZero();
        assertThat(sim.info().path("upload").path("offset").asLong()).as("the upload is still there").isEqualTo(20_000);

        // The same counter is not a downgrade.
        assertThat(sim.install(loc, image, release(image, "2.4.1", 6, HW)).statusCode()).isEqualTo(200);
    }

    @Test
    void anUploadWhoseBytesDifferFromTheAnnouncedHashIsRefused() throws Exception {
        sim = SimHarness.start(dir);
        byte[] image = randomImage(5000, 29);
        byte[] wrong = image.clone();
        wrong[100] ^= 1;
        String loc = sim.createFor(image);   // announces image's hash
        assertThat(sim.patch(loc, 0, wrong, null).statusCode()).isEqualTo(204);
        assertRefused(sim.install(loc, sha256Hex(wrong), release(wrong, "2.5.0", 7, HW).manifest(),
                release(wrong, "2.5.0", 7, HW).signatures()), "HASH_MISMATCH");
    }

    @Test
    void withTrustAnchorsTheSignaturesAreChecked() throws Exception {
        SigningKey vendor = SigningKey.generate(SignatureAlgorithm.ED25519);
        SigningKey stranger = SigningKey.generate(SignatureAlgorithm.ED25519);
        TrustStore anchors = TrustStore.empty().with(TrustedKey.unscoped(vendor.publicKey()));
        sim = SimHarness.start(dir, b -> b.trust(anchors));
        byte[] image = randomImage(10_000, 30);
        String loc = sim.upload(image, 10_000);

        assertRefused(sim.install(loc, image, release(image, "2.5.0", 7, HW)), "SIGNATURE_INVALID");
        assertRefused(sim.install(loc, image, release(image, "2.5.0", 7, HW, stranger)), "SIGNATURE_INVALID");
        SimHarness.Release signed = release(image, "2.5.0", 7, HW, vendor);
        byte[] tampered = new String(signed.manifest(), StandardCharsets.UTF_8).replace("Acme", "Acne").getBytes(StandardCharsets.UTF_8);
        assertRefused(sim.install(loc, sha256Hex(image), tampered, signed.signatures()), "SIGNATURE_INVALID");
        assertThat(sim.install(loc, image, signed).statusCode()).isEqualTo(200);
    }

    @Test
    void aMultiImageBundleInstallsEachImageThenRebootsOnce() throws Exception {
        sim = SimHarness.start(dir);
        byte[] app = randomImage(30_000, 31);
        byte[] data = randomImage(7_000, 32);
        SimHarness.Release rel = release(List.of(new SimHarness.Image("app", app), new SimHarness.Image("data", data)),
                "crossing-controller", "2.5.0", 7, HW);
        String l1 = sim.upload(app, 30_000);
        assertThat(sim.install(l1, app, rel).statusCode()).isEqualTo(200);
        HttpResponse<String> c = sim.create(data.length, "data", sha256Hex(data));
        String l2 = c.headers().firstValue("Location").orElseThrow();
        assertThat(sim.patch(l2, 0, data).statusCode()).isEqualTo(204);
        assertThat(sim.install(l2, data, rel).statusCode()).isEqualTo(200);
        assertThat(Files.readAllBytes(dir.resolve("B.bin"))).isEqualTo(app);
        assertThat(Files.readAllBytes(dir.resolve("B.data.bin"))).isEqualTo(data);
        assertThat(sim.device.state().slots().get(Slot.B).images()).containsOnlyKeys("app", "data");
        sim.restart();
        assertThat(sim.info().path("firmware").path("version").asText()).isEqualTo("2.5.0");
    }

    @Test
    void theDeviceIsUnreachableWhileItReboots() throws Exception {
        sim = SimHarness.start(dir, b -> b.faults(FaultSpec.parse("reboot-ms=1000")));
        int port = sim.device.port();
        assertThat(sim.post("/reboot", "").statusCode()).isEqualTo(202);
        long deadline = System.nanoTime() + 900_000_000L;
        boolean refused = false;
        while (!refused && System.nanoTime() < deadline) {
            try {
                new Socket("127.0.0.1", port).close();
                Thread.sleep(5);
            } catch (ConnectException e) {
                refused = true;
            }
        }
        assertThat(refused).as("connection refused during the reboot").isTrue();
        sim.awaitRebooted();
        assertThat(sim.device.port()).isEqualTo(port);
        assertThat(sim.info().path("firmware").path("version").asText()).isEqualTo("2.4.0");
    }

    private static void assertRefused(HttpResponse<String> r, String code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(json(r).path("error").asText()).as(r.body()).isEqualTo(code);
    }
}
