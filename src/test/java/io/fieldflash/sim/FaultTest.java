package io.fieldflash.sim;

import static io.fieldflash.sim.SimHarness.randomImage;
import static io.fieldflash.sim.SimHarness.release;
import static io.fieldflash.sim.SimHarness.sha256Hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The faults: what each does, and that a seed replays them exactly. */
class FaultTest extends SimulatorTest {
    static final List<String> HW = List.of("ccx-rev-b");

    @Test
    void theSpecParsesAndNamesWhatIsWrong() {
        FaultSpec f = FaultSpec.parse("drop=0.1, corrupt=0.05,reboot=0.01,rate=2000000,latency=20,seed=42,reboot-ms=500");
        assertThat(f).isEqualTo(new FaultSpec(0.1, 0.05, 0.01, 2_000_000, 20, 42, 500, 0, 0, 0));
        assertThat(FaultSpec.parse(f.toString())).isEqualTo(f);
        assertThat(FaultSpec.parse("rate=2MiB").rate()).isEqualTo(2 << 20);
        assertThat(FaultSpec.parse("").firesFaults()).isFalse();
        assertThat(FaultSpec.parse("seed=5").rebootMs()).isEqualTo(FaultSpec.DEFAULT_REBOOT_MS);
        assertThatThrownBy(() -> FaultSpec.parse("drop=1.5")).hasMessageContaining("drop must be a probability between 0 and 1");
        assertThatThrownBy(() -> FaultSpec.parse("drop=often")).hasMessageContaining("drop");
        assertThatThrownBy(() -> FaultSpec.parse("lag=5")).hasMessageContaining("unknown fault 'lag'");
        assertThatThrownBy(() -> FaultSpec.parse("seed")).hasMessageContaining("not name=value");
        assertThatThrownBy(() -> FaultSpec.parse("seed=1,seed=2")).hasMessageContaining("twice");
        assertThatThrownBy(() -> FaultSpec.parse("rate=-1")).hasMessageContaining("rate");
    }

    /** A client that uploads in fixed chunks and resumes after every fault, writing down what happened. */
    private List<String> uploadThroughFaults(byte[] image, int chunk) throws Exception {
        List<String> trace = new ArrayList<>();
        String loc = sim.createFor(image);
        long off = 0;
        for (int attempts = 0; off < image.length; attempts++) {
            assertThat(attempts).as("attempts").isLessThan(500);
            byte[] part = Arrays.copyOfRange(image, (int) off, (int) Math.min(image.length, off + chunk));
            try {
                HttpResponse<String> r = sim.patch(loc, off, part);
                trace.add(r.statusCode() + "@" + off);
                if (r.statusCode() == 204) off = Long.parseLong(r.headers().firstValue("Upload-Offset").orElseThrow());
                else assertThat(r.statusCode()).isEqualTo(460);
            } catch (IOException cut) {
                off = sim.offset(loc);
                trace.add("cut→" + off);
            }
        }
        HttpResponse<String> done = sim.install(loc, image, release(image, "2.5.0", 7, HW));
        assertThat(done.statusCode()).as("the image arrived intact: " + done.body()).isEqualTo(200);
        return trace;
    }

    @Test
    void aSeedReplaysTheSameFaultsAtTheSameBytes() throws Exception {
        byte[] image = randomImage(300_000, 41);
        String spec = "drop=0.3,corrupt=0.2,seed=42";
        sim = SimHarness.start(dir.resolve("one"), b -> b.faults(FaultSpec.parse(spec)));
        List<String> first = uploadThroughFaults(image, 16 * 1024);
        SimulatorStats s1 = sim.device.stats();
        sim.close();
        sim = SimHarness.start(dir.resolve("two"), b -> b.faults(FaultSpec.parse(spec)));
        List<String> second = uploadThroughFaults(image, 16 * 1024);
        SimulatorStats s2 = sim.device.stats();

        assertThat(second).isEqualTo(first);
        assertThat(first).anyMatch(t -> t.startsWith("cut→")).anyMatch(t -> t.startsWith("460@"));
        assertThat(s1.drops()).isEqualTo(first.stream().filter(t -> t.startsWith("cut→")).count()).isEqualTo(s2.drops());
        assertThat(s1.corrupts()).isEqualTo(first.stream().filter(t -> t.startsWith("460@")).count()).isEqualTo(s2.corrupts());
        assertThat(s1.faultsFired()).isEqualTo(s1.drops() + s1.corrupts());
        assertThat(sim.device.faultSeed()).isEqualTo(42);

        sim.close();
        sim = SimHarness.start(dir.resolve("three"), b -> b.faults(FaultSpec.parse("drop=0.3,corrupt=0.2,seed=43")));
        assertThat(uploadThroughFaults(image, 16 * 1024)).as("another seed, other faults").isNotEqualTo(first);
    }

    @Test
    void aRebootFaultKeepsTheUploadAndRevertsATrial() throws Exception {
        byte[] image = randomImage(20_000, 42);
        sim = SimHarness.start(dir);
        String loc = sim.upload(image, 20_000);
        assertThat(sim.install(loc, image, release(image, "2.5.0", 7, HW)).statusCode()).isEqualTo(200);
        sim.close();

        // Power on with the pending install: trial. Then the device loses power in the middle of a PATCH.
        sim = SimHarness.start(dir, b -> b.faults(FaultSpec.parse("reboot=1,seed=9,reboot-ms=200")));
        assertThat(sim.info().path("firmware").path("trial").asBoolean()).isTrue();
        byte[] next = randomImage(50_000, 43);
        String loc2 = sim.createFor(next);
        assertThatThrownBy(() -> sim.patch(loc2, 0, next)).isInstanceOf(IOException.class);
        sim.awaitRebooted();
        assertThat(sim.device.stats().rebootFaults()).isEqualTo(1);
        assertThat(sim.info().path("firmware").path("version").asText()).as("the trial reverted").isEqualTo("2.4.0");
        assertThat(sim.info().path("firmware").path("trial").asBoolean(true)).isFalse();
        long kept = sim.offset(loc2);
        assertThat(kept).isEqualTo(sim.device.stats().bytesStored()).isLessThan(50_000);
        String id = loc2.substring(loc2.lastIndexOf('/') + 1);
        assertThat(Files.readAllBytes(dir.resolve("upload/" + id + ".part"))).isEqualTo(Arrays.copyOf(next, (int) kept));
    }

    @Test
    void corruptionWithoutAChecksumIsCaughtByTheImageHash() throws Exception {
        sim = SimHarness.start(dir, b -> b.faults(FaultSpec.parse("corrupt=1,seed=3")));
        byte[] image = randomImage(10_000, 44);
        String loc = sim.createFor(image);
        assertThat(sim.patch(loc, 0, image, null).statusCode()).isEqualTo(204);
        HttpResponse<String> r = sim.install(loc, image, release(image, "2.5.0", 7, HW));
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(SimHarness.json(r).path("error").asText()).isEqualTo("HASH_MISMATCH");
        assertThat(sim.device.stats().corrupts()).isEqualTo(1);
    }

    @Test
    void rateLimitsTheReceiveBandwidthAndLatencyDelaysEveryAnswer() throws Exception {
        sim = SimHarness.start(dir, b -> b.faults(FaultSpec.parse("rate=1000000,latency=100")));
        long t0 = System.nanoTime();
        sim.info();
        assertThat((System.nanoTime() - t0) / 1_000_000).as("latency, ms").isGreaterThanOrEqualTo(100);
        byte[] chunk = randomImage(500_000, 45);
        String loc = sim.createFor(chunk);
        t0 = System.nanoTime();
        assertThat(sim.patch(loc, 0, chunk).statusCode()).isEqualTo(204);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("500 kB at 1 MB/s, ms").isGreaterThanOrEqualTo(490);
    }

    /**
     * The client team's benchmark needs goodput of at least 90 % of rate=2000000 with latency=20 and default chunks.
     * The best of two runs counts, so that a moment of load on a shared build machine does not fail it.
     */
    @Test
    void defaultChunksKeepGoodputAbove90PercentOfTheRate() throws Exception {
        sim = SimHarness.start(dir, b -> b.faults(FaultSpec.parse("rate=2000000,latency=20")));
        int max = sim.info().path("maxChunkSize").asInt();
        assertThat(max).isEqualTo(SimulatorConfig.DEFAULT_MAX_CHUNK);
        byte[] image = randomImage(4 << 20, 46);
        List<byte[]> chunks = new ArrayList<>();
        List<String> checksums = new ArrayList<>();
        for (int off = 0; off < image.length; off += max) {
            chunks.add(Arrays.copyOfRange(image, off, Math.min(image.length, off + max)));
            checksums.add("sha256 " + SimHarness.b64(SimHarness.sha256(chunks.getLast())));
        }
        double best = 0;
        for (int run = 0; run < 2 && best < 0.9 * 2_000_000; run++) {
            String loc = sim.createFor(image);
            sim.head(loc);   // the connection is open before the clock starts, as in a transfer under way
            long t0 = System.nanoTime();
            long off = 0;
            for (int i = 0; i < chunks.size(); i++) {
                assertThat(sim.patch(loc, off, chunks.get(i), checksums.get(i)).statusCode()).isEqualTo(204);
                off += chunks.get(i).length;
            }
            double goodput = image.length / ((System.nanoTime() - t0) / 1e9);
            assertThat(goodput).as("never faster than the rate").isLessThanOrEqualTo(2_000_000 * 1.02);
            best = Math.max(best, goodput);
            assertThat(sha256Hex(Files.readAllBytes(dir.resolve("upload/" + loc.substring(loc.lastIndexOf('/') + 1) + ".part"))))
                    .isEqualTo(sha256Hex(image));
            assertThat(sim.send(sim.tus(loc).DELETE().build()).statusCode()).isEqualTo(204);
        }
        assertThat(best).as("goodput, bytes/s").isGreaterThanOrEqualTo(0.9 * 2_000_000);
    }
}
