package io.fieldflash.update;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.bundle.Json;
import io.fieldflash.device.RetryPolicy;
import io.fieldflash.device.http.HttpDevice;
import io.fieldflash.device.http.HttpSettings;
import io.fieldflash.sim.FaultSpec;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.testing.DeviceProxy;
import io.fieldflash.testing.DeviceProxy.Req;
import io.fieldflash.testing.DeviceProxy.Resp;
import io.fieldflash.testing.Sim;
import io.fieldflash.testing.TestBundles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The update against a device that lies, breaks or is replaced half-way: the real simulator behind a proxy on
 * loopback that changes, answers or drops chosen exchanges (issue 7, items 13 to 21, client side).
 */
class HostileDeviceTest {
    static final JobSettings FAST = JobSettings.DEFAULT
            .withRetry(new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(100), 2, 0.5))
            .withReboot(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMillis(50))
            .withStepTimeout(Duration.ofSeconds(10));
    static final HttpSettings HTTP = HttpSettings.DEFAULT.withChunkSize(16 * 1024).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5));
    static final String API = "/fieldflash/v1";

    @TempDir
    Path tmp;
    SimulatedDevice sim;
    DeviceProxy proxy;
    UpdateStores stores;
    final List<Req> seen = new CopyOnWriteArrayList<>();
    final List<JobEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        sim = SimulatedDevice.start(Sim.config(tmp.resolve("dev")).faults(FaultSpec.parse("reboot-ms=100")).build());
        proxy = DeviceProxy.in(Sim.address(sim));
        stores = UpdateStores.in(tmp.resolve("home"));
    }

    @AfterEach
    void stop() {
        proxy.close();
        sim.close();
    }

    /** Records every request, then lets {@code script} decide. */
    private void script(DeviceProxy.Script script) {
        proxy.script((r, d) -> {
            seen.add(r);
            return script.handle(r, d);
        });
    }

    private UpdateJob job(TestBundles.Made b) {
        return UpdateJob.create(new BundleSource.Verified(b.bundle()), new HttpDevice(proxy.address(), Sim.TOKEN, HTTP), stores, FAST)
                .addListener(events::add);
    }

    private long count(String method, String pathEnd) {
        return seen.stream().filter(r -> r.method().equals(method) && r.path().endsWith(pathEnd)).count();
    }

    private static boolean isInfo(Req r) {
        return r.method().equals("GET") && r.path().equals(API + "/info");
    }

    /** Changes the JSON of an answer. */
    private static Resp edit(Resp r, java.util.function.Consumer<ObjectNode> change) throws Exception {
        if (r.status() != 200) return r;
        ObjectNode n = (ObjectNode) Json.MAPPER.readTree(r.body());
        change.accept(n);
        return r.withBody(n.toString());
    }

    private TestBundles.Made twoImages() throws Exception {
        return TestBundles.make(tmp.resolve("b2"), TestBundles.PRODUCT, List.of(TestBundles.HARDWARE), "2.6.0", 8,
                "2099-01-01T00:00:00Z", new LinkedHashMap<>(Map.of(
                        "app", TestBundles.randomFile(tmp.resolve("app.bin"), 30_000, 2),
                        "web", TestBundles.randomFile(tmp.resolve("web.bin"), 20_000, 3))));
    }

    /** Puts {@code b} on the device by hand up to the restart: it then runs it on trial. */
    private void leaveOnTrial(TestBundles.Made b) throws Exception {
        HttpDevice dev = new HttpDevice(Sim.address(sim), Sim.TOKEN, HTTP);
        try (io.fieldflash.device.DeviceSession s = dev.open()) {
            io.fieldflash.device.ImageSource src = io.fieldflash.device.ImageSource.ofFile(b.image(), "app");
            var t = (io.fieldflash.device.ChunkedTransfer) s.openTransfer(src, "");
            new io.fieldflash.device.ChunkSender(RetryPolicy.DEFAULT, io.fieldflash.device.TransferControl.NONE,
                    io.fieldflash.device.TransferListener.NONE, java.util.random.RandomGenerator.getDefault()).send(t);
            s.install(t, new io.fieldflash.device.InstallRequest("app", src.sha256(), b.bundle().manifestBytes(), b.bundle().signaturesBytes()));
            s.reboot();
        }
        Thread.sleep(300);
        assertThat(sim.awaitUp(Duration.ofSeconds(5))).isTrue();
        assertThat(sim.state().trial()).isTrue();
    }

    // ---- 13 ---------------------------------------------------------------------------------------------------------

    @Test
    void aServerErrorOnInstallThenA404SendsThatImageAgainAndNeverRestartsAMixedSlot() throws Exception {
        TestBundles.Made b = twoImages();
        AtomicInteger installs = new AtomicInteger();
        script((r, d) -> {
            if (r.method().equals("POST") && r.path().endsWith("/install") && installs.incrementAndGet() == 2) {
                // The device fails on the second image's install and loses its upload on the way.
                String upload = r.path().substring(0, r.path().length() - "/install".length());
                d.forward(new Req("DELETE", upload, Map.of("authorization", r.header("authorization"), "tus-resumable", "1.0.0"), new byte[0]));
                return Resp.json(500, "{\"error\":\"FLASH_WRITE\"}");
            }
            return d.forward(r);
        });
        JobResult r = job(b).run();

        assertThat(r.outcome()).as(r.message()).isEqualTo(JobResult.Outcome.UPDATED);
        io.fieldflash.sim.Slot active = sim.state().active();
        assertThat(Files.readAllBytes(sim.slotFile(active))).isEqualTo(Files.readAllBytes(tmp.resolve("app.bin")));
        assertThat(Files.readAllBytes(tmp.resolve("dev").resolve(active.fileName("web")))).isEqualTo(Files.readAllBytes(tmp.resolve("web.bin")));
        assertThat(count("POST", API + "/uploads")).as("web was created again after the 404").isEqualTo(3);
    }

    // ---- 14 ---------------------------------------------------------------------------------------------------------

    @Test
    void aTrialOfAnotherBuildWithTheSameVersionTextIsNotConfirmed() throws Exception {
        TestBundles.Made onTrial = TestBundles.make(tmp.resolve("b1"), "2.5.0", 7, 5_000, 4);
        TestBundles.Made other = TestBundles.make(tmp.resolve("b2"), "2.5.0", 7, 5_000, 5);
        leaveOnTrial(onTrial);
        script((r, d) -> d.forward(r));
        JobResult r = job(other).run();

        assertThat(r.outcome()).isEqualTo(JobResult.Outcome.REFUSED);
        assertThat(r.reason()).isEqualTo("TRIAL_PENDING");
        assertThat(r.message()).contains("another build");
        assertThat(count("POST", "/confirm")).isZero();
        assertThat(sim.state().trial()).isTrue();
    }

    @Test
    void aDeviceThatDoesNotReportItsManifestIsJudgedByVersionAndCounterTogether() throws Exception {
        TestBundles.Made onTrial = TestBundles.make(tmp.resolve("b1"), "2.5.0", 7, 5_000, 4);
        TestBundles.Made other = TestBundles.make(tmp.resolve("b2"), "2.5.0", 8, 5_000, 5);
        leaveOnTrial(onTrial);
        script((r, d) -> isInfo(r) ? edit(d.forward(r), n -> ((ObjectNode) n.get("firmware")).remove("manifestSha256")) : d.forward(r));
        JobResult r = job(other).run();

        assertThat(r.reason()).isEqualTo("TRIAL_PENDING");
        assertThat(count("POST", "/confirm")).isZero();
        assertThat(sim.state().trial()).isTrue();
    }

    // ---- 16 ---------------------------------------------------------------------------------------------------------

    @Test
    void anUploadUrlOnAnotherOriginIsRefusedAndGetsNeitherTokenNorFirmware() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 40_000, 6);
        List<Req> elsewhere = new CopyOnWriteArrayList<>();
        try (DeviceProxy other = DeviceProxy.in(URI.create("http://127.0.0.1:1"))) {
            other.script((r, d) -> {
                elsewhere.add(r);
                return new Resp(204, Map.of("Upload-Offset", "0", "Tus-Resumable", "1.0.0"), new byte[0]);
            });
            String otherOrigin = "http://localhost:" + other.address().getPort();
            script((r, d) -> {
                Resp a = d.forward(r);
                if (r.method().equals("POST") && r.path().equals(API + "/uploads") && a.status() == 201) {
                    return a.withHeader("Location", otherOrigin + a.headers().entrySet().stream()
                            .filter(e -> e.getKey().equalsIgnoreCase("Location")).findFirst().orElseThrow().getValue());
                }
                return a;
            });
            JobResult r = job(b).run();
            assertThat(r.outcome()).isEqualTo(JobResult.Outcome.FAILED);
            assertThat(r.reason()).isEqualTo("PROTOCOL_ERROR");
            assertThat(r.message()).contains("another address");

            // The same through /info: the upload the first run left (of this very image), its location pointing elsewhere.
            seen.clear();
            script((q, d) -> isInfo(q) ? edit(d.forward(q), n -> {
                if (n.get("upload").isObject()) ((ObjectNode) n.get("upload")).put("location", otherOrigin + n.get("upload").get("location").asText());
            }) : d.forward(q));
            JobResult again = job(b).run();
            assertThat(seen).anyMatch(q -> isInfo(q));
            assertThat(again.reason()).isEqualTo("PROTOCOL_ERROR");
            assertThat(again.message()).contains("another address");
            assertThat(elsewhere).as("nothing was sent to the other origin").isEmpty();
        }
    }

    /** Creates an upload on the device directly, as another client would. */
    private void createUpload(Map<String, String> metadata, long length) throws Exception {
        StringBuilder meta = new StringBuilder();
        metadata.forEach((k, v) -> meta.append(meta.isEmpty() ? "" : ",").append(k).append(' ')
                .append(Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        try (HttpClient c = HttpClient.newHttpClient()) {
            HttpResponse<String> a = c.send(HttpRequest.newBuilder(URI.create(sim.baseUri() + "/uploads"))
                    .header("Authorization", "Bearer " + Sim.TOKEN).header("Tus-Resumable", "1.0.0")
                    .header("Upload-Length", Long.toString(length)).header("Upload-Metadata", meta.toString())
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(a.statusCode()).isEqualTo(201);
        }
    }

    // ---- 17 ---------------------------------------------------------------------------------------------------------

    @Test
    void anotherUnitAnsweringHalfWayIsNeitherInstalledNorRestarted() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 40_000, 7);
        AtomicBoolean swapped = new AtomicBoolean();
        script((r, d) -> {
            if (r.method().equals("PATCH")) swapped.set(true);
            // Same id, same token, another hardware revision (one the bundle would even accept).
            if (isInfo(r) && swapped.get()) return edit(d.forward(r), n -> n.put("hardware", "ccx-rev-c"));
            return d.forward(r);
        });
        JobResult r = job(b).run();

        assertThat(r.outcome()).isEqualTo(JobResult.Outcome.FAILED);
        assertThat(r.reason()).isEqualTo("OTHER_DEVICE");
        assertThat(count("POST", "/install")).isZero();
        assertThat(count("POST", "/reboot")).isZero();
        assertThat(sim.state().version()).isEqualTo("2.4.0");
    }

    @Test
    void aUnitSwappedRightAfterTheJobsIdentityCheckGetsNoByte() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 40_000, 19);
        AtomicInteger infos = new AtomicInteger();
        script((r, d) -> {
            // The third /info is the transfer's own, right after the job checked the unit before sending: another
            // unit (same id and token, another hardware revision) answers just then.
            if (isInfo(r) && infos.incrementAndGet() == 3) return edit(d.forward(r), n -> n.put("hardware", "ccx-rev-c"));
            return d.forward(r);
        });
        JobResult r = job(b).run();

        assertThat(r.outcome()).isEqualTo(JobResult.Outcome.FAILED);
        assertThat(r.reason()).isEqualTo("OTHER_DEVICE");
        assertThat(r.message()).contains("ccx-rev-c").contains("before the transfer");
        assertThat(count("POST", API + "/uploads")).isZero();
        assertThat(count("PATCH", "")).isZero();
        assertThat(r.bytesSent()).isZero();
    }

    // ---- power cut after the install was recorded: the device comes back on trial of this very bundle --------------

    /** Lets the first install through, then cuts the power (the device restarts into the trial) and loses the answer. */
    private DeviceProxy.Script powerCutAfterTheFirstInstall(DeviceProxy.Script afterwards) {
        AtomicBoolean cut = new AtomicBoolean();
        return (r, d) -> {
            if (r.method().equals("POST") && r.path().endsWith("/install") && !cut.getAndSet(true)) {
                assertThat(d.forward(r).status()).isEqualTo(200);
                sim.restart();
                return Resp.DROP;
            }
            return afterwards.handle(r, d);
        };
    }

    @Test
    void aPowerCutAfterTheInstallIsConfirmedNotRestartedAgain() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 20_000, 20);
        script(powerCutAfterTheFirstInstall((r, d) -> d.forward(r)));
        JobResult r = job(b).run();

        // However the device answers the install's retry, it runs the bundle on trial already: a restart now would
        // revert it.
        assertThat(r.outcome()).as(r.message()).isEqualTo(JobResult.Outcome.UPDATED);
        assertThat(count("POST", "/reboot")).isZero();
        assertThat(count("POST", "/confirm")).isEqualTo(1);
        assertThat(sim.state().trial()).isFalse();
        assertThat(sim.state().running().manifestSha256()).isEqualTo(b.bundle().manifestSha256());
        assertThat(Files.readAllBytes(Sim.activeSlotFile(sim))).isEqualTo(Files.readAllBytes(b.image()));
    }

    @Test
    void anInstallRefusedAsOnTrialOfThisVeryBundleIsConfirmed() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 20_000, 21);
        // The retry meets the device as it is when the cut fell before the upload was forgotten: 409 TRIAL_UNCONFIRMED.
        script(powerCutAfterTheFirstInstall((r, d) -> r.method().equals("POST") && r.path().endsWith("/install")
                ? Resp.json(409, "{\"error\":\"TRIAL_UNCONFIRMED\",\"message\":\"on trial\"}") : d.forward(r)));
        JobResult r = job(b).run();

        assertThat(r.outcome()).as(r.message()).isEqualTo(JobResult.Outcome.UPDATED);
        assertThat(count("POST", "/install")).isEqualTo(2);
        assertThat(count("POST", "/reboot")).isZero();
        assertThat(sim.state().trial()).isFalse();
        assertThat(sim.state().running().manifestSha256()).isEqualTo(b.bundle().manifestSha256());
        assertThat(events).filteredOn(e -> e instanceof JobEvent.Message).extracting(e -> ((JobEvent.Message) e).text())
                .anyMatch(t -> t.contains("on trial: confirming it"));
    }

    @Test
    void aRetriedInstallAnsweredAsDoneWhileOnTrialIsNotRestarted() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 20_000, 23);
        // The retry meets a device that remembers the install by its upload id and answers it as done (the protocol's
        // "same 200 for a repeated install"), although the power cut has started the trial meanwhile.
        script(powerCutAfterTheFirstInstall((r, d) -> r.method().equals("POST") && r.path().endsWith("/install")
                ? Resp.json(200, "{\"state\":\"pending-reboot\",\"slot\":\"B\"}") : d.forward(r)));
        JobResult r = job(b).run();

        assertThat(r.outcome()).as(r.message()).isEqualTo(JobResult.Outcome.UPDATED);
        assertThat(count("POST", "/reboot")).isZero();
        assertThat(sim.state().trial()).isFalse();
        assertThat(sim.state().running().manifestSha256()).isEqualTo(b.bundle().manifestSha256());
    }

    @Test
    void anInstallRefusedAsOnTrialOfAnotherFirmwareFailsSayingWhatToDo() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 20_000, 22);
        AtomicBoolean refused = new AtomicBoolean();
        script((r, d) -> {
            if (r.method().equals("POST") && r.path().endsWith("/install")) {
                refused.set(true);
                return Resp.json(409, "{\"error\":\"TRIAL_UNCONFIRMED\"}");
            }
            if (isInfo(r) && refused.get()) {
                return edit(d.forward(r), n -> ((ObjectNode) n.get("firmware")).put("version", "2.4.9").put("trial", true));
            }
            return d.forward(r);
        });
        JobResult r = job(b).run();

        assertThat(r.outcome()).isEqualTo(JobResult.Outcome.FAILED);
        assertThat(r.reason()).isEqualTo("TRIAL_UNCONFIRMED");
        assertThat(r.message()).contains("2.4.9").contains("on trial").contains("not this bundle's");
        assertThat(r.hint()).contains("Restart the device");
        assertThat(count("POST", "/confirm")).isZero();
        assertThat(count("POST", "/reboot")).isZero();
    }

    // ---- a restart refused because the install is not whole ------------------------------------------------------

    @Test
    void aRestartRefusedForAMissingImageSendsAndInstallsItAgain() throws Exception {
        TestBundles.Made b = twoImages();
        AtomicInteger installs = new AtomicInteger();
        String[] lost = {""};
        script((r, d) -> {
            // The device answers the second image's install as done but never records it (a lost write).
            if (r.method().equals("POST") && r.path().endsWith("/install") && installs.incrementAndGet() == 2) {
                lost[0] = Json.MAPPER.readTree(r.body()).path("sha256").asText();
                return Resp.json(200, "{\"state\":\"pending-reboot\",\"slot\":\"B\"}");
            }
            return d.forward(r);
        });
        JobResult r = job(b).run();

        assertThat(r.outcome()).as(r.message()).isEqualTo(JobResult.Outcome.UPDATED);
        assertThat(count("POST", "/reboot")).as("refused once, then done").isEqualTo(2);
        assertThat(count("POST", "/install")).isEqualTo(3);
        io.fieldflash.sim.Slot active = sim.state().active();
        assertThat(Files.readAllBytes(sim.slotFile(active))).isEqualTo(Files.readAllBytes(tmp.resolve("app.bin")));
        assertThat(Files.readAllBytes(tmp.resolve("dev").resolve(active.fileName("web")))).isEqualTo(Files.readAllBytes(tmp.resolve("web.bin")));
        String name = b.bundle().manifest().images().stream().filter(i -> i.sha256().equals(lost[0])).findFirst().orElseThrow().name();
        assertThat(events).filteredOn(e -> e instanceof JobEvent.Message).extracting(e -> ((JobEvent.Message) e).text())
                .anyMatch(t -> t.contains("lacks \"" + name + "\""));
    }

    @Test
    void aDeviceThatKeepsRefusingTheRestartEndsWithoutClaimingSuccess() throws Exception {
        TestBundles.Made b = twoImages();
        script((r, d) -> r.method().equals("POST") && r.path().endsWith("/reboot")
                ? Resp.json(409, "{\"error\":\"INSTALL_INCOMPLETE\",\"missing\":[\"web\\u001b[2J\"]}") : d.forward(r));
        JobResult r = job(b).run();

        assertThat(r.outcome()).isEqualTo(JobResult.Outcome.FAILED);
        assertThat(r.reason()).isEqualTo("INSTALL_INCOMPLETE");
        assertThat(r.message()).contains("web\\x1b[2J").doesNotContain("\u001b");
        assertThat(count("POST", "/reboot")).as("bounded").isEqualTo(1);
        assertThat(sim.state().version()).isEqualTo("2.4.0");
    }

    @Test
    void aRestartRefusedOnEveryTryIsBounded() throws Exception {
        TestBundles.Made b = twoImages();
        script((r, d) -> r.method().equals("POST") && r.path().endsWith("/reboot")
                ? Resp.json(409, "{\"error\":\"INSTALL_INCOMPLETE\",\"missing\":[]}") : d.forward(r));
        JobResult r = job(b).run();

        assertThat(r.outcome()).isEqualTo(JobResult.Outcome.FAILED);
        assertThat(r.reason()).isEqualTo("INSTALL_INCOMPLETE");
        assertThat(r.hint()).contains("Run the same command again");
        assertThat(count("POST", "/reboot")).isEqualTo(1L + UpdateJob.MAX_REINSTALL_ROUNDS);
        assertThat(count("POST", "/install")).as("every image again, each round").isEqualTo(2L * (1 + UpdateJob.MAX_REINSTALL_ROUNDS));
        assertThat(sim.state().version()).isEqualTo("2.4.0");
        assertThat(sim.state().trial()).isFalse();
    }

    // ---- 18 ---------------------------------------------------------------------------------------------------------

    @Test
    void aDeviceBackWithTheRightVersionButALowerCounterIsNotConfirmed() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 20_000, 8);
        script((r, d) -> {
            if (isInfo(r) && count("POST", "/reboot") > 0) {
                return edit(d.forward(r), n -> ((ObjectNode) n.get("firmware")).put("securityCounter", 6).remove("manifestSha256"));
            }
            return d.forward(r);
        });
        JobResult r = job(b).run();

        assertThat(r.outcome()).isEqualTo(JobResult.Outcome.FAILED);
        assertThat(r.reason()).isEqualTo("BOOT_FAILED");
        assertThat(r.message()).contains("security counter 6");
        assertThat(count("POST", "/confirm")).isZero();
        assertThat(stores.counters().highest(r.deviceId())).isEmpty();
    }

    @Test
    void aDeviceBackSayingItIsNotOnTrialIsStillAskedToConfirm() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 20_000, 9);
        script((r, d) -> {
            if (isInfo(r) && count("POST", "/reboot") > 0 && count("POST", "/confirm") == 0) {
                return edit(d.forward(r), n -> ((ObjectNode) n.get("firmware")).put("trial", false));
            }
            return d.forward(r);
        });
        JobResult r = job(b).run();

        assertThat(r.outcome()).as(r.message()).isEqualTo(JobResult.Outcome.UPDATED);
        assertThat(count("POST", "/confirm")).isEqualTo(1);
        assertThat(sim.state().trial()).isFalse();
    }

    @Test
    void bootFailedSaysWhatTheDeviceRunsEscaped() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 20_000, 10);
        script((r, d) -> {
            if (isInfo(r) && count("POST", "/reboot") > 0) {
                return edit(d.forward(r), n -> ((ObjectNode) n.get("firmware")).put("version", "2.4.0\u001b[2J\u001b[1;1HVALID"));
            }
            return d.forward(r);
        });
        JobResult r = job(b).run();

        assertThat(r.reason()).isEqualTo("BOOT_FAILED");
        assertThat(r.message()).contains("2.4.0\\x1b[2J").doesNotContain("\u001b");
        assertThat(events).filteredOn(e -> e instanceof JobEvent.Message).extracting(e -> ((JobEvent.Message) e).text())
                .noneMatch(t -> t.contains("\u001b"));
    }

    // ---- 19 ---------------------------------------------------------------------------------------------------------

    @Test
    void aWholeButDamagedUploadIsDeletedSoTheNextRunSendsItAnew() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 40_000, 11);
        AtomicBoolean damaged = new AtomicBoolean();
        script((r, d) -> {
            if (r.method().equals("PATCH") && !damaged.getAndSet(true)) {
                // One bit flipped on the way, and the chunk's checksum lost with it: the device stores the damage.
                byte[] body = r.body().clone();
                body[body.length / 2] ^= 1;
                Map<String, String> h = new LinkedHashMap<>(r.headers());
                h.remove("upload-checksum");
                return d.forward(new Req(r.method(), r.path(), h, body));
            }
            return d.forward(r);
        });
        JobResult first = job(b).run();
        assertThat(first.outcome()).isEqualTo(JobResult.Outcome.REFUSED);
        assertThat(first.reason()).isEqualTo("INSTALL_REFUSED");
        assertThat(first.hint()).contains("sent anew");
        assertThat(first.resumeKept()).isFalse();

        JobResult second = job(b).run();
        assertThat(second.outcome()).as(second.message()).isEqualTo(JobResult.Outcome.UPDATED);
        assertThat(Files.readAllBytes(Sim.activeSlotFile(sim))).isEqualTo(Files.readAllBytes(b.image()));
    }

    @Test
    void aDeviceThatTakesAChunkAndForgetsItEndsTheTransferInsteadOfLoopingForEver() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 40_000, 12);
        script((r, d) -> {
            if (r.method().equals("PATCH")) {
                long at = Long.parseLong(r.header("upload-offset"));
                if (at != 0) return new Resp(409, Map.of("Tus-Resumable", "1.0.0"), new byte[0]);
                return new Resp(204, Map.of("Tus-Resumable", "1.0.0", "Upload-Offset", Long.toString(r.body().length)), new byte[0]);
            }
            if (r.method().equals("HEAD") && r.path().startsWith(API + "/uploads/")) {
                return new Resp(200, Map.of("Tus-Resumable", "1.0.0", "Upload-Offset", "0", "Upload-Length", "40000"), new byte[0]);
            }
            return d.forward(r);
        });
        UpdateJob job = job(b).start();
        Optional<JobResult> r = job.await(Duration.ofSeconds(30));
        job.cancel();
        assertThat(r).as("the transfer ends by itself").isPresent();
        assertThat(r.get().outcome()).isEqualTo(JobResult.Outcome.FAILED);
        assertThat(r.get().hint()).isNotEmpty();
        assertThat(count("PATCH", "")).isLessThanOrEqualTo(2L * FAST.retry().maxAttempts() + 2);
    }

    // ---- 20 ---------------------------------------------------------------------------------------------------------

    @Test
    void aForeignTusUploadWithoutAHashIsDeletedNotAnError() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 20_000, 13);
        createUpload(Map.of("filename", "notes.txt"), 1234);
        script((r, d) -> d.forward(r));
        JobResult r = job(b).run();

        assertThat(r.outcome()).as(r.message()).isEqualTo(JobResult.Outcome.UPDATED);
        assertThat(count("DELETE", "")).isEqualTo(1);
    }

    // ---- 21 ---------------------------------------------------------------------------------------------------------

    @Test
    void deviceTextReachesNoMessageRaw() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 20_000, 14);
        script((r, d) -> isInfo(r) ? edit(d.forward(r), n -> n.put("product", "crossing\u001b]0;owned\u0007-controller\u202e")) : d.forward(r));
        JobResult r = job(b).run();

        assertThat(r.reason()).isEqualTo("WRONG_PRODUCT");
        assertThat(r.message()).contains("crossing\\x1b]0;owned\\x07-controller\\u202e").doesNotContain("\u001b").doesNotContain("\u202e");
        assertThat(events).filteredOn(e -> e instanceof JobEvent.Message).extracting(e -> ((JobEvent.Message) e).text())
                .isNotEmpty().noneMatch(t -> t.contains("\u001b") || t.contains("\u0007"));
    }

    @Test
    void aRetryAfterNearTwoToTheSixtyThreeSaysDaysNotAMinute() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 20_000, 15);
        script((r, d) -> r.header("authorization").isEmpty() ? d.forward(r)
                : new Resp(423, Map.of("Retry-After", "9223372036854775807"), new byte[0]));
        JobResult r = job(b).run();

        assertThat(r.reason()).isEqualTo("LOCKED_OUT");
        assertThat(r.message()).doesNotContain(" 1 more minute").contains("168 more hours");
    }

    @Test
    void aChunkRefusedAsDamagedOnEveryTryEndsWithAHint() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 20_000, 16);
        script((r, d) -> r.method().equals("PATCH") ? new Resp(460, Map.of("Tus-Resumable", "1.0.0"), new byte[0]) : d.forward(r));
        JobResult r = job(b).run();

        assertThat(r.reason()).isEqualTo("CHECKSUM_REJECTED");
        assertThat(r.hint()).contains("closer");
    }

    // ---- 2 (client part): the image is checked to its end before its last bytes go out ------------------------------

    @Test
    void aBundleFileSwappedAfterVerificationNeverHasItsLastBytesSentOrInstalled() throws Exception {
        TestBundles.Made b = TestBundles.make(tmp.resolve("b"), "2.5.0", 7, 40_000, 17);
        TestBundles.Made swap = TestBundles.make(tmp.resolve("s"), "2.5.0", 7, 40_000, 18);
        Files.copy(swap.path(), b.path(), StandardCopyOption.REPLACE_EXISTING);
        script((r, d) -> d.forward(r));
        JobResult r = job(b).run();

        assertThat(r.outcome()).isEqualTo(JobResult.Outcome.REFUSED);
        assertThat(r.reason()).isEqualTo("IMAGE_HASH_MISMATCH");
        assertThat(count("POST", "/install")).isZero();
        assertThat(sim.stats().bytesStored()).isLessThan(40_000);
        assertThat(sim.state().version()).isEqualTo("2.4.0");
    }
}
