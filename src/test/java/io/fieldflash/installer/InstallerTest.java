package io.fieldflash.installer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldflash.AppInfo;
import io.fieldflash.testing.TestBundles;
import io.fieldflash.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Linux installers as IT and a technician meet them: {@code installer/build.sh} builds them once, then the
 * portable zip runs with no Java on the machine's PATH, and the .deb is installed with {@code dpkg -i}, used
 * (command, machine-wide trust store, the wizard in a window under Xvfb) and removed with {@code dpkg -r}.
 *
 * <p>It installs a system package, so it runs only in CI ({@code FIELDFLASH_REQUIRE_TOOLS=1}, as root) or when
 * asked for with {@code FIELDFLASH_INSTALLER_TEST=1} ({@code =reuse}: check the artifacts of the last run of this
 * test again without rebuilding them); otherwise it is skipped with a message.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstallerTest {
    private static final long MAX_DEB_BYTES = 70_000_000L;
    private static final Path OPT = Path.of("/opt/fieldflash");
    private static final Path DESKTOP = Path.of("/usr/share/applications/io.fieldflash.FieldFlash.desktop");
    private static final Path MACHINE = Path.of("/etc/fieldflash");

    private static Path dist;
    private static String buildOutput;
    private static Path work;
    private static TestBundles.Made bundle;

    @BeforeAll
    static void build() throws Exception {
        String mode = System.getenv().getOrDefault("FIELDFLASH_INSTALLER_TEST", "");
        boolean asked = Tools.required() || mode.equals("1") || mode.equals("reuse");
        Assumptions.assumeTrue(asked, "installer test skipped: it builds the installers and installs a .deb; "
                + "set FIELDFLASH_INSTALLER_TEST=1 (as root) to run it (CI runs it with FIELDFLASH_REQUIRE_TOOLS=1)");
        for (String tool : List.of("dpkg-deb", "zip", "unzip", "sha256sum", "Xvfb")) Tools.need(tool);
        Path root = Tools.projectDir();
        dist = root.resolve("target/installer/dist");
        Path log = root.resolve("target/installer/build.log");
        if (mode.equals("reuse") && Files.exists(log) && !Tools.required()) {
            buildOutput = Files.readString(log);   // a developer re-running the checks on the last build
        } else {
            Result r = run(List.of(root.resolve("installer/build.sh").toString()), Map.of(), root, Duration.ofMinutes(20));
            buildOutput = r.output();
            Files.writeString(log, buildOutput);
            assertThat(r.exit()).as("installer/build.sh:\n%s", r.output()).isZero();
        }
        work = Files.createTempDirectory("fieldflash-installer-test");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        bundle = TestBundles.make(work.resolve("bundles"), "2.4.1", 7, 4096, 11);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (work == null) return;
        try (Stream<Path> all = Files.walk(work)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Test
    @Order(1)
    void buildPrintsTheSizesAndItsChecksumsVerify() throws Exception {
        assertThat(buildOutput).containsPattern("runtime +[0-9.]+ MB").containsPattern("\\.deb +[0-9.]+ MB")
                .containsPattern("zip +[0-9.]+ MB");
        Path deb = artifact("fieldflash_" + AppInfo.version() + "_amd64.deb");
        assertThat(Files.size(deb)).as("size of %s", deb).isLessThanOrEqualTo(MAX_DEB_BYTES);
        assertThat(artifact("fieldflash-" + AppInfo.version() + "-linux-x64.zip")).exists();

        Result check = run(List.of("sha256sum", "-c", "SHA256SUMS"), Map.of(), dist, Duration.ofMinutes(2));
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains(deb.getFileName() + ": OK");
        assertThat(check.output().lines().filter(l -> l.endsWith(": OK"))).hasSize(3);
    }

    @Test
    @Order(2)
    void sbomListsEveryShippedJarAndTheRuntime() throws Exception {
        JsonNode bom = new ObjectMapper().readTree(artifact("fieldflash-" + AppInfo.version() + "-sbom.cdx.json").toFile());
        assertThat(bom.path("bomFormat").asText()).isEqualTo("CycloneDX");
        assertThat(bom.path("metadata").path("component").path("version").asText()).isEqualTo(AppInfo.version());
        List<String> shipped = new ArrayList<>();
        JsonNode runtime = null;
        for (JsonNode c : bom.path("components")) {
            for (JsonNode p : c.path("properties")) {
                if (p.path("name").asText().equals("fieldflash:shipped-file")) shipped.add(p.path("value").asText());
            }
            if (c.path("name").asText().equals("fieldflash-runtime")) runtime = c;
        }
        // Every library jar the build used is in the runtime, and each one is named in the SBOM.
        Path lib = Tools.projectDir().resolve("target/installer/maven/lib");
        try (Stream<Path> jars = Files.list(lib)) {
            List<String> expected = jars.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".jar") && !n.matches("javafx-[a-z]+-[0-9.]+\\.jar")).toList();
            assertThat(expected).contains("bcprov-jdk18on-1.86.jar", "javafx-graphics-25.0.4-linux.jar");
            assertThat(shipped).containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(runtime).as("runtime component").isNotNull();
        assertThat(runtime.path("version").asText()).startsWith("25");
        assertThat(runtime.path("hashes").get(0).path("content").asText()).hasSize(64);
    }

    @Test
    @Order(3)
    void portableZipRunsWithoutSystemJavaAndKeepsItsSettingsBesideItWhenTold() throws Exception {
        Path unpacked = work.resolve("usb-stick");
        Files.createDirectories(unpacked);
        Result unzip = run(List.of("unzip", "-q", artifact("fieldflash-" + AppInfo.version() + "-linux-x64.zip").toString(),
                "-d", unpacked.toString()), Map.of(), work, Duration.ofMinutes(2));
        assertThat(unzip.exit()).as(unzip.output()).isZero();
        Path app = unpacked.resolve("fieldflash");
        String command = app.resolve("bin/fieldflash").toString();
        Path home = Files.createDirectories(work.resolve("technician-home"));
        Map<String, String> noJava = noJavaEnvironment(home);

        Result version = run(List.of(command, "--version"), noJava, work, Duration.ofMinutes(1));
        assertThat(version.exit()).as(version.output()).isZero();
        assertThat(version.output()).contains("FieldFlash " + AppInfo.version());

        Result verify = run(List.of(command, "verify", "--trust", bundle.trustFile().toString(), bundle.path().toString()),
                noJava, work, Duration.ofMinutes(1));
        assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(verify.output()).startsWith("VALID");

        // --portable: the trust store goes into data/ beside the app, nothing into the technician's home.
        Result add = run(List.of(command, "--portable", "trust", "add", bundle.trustFile().toString(), "--name", "Vendor"),
                noJava, work, Duration.ofMinutes(1));
        assertThat(add.exit()).as(add.output()).isZero();
        assertThat(app.resolve("data/trust.json")).exists();
        assertThat(home.resolve(".config/fieldflash/trust.json")).doesNotExist();
        Result portableVerify = run(List.of(command, "--portable", "verify", bundle.path().toString()), noJava, work, Duration.ofMinutes(1));
        assertThat(portableVerify.exit()).as(portableVerify.output()).isZero();
        // Without being told, it is an ordinary per-user install: no key trusted there.
        Result plain = run(List.of(command, "verify", bundle.path().toString()), noJava, work, Duration.ofMinutes(1));
        assertThat(plain.exit()).as(plain.output()).isEqualTo(1);
        // The marker file does what --portable does.
        Files.createFile(app.resolve("fieldflash.portable"));
        Result marked = run(List.of(command, "verify", bundle.path().toString()), noJava, work, Duration.ofMinutes(1));
        assertThat(marked.exit()).as(marked.output()).isZero();
        assertThat(app.resolve("legal/THIRD-PARTY.txt")).exists();
    }

    @Test
    @Order(4)
    void debInstallsWithDesktopEntryAndMachineTrustThenRemovesCleanly() throws Exception {
        Tools.need("dpkg");
        boolean root = "0".equals(run(List.of("id", "-u"), Map.of(), work, Duration.ofSeconds(10)).output().strip());
        if (!root) {
            if (Tools.required()) throw new AssertionError("installing the .deb needs root (CI runs as root)");
            Assumptions.abort("installing the .deb needs root; skipping");
        }
        Path deb = artifact("fieldflash_" + AppInfo.version() + "_amd64.deb");
        // IT installs it and puts the vendor's key into the machine-wide trust store in the same step.
        Path vendorKey = work.resolve("acme-release.pub");
        Files.copy(bundle.trustFile(), vendorKey);
        Result install = run(List.of("dpkg", "-i", deb.toString()), Map.of("FIELDFLASH_TRUST_FILE", vendorKey.toString()), work,
                Duration.ofMinutes(5));
        assertThat(install.exit()).as(install.output()).isZero();
        try {
            assertThat(query()).isEqualTo("ii " + AppInfo.version());

            Path home = Files.createDirectories(work.resolve("installed-home"));
            Map<String, String> env = noJavaEnvironment(home);
            Result version = run(List.of("/usr/bin/fieldflash", "--version"), env, work, Duration.ofMinutes(1));
            assertThat(version.exit()).as(version.output()).isZero();
            assertThat(version.output()).contains("FieldFlash " + AppInfo.version());

            // The machine-wide trust store: the technician's own store is empty, yet the bundle is trusted.
            assertThat(MACHINE.resolve("trust.d/acme-release.pem")).exists();
            Result verify = run(List.of("/usr/bin/fieldflash", "verify", bundle.path().toString()), env, work, Duration.ofMinutes(1));
            assertThat(verify.exit()).as(verify.output()).isZero();
            assertThat(verify.output()).startsWith("VALID");
            // ... and the technician (any user but root) cannot change it.
            assertThat(Files.getPosixFilePermissions(MACHINE.resolve("trust.d")))
                    .doesNotContain(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
            Result tamper = run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                    "sh", "-c", "echo x > /etc/fieldflash/trust.d/mine.pem"), Map.of(), work, Duration.ofSeconds(30));
            assertThat(tamper.exit()).as("a non-root user wrote into the machine trust store").isNotZero();

            // The desktop entry opens the wizard on a double-clicked bundle; .fwb is a MIME type of its own.
            String desktop = Files.readString(DESKTOP);
            assertThat(desktop).contains("MimeType=application/x-fieldflash-bundle;").contains("Icon=fieldflash");
            String exec = desktop.lines().filter(l -> l.startsWith("Exec=")).findFirst().orElseThrow().substring(5);
            assertThat(exec).endsWith(" %f");
            assertThat(Path.of("/usr/share/icons/hicolor/256x256/apps/fieldflash.png")).exists();
            if (Files.isExecutable(Path.of("/usr/bin/update-mime-database"))) {
                assertThat(Files.readString(Path.of("/usr/share/mime/globs2"))).contains("application/x-fieldflash-bundle:*.fwb");
            }

            // The installed GUI launcher, as the desktop entry starts it on a bundle, opens its window; then it closes.
            List<String> wizard = new ArrayList<>(List.of(exec.substring(0, exec.length() - 3).split(" ")));
            wizard.add("--bench-start");
            wizard.add(bundle.path().toString());
            try (Xvfb x = Xvfb.start()) {
                Map<String, String> gui = new HashMap<>(env);
                gui.put("DISPLAY", x.display());
                Result shown = run(wizard, gui, work, Duration.ofMinutes(3));
                assertThat(shown.exit()).as(shown.output()).isZero();
                assertThat(shown.output()).contains("BENCH shown");
            }
            try (Stream<Path> logs = Files.list(home.resolve(".config/fieldflash/logs"))) {
                String log = Files.readString(logs.findFirst().orElseThrow());
                assertThat(log).contains("FieldFlash " + AppInfo.version() + " started");
            }
        } finally {
            Result remove = run(List.of("dpkg", "-r", "fieldflash"), Map.of(), work, Duration.ofMinutes(3));
            assertThat(remove.exit()).as(remove.output()).isZero();
        }
        assertThat(query()).doesNotStartWith("ii");
        assertThat(OPT).doesNotExist();
        assertThat(Path.of("/usr/bin/fieldflash")).doesNotExist();
        assertThat(DESKTOP).doesNotExist();
        assertThat(Path.of("/usr/share/mime/packages/fieldflash.xml")).doesNotExist();
        // Removing keeps the machine's trust store (it is IT's); purging deletes it.
        assertThat(MACHINE.resolve("trust.d/acme-release.pem")).exists();
        Result purge = run(List.of("dpkg", "-P", "fieldflash"), Map.of(), work, Duration.ofMinutes(2));
        assertThat(purge.exit()).as(purge.output()).isZero();
        assertThat(MACHINE).doesNotExist();
    }

    private static Path artifact(String name) {
        Path p = dist.resolve(name);
        assertThat(p).as("built artifact").exists();
        return p;
    }

    /** dpkg's two-letter state of the package and its version ("ii 0.1.0" when installed). */
    private static String query() throws Exception {
        Result q = run(List.of("dpkg-query", "-W", "-f=${db:Status-Abbrev}${Version}", "fieldflash"), Map.of(), work,
                Duration.ofSeconds(30));
        return q.exit() == 0 ? q.output().strip().replaceFirst("^(..) *", "$1 ") : "not-installed";
    }

    /**
     * A technician's environment with no Java anywhere (PATH holds an empty folder, JAVA_HOME is unset) and a home
     * folder of its own.
     */
    private static Map<String, String> noJavaEnvironment(Path home) throws IOException {
        Path emptyBin = Files.createDirectories(work.resolve("empty-bin"));
        Map<String, String> env = new HashMap<>();
        env.put("PATH", emptyBin.toString());
        env.put("HOME", home.toString());
        env.put("JAVA_HOME", null);
        env.put("FIELDFLASH_HOME", null);
        env.put("FIELDFLASH_MACHINE_HOME", null);
        // The JVM takes the home folder from the user database, not from HOME: the per-user folder moves with this.
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("DISPLAY", null);
        env.put("WAYLAND_DISPLAY", null);
        env.put("JDK_JAVA_OPTIONS", null);
        env.put("JAVA_TOOL_OPTIONS", null);
        return env;
    }

    private record Result(int exit, String output) {}

    /** Runs a command with changes to the environment (a null value removes the variable); output and errors merged. */
    private static Result run(List<String> command, Map<String, String> env, Path dir, Duration deadline) throws Exception {
        Path out = Files.createTempFile("fieldflash-installer-test", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            env.forEach((k, v) -> {
                if (v == null) pb.environment().remove(k);
                else pb.environment().put(k, v);
            });
            Process p = pb.start();
            if (!p.waitFor(deadline.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + deadline.toSeconds()
                        + " s:\n" + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** An X server of our own for the wizard's window. */
    private record Xvfb(Process process, String display) implements AutoCloseable {
        static Xvfb start() throws Exception {
            int n = 400 + (int) (ProcessHandle.current().pid() % 200);
            Process p = new ProcessBuilder("Xvfb", ":" + n, "-screen", "0", "1280x900x24", "-nolisten", "tcp")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Path socket = Path.of("/tmp/.X11-unix/X" + n);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.exists(socket)) {
                if (!p.isAlive()) throw new AssertionError("Xvfb :" + n + " did not start (display in use?)");
                if (System.nanoTime() > until) throw new AssertionError("Xvfb :" + n + " did not open its socket within 20 s");
                Thread.sleep(100);
            }
            return new Xvfb(p, ":" + n);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
