package io.fieldflash.bench;

import io.fieldflash.bundle.BundleWriter;
import io.fieldflash.bundle.SignatureAlgorithm;
import io.fieldflash.bundle.SigningKey;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustedKey;
import io.fieldflash.sim.FaultSpec;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.sim.SimulatorConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The wizard as a technician starts it, in a real window (under Xvfb when there is no display): from a source
 * checkout ({@code bin/fieldflash}) and from the installed app image ({@code bin/fieldflash-wizard} of the image
 * installer/build.sh makes, the same files the .deb puts in /opt/fieldflash; system property
 * {@code fieldflash.appImage}):
 * <ol>
 *   <li>time from launch to the first window shown, best of 5, as a ratio of an empty JavaFX window started
 *       the same way in the same run (target ≤ 1.5: the ratio, so that a busy machine does not decide it);</li>
 *   <li>the process's peak resident memory while it updates a device with a 64 MiB image through the wizard
 *       (target < 300 MB), and as a ratio of the empty JavaFX window's.</li>
 * </ol>
 */
public final class GuiBench {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Path work = Path.of(args[1]);
        Files.createDirectories(work);
        Process xvfb = null;
        String display = System.getenv("DISPLAY");
        if (display == null || display.isBlank()) {
            display = ":" + (200 + (int) (ProcessHandle.current().pid() % 100));
            xvfb = new ProcessBuilder("Xvfb", display, "-screen", "0", "1280x900x24")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Thread.sleep(1000);
        }
        try {
            run(root, work, display, "the wizard in a real window, bin/fieldflash", List.of(root.resolve("bin/fieldflash").toString(), "gui"));
            String image = System.getProperty("fieldflash.appImage", "");
            if (!image.isEmpty()) {
                Path wizard = Path.of(image, "bin", "fieldflash-wizard");
                if (!Files.isExecutable(wizard)) throw new IllegalStateException("no app image at " + image + " (installer/build.sh makes it)");
                run(root, work, display, "the installed app image, " + wizard, List.of(wizard.toString()));
            }
        } finally {
            if (xvfb != null) xvfb.destroy();
        }
    }

    private static void run(Path root, Path work, String display, String what, List<String> app) throws Exception {
        Path home = work.resolve("home");
        Files.createDirectories(home);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> bare = List.of(javaBin, "--enable-native-access=ALL-UNNAMED", "-Djavafx.cachedir=" + root.resolve("target/openjfx-cache"),
                "-cp", System.getProperty("java.class.path"), "io.fieldflash.bench.BareFxLauncher");

        Launch warm = launch(app, List.of("--bench-start"), display, home);     // makes the class-data archive
        if (!warm.shown) throw new IllegalStateException("the wizard did not show a window");
        double appBest = Double.MAX_VALUE, bareBest = Double.MAX_VALUE;
        long bareRss = 0;
        for (int i = 0; i < 5; i++) {
            appBest = Math.min(appBest, launch(app, List.of("--bench-start"), display, home).seconds);
            Launch b = launch(bare, List.of(), display, home);
            bareBest = Math.min(bareBest, b.seconds);
            bareRss = Math.max(bareRss, b.peakRss);
        }
        System.out.println("gui: " + what + " (display " + display + ")");
        System.out.printf("  reference  empty JavaFX window, launch to shown   %6.3f s%n", bareBest);
        System.out.printf("  start      launch to first window (best of 5)      %6.3f s   ratio %.2f  %s%n", appBest, appBest / bareBest,
                Bench.verdict(Math.round(appBest / bareBest * 100) / 100.0, 1.5, true));

        // Flash a 64 MiB image through the wizard and watch the process's memory.
        long size = 64L << 20;
        Path image = Bench.randomFile(work.resolve("app64.bin"), size, 64);
        SigningKey key = SigningKey.generate(SignatureAlgorithm.ED25519);
        Files.write(home.resolve("trust.json"), new TrustStore(0, 1, 1, List.of(TrustedKey.unscoped(key.publicKey()))).toJson());
        byte[] manifest = """
                {"vendor": "Bench", "product": "crossing-controller", "hardware": ["ccx-rev-b"], "version": "9.0.0",
                 "securityCounter": 9, "expires": "2099-01-01T00:00:00Z", "images": [{"name": "app"}]}
                """.getBytes(StandardCharsets.UTF_8);
        Path bundle = work.resolve("gui64.fwb");
        BundleWriter.create(manifest, Map.of("app", image), List.of(key), bundle, BundleWriter.Compression.STORE);
        deleteTree(work.resolve("device"));
        deleteTree(home.resolve("resume"));
        deleteTree(home.resolve("devices"));
        try (SimulatedDevice sim = SimulatedDevice.start(SimulatorConfig.builder(work.resolve("device")).port(0).token("bench")
                .maxImageSize(128L << 20).faults(FaultSpec.parse("reboot-ms=300")).logRequests(false).build())) {
            Launch flash = launch(app, List.of("--bench-flash", bundle.toString(), "http://127.0.0.1:" + sim.port(), "bench"), display, home);
            if (!flash.lines.contains("BENCH done UPDATED")) throw new IllegalStateException("the update did not finish: " + flash.lines);
            double mb = flash.peakRss / 1e6;
            System.out.printf("  reference  empty JavaFX window, resident memory     %6.1f MB%n", bareRss / 1e6);
            System.out.printf("  memory     peak resident while updating 64 MiB      %6.1f MB   ratio %.2f  %s%n", mb,
                    (double) flash.peakRss / bareRss, Bench.verdict(Math.round(mb), 300, true));
        }
    }

    private record Launch(double seconds, boolean shown, long peakRss, List<String> lines) {}

    /** Starts a process, returns when it exits: seconds until it printed "BENCH shown", its peak RSS, its lines. */
    private static Launch launch(List<String> cmd, List<String> extra, String display, Path home) throws Exception {
        List<String> all = new ArrayList<>(cmd);
        all.addAll(extra);
        ProcessBuilder pb = new ProcessBuilder(all).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("DISPLAY", display);
        pb.environment().put("FIELDFLASH_HOME", home.toString());
        long t0 = System.nanoTime();
        Process p = pb.start();
        AtomicLong peak = new AtomicLong();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (p.isAlive()) {
                p.toHandle().descendants().forEach(h -> peak.accumulateAndGet(rss(h.pid()), Math::max));
                peak.accumulateAndGet(rss(p.pid()), Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        List<String> lines = new ArrayList<>();
        double shownAt = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.equals("BENCH shown") && shownAt < 0) shownAt = (System.nanoTime() - t0) / 1e9;
                lines.add(line);
            }
        }
        if (!p.waitFor(10, TimeUnit.MINUTES)) p.destroyForcibly();
        sampler.join(1000);
        return new Launch(shownAt, shownAt >= 0, peak.get(), lines);
    }

    /** Resident set size of a process in bytes, from /proc (0 when it is gone). */
    private static long rss(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (Exception e) {
            return 0;
        }
        return 0;
    }

    private static void deleteTree(Path p) throws java.io.IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
