package io.fieldflash.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.Printable;
import io.fieldflash.bundle.BundleException;
import io.fieldflash.bundle.BundleReader;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.VerifiedBundle;
import io.fieldflash.bundle.TrustStoreException;
import io.fieldflash.device.Device;
import io.fieldflash.device.Protocols;
import io.fieldflash.device.esprom.EspRomDevice;
import io.fieldflash.device.esprom.EspRomOptions;
import io.fieldflash.device.esprom.FlashLayout;
import io.fieldflash.device.esprom.SerialPlan;
import io.fieldflash.device.esprom.ManualBoot;
import io.fieldflash.device.http.HttpDevice;
import io.fieldflash.device.http.HttpSettings;
import io.fieldflash.device.RetryPolicy;
import io.fieldflash.update.BundleSource;
import io.fieldflash.update.DepotRun;
import io.fieldflash.update.Fallback;
import io.fieldflash.update.JobEvent;
import io.fieldflash.update.JobListener;
import io.fieldflash.update.JobResult;
import io.fieldflash.update.JobSettings;
import io.fieldflash.update.Phase;
import io.fieldflash.update.UpdateJob;
import io.fieldflash.update.UpdateStores;
import java.io.Console;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "flash", mixinStandardHelpOptions = true,
        description = {"Puts a firmware bundle on a device: verifies the bundle, identifies the device,",
            "checks that the bundle fits it, sends the firmware (continuing where an earlier",
            "run stopped), installs, restarts the device, waits for it and confirms.",
            "The device keeps its old firmware until the very end; if anything fails before",
            "the install, run the same command again to continue. Every run is written to",
            "the audit log ('fieldflash audit verify').",
            "Exit 0 when the device runs the bundle's firmware, 1 when refused or failed,",
            "2 on a usage error."},
        footer = {"", "Protocols (--protocol):",
            "  fieldflash-http  token             viperhttp   token",
            "  web-updater      user, password    elegantota  user, password",
            "  espota           password          (ArduinoOTA; address espota://HOST[:PORT])",
            "Without --protocol FieldFlash asks the device which one it speaks (read-only",
            "requests; espota is never guessed) and says so. Web updaters and ElegantOTA",
            "cannot resume: a broken transfer starts again from the beginning.",
            "", "The token and password can come from the environment (out of shell history):",
            "  export FIELDFLASH_TOKEN=...   export FIELDFLASH_PASSWORD=...",
            "", "USB-serial (--serial PORT): the unit's ESP ROM bootloader; each image goes to",
            "its serial.flashOffset, and a chip other than serial.chip is refused before",
            "anything is written (docs/serial.md). The ROM writes over the firmware in",
            "place: a unit stopped while being written does not start until it is written",
            "again (its ROM bootloader cannot be damaged; the same command writes it anew).",
            "", "Fallback (--device URL --fallback-serial PORT): when the network path fails",
            "after its retries (no answer, link lost for good, device silent), the same",
            "verified bundle is written over USB-serial on PORT instead; the report and the",
            "audit log name both transports. A refusal by the device (token, product,",
            "anti-rollback, install) never falls back. Every image needs serial.flashOffset.",
            "", "Examples:",
            "  fieldflash flash --device http://192.168.4.1 --trust acme.pub cc-2.4.1.fwb",
            "  fieldflash flash --serial /dev/ttyUSB0 --trust acme.pub cc-2.4.1.fwb",
            "  fieldflash flash --device http://192.168.4.1 --fallback-serial /dev/ttyUSB0 \\",
            "      --trust acme.pub cc-2.4.1.fwb",
            "  fieldflash flash --serial /dev/ttyUSB0 --serial /dev/ttyUSB1 cc-2.4.1.fwb   (depot)"})
final class FlashCommand implements Callable<Integer> {
    static final String TOKEN_ENV = "FIELDFLASH_TOKEN";
    static final String PASSWORD_ENV = "FIELDFLASH_PASSWORD";
    /** How long Ctrl-C waits for the job to stop and record itself (every step it can be in is bounded and interruptible). */
    static final Duration HOOK_WAIT = Duration.ofSeconds(10);

    @Parameters(paramLabel = "BUNDLE", description = "The bundle file (.fwb).")
    Path bundle;

    @Option(names = "--device", paramLabel = "URL",
            description = "The device's address, e.g. http://192.168.4.1 (its Wi-Fi access point).")
    String device;

    // ---- USB-serial: the unit's ESP ROM bootloader (esp-rom); see docs/serial.md ----
    @Option(names = "--serial", paramLabel = "PORT",
            description = "Instead of --device: write the bundle through the ESP ROM bootloader on this serial port, e.g. /dev/ttyUSB0 "
                    + "(each image at its serial.flashOffset). Give it several times to update several units at once (depot).")
    List<String> serial = List.of();

    @Option(names = "--baud", paramLabel = "RATE", defaultValue = "" + EspRomOptions.DEFAULT_BAUD,
            description = "With --serial or --fallback-serial: the line rate for the transfer (default ${DEFAULT-VALUE}; the ROM is reached at 115200 first).")
    int baud;

    @Option(names = "--no-compress", description = "With --serial or --fallback-serial: send the images as they are, not deflated.")
    boolean noCompress;

    // ---- --fallback-serial: the same unit's ROM bootloader when the network path is gone (UpdateJob decides) ----
    @Option(names = "--fallback-serial", paramLabel = "PORT",
            description = "With --device: should the network path fail (no answer, link lost for good, device silent), write "
                    + "the same verified bundle through the unit's ESP ROM bootloader on this serial port. A refusal by the "
                    + "device never falls back.")
    String fallbackSerial;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "10", hidden = true,
            description = "Failed tries in a row before the device's link counts as lost (default ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--token", paramLabel = "T", description = "The device's access token (default: $" + TOKEN_ENV + ").")
    String token;

    @Option(names = "--protocol", paramLabel = "P",
            description = "The device's update protocol: fieldflash-http, viperhttp, web-updater, elegantota, espota, or auto "
                    + "(detect: the default; an espota:// address means espota).")
    String protocol;

    @Option(names = "--user", paramLabel = "U", description = "User name for a device's update page (web-updater, elegantota).")
    String user;

    @Option(names = "--password", paramLabel = "P",
            description = "Password for a device's update page or ArduinoOTA (default: $" + PASSWORD_ENV + ").")
    String password;

    @Option(names = "--pin-sha256", paramLabel = "FINGERPRINT",
            description = "For an https:// device with its own certificate: trust exactly the certificate with this SHA-256 fingerprint (device label or vendor records).")
    String pinSha256;

    @Mixin
    TrustOptions trust;

    @Option(names = "--json", description = "Print progress to standard error and one JSON object as the last line of standard output.")
    boolean json;

    @Option(names = "--plain", description = "Plain progress lines (every 10 %%) instead of a progress bar, even on a terminal.")
    boolean plain;

    @Option(names = "--allow-expired", description = "Accept a bundle past its expiry date (written to the audit log).")
    boolean allowExpired;

    @Option(names = "--allow-downgrade", description = "Install an older version than the device runs, when its security "
            + "counter still lets the device accept it (written to the audit log). Without it such a bundle is refused.")
    boolean allowDowngrade;

    @Option(names = "--operator", paramLabel = "NAME", description = "Who runs the update, for the audit log (default: settings.json, else the OS user name).")
    String operator;

    @Option(names = "--reboot-timeout", paramLabel = "SECONDS", defaultValue = "180",
            description = "Longest wait for the device after it restarts (default ${DEFAULT-VALUE}).")
    long rebootTimeout;

    @Option(names = "--chunk-size", paramLabel = "BYTES", defaultValue = "65536", hidden = true,
            description = "Largest chunk to send (the device may ask for less).")
    int chunkSize;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter human = json ? err : out;
        if (fallbackSerial != null && device == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--fallback-serial goes with --device: it is the way to the "
                    + "same unit should the network path fail (with --serial, the cable is the only path already)");
        }
        if (retries < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--retries must be at least 1");
        if ((device == null) == serial.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), device == null
                    ? "give --device URL (over the network) or --serial PORT (a unit's ROM bootloader over USB-serial)"
                    : "--device and --serial exclude each other: give one");
        }
        Device target = serial.isEmpty() ? device(human) : null;
        if (rebootTimeout < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--reboot-timeout must be at least 1 second");
        TrustStore store;
        try {
            store = trust.load();
        } catch (TrustStoreException e) {
            if (json) {
                JsonOut.print(out, JsonOut.object().put("ok", false).put("outcome", "REFUSED").put("reason", e.code())
                        .put("message", e.getMessage()).put("hint", e.hint()).put("bytesSent", 0).put("resumes", 0).put("seconds", 0.0));
            }
            else Main.printError(err, e);
            return Main.EXIT_USAGE;
        }
        UpdateStores stores = UpdateStores.detect();
        if (operator != null && !operator.isBlank()) stores = stores.withSettings(stores.settings().withOperator(operator.strip()));
        JobSettings settings = JobSettings.DEFAULT.withReboot(Duration.ofSeconds(rebootTimeout),
                JobSettings.DEFAULT.rebootSettle(), JobSettings.DEFAULT.pollInterval())
                .withRetry(new RetryPolicy(retries, RetryPolicy.DEFAULT.initialDelay(), RetryPolicy.DEFAULT.maxDelay(),
                        RetryPolicy.DEFAULT.multiplier(), RetryPolicy.DEFAULT.jitter()))
                .withDowngradeAllowed(allowDowngrade);

        BundleSource source = new BundleSource.File(bundle, store, allowExpired);
        if (!serial.isEmpty()) {
            SerialTarget st = serialTarget(serial, "--serial", store, human);
            if (serial.size() > 1) return new DepotOutput(json, out, err).run(st.source(), st.refused(), st.devices(), stores, settings);
            source = st.source();
            target = st.devices().getFirst();
        }
        Fallback fallback = null;
        if (fallbackSerial != null) {
            // Checked now, before the network is tried: a bundle that cannot go over the cable is said so up front.
            SerialTarget st = serialTarget(List.of(fallbackSerial), "--fallback-serial", store, human);
            if (st.source() instanceof BundleSource.Verified) {      // else the job refuses the bundle before any device
                source = st.source();
                fallback = new Fallback(st.devices().getFirst(), "USB-serial");
            }
        }
        UpdateJob job = fallback == null ? UpdateJob.create(source, target, stores, settings)
                : UpdateJob.create(source, target, fallback, stores, settings);
        Console console = System.console();
        boolean terminal = !plain && console != null && console.isTerminal();
        job.addListener(new Renderer(human, terminal));

        // Ctrl-C (or any request to end the process): stop the job in whatever step it is, let it write its audit line,
        // and print its result before the process ends. Before the install the transfer's resume point is kept; after
        // it the result says what the device may run, unconfirmed.
        java.util.concurrent.CountDownLatch printed = new java.util.concurrent.CountDownLatch(1);
        Thread hook = new Thread(() -> {
            boolean stopping = job.interrupt();
            if (!stopping && job.auditRecord().isEmpty()) return;      // not started: nothing to wait for
            try {
                if (job.await(HOOK_WAIT).isPresent()) printed.await(HOOK_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
        }, "fieldflash-flash-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        JobResult r;
        try {
            r = job.run();
            if (json) {
                ObjectNode o = describe(r);
                if (!serial.isEmpty()) o.put("transport", EspRomDevice.TRANSPORT);
                JsonOut.print(out, o);
            }
            else printResult(out, err, r);
        } finally {
            printed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
        return r.ok() ? 0 : Main.EXIT_FAILED;
    }

    /** The device, by --protocol (or detected when it is opened); a usage error for what cannot work. */
    private Device device(PrintWriter human) {
        String tok = token != null ? token : System.getenv().getOrDefault(TOKEN_ENV, "");
        String pw = password != null ? password : System.getenv().getOrDefault(PASSWORD_ENV, "");
        Protocols.Credentials cred = new Protocols.Credentials(tok.strip(), user == null ? "" : user, pw);
        boolean espotaAddress = device.strip().toLowerCase(java.util.Locale.ROOT).startsWith("espota://");
        String proto = protocol != null ? protocol.strip().toLowerCase(java.util.Locale.ROOT)
                : espotaAddress ? "espota" : pinSha256 != null ? "fieldflash-http" : "auto";
        URI address;
        try {
            address = proto.equals("espota") ? espotaAddress(device) : HttpDevice.parseAddress(device);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--device: " + e.getMessage());
        }
        HttpSettings settings = HttpSettings.DEFAULT.withChunkSize(chunkSize);
        if (pinSha256 != null && !proto.equals("fieldflash-http")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--pin-sha256 is for an https:// fieldflash-http device (give --protocol fieldflash-http)");
        }
        if (proto.equals("auto")) {
            return Protocols.detecting(address, cred, settings, d -> {
                human.println("  found: " + d.describe());
                human.flush();
            });
        }
        if (proto.equals("fieldflash-http") && tok.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "the device's access token is missing: give --token T or set " + TOKEN_ENV);
        }
        if (pinSha256 != null) {
            try {
                return new HttpDevice(address, tok.strip(), settings).pinning(pinSha256);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--pin-sha256: " + e.getMessage());
            }
        }
        try {
            return Protocols.create(proto, address, cred, settings);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--protocol " + proto + ": " + e.getMessage());
        }
    }

    /** The bundle to send over serial (verified when it could be) and the ROM bootloader to send it to. */
    private record SerialTarget(BundleSource source, List<EspRomDevice> devices, BundleException refused) {}

    /**
     * The ROM's flash layout and chip come from the bundle, so it is verified here first; the job then takes it as
     * verified. A bundle that fails verification goes to the job as the file, which refuses it the same way as on the
     * network path (and writes the audit line) before the port is opened.
     */
    private SerialTarget serialTarget(List<String> ports, String option, TrustStore store, PrintWriter human) {
        EspRomOptions options;
        try {
            options = EspRomOptions.defaults().withBaud(baud).withCompress(!noCompress);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--baud: " + e.getMessage());
        }
        boolean fallingBack = !option.equals("--serial");
        VerifiedBundle vb;
        try {
            vb = new BundleReader(store).allowingExpired(allowExpired).read(bundle);
        } catch (BundleException e) {
            return new SerialTarget(new BundleSource.File(bundle, store, allowExpired), ports.stream()
                    .map(p -> new EspRomDevice(p, options, new FlashLayout(Map.of()), null, ManualBoot.Prompt.NONE)).toList(), e);
        }
        SerialPlan plan;
        try {
            plan = SerialPlan.of(vb.manifest());
        } catch (SerialPlan.NotForSerial e) {
            String what = e.reason() != SerialPlan.NotForSerial.Reason.NO_FLASH_OFFSET ? ""
                    : fallingBack ? " FieldFlash could not write it over USB-serial should the network path fail. Use a bundle made for "
                            + "USB-serial updates, or leave out --fallback-serial."
                    : " Use a bundle made for USB-serial updates, or update the unit over Wi-Fi (--device).";
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage() + what);
        }
        if (vb.expiryOverridden()) {
            human.println("  warning: the bundle expired on " + vb.manifest().expires()
                    + "; it is used because the operator allowed it. The audit log records this.");
        }
        return new SerialTarget(new BundleSource.Verified(vb), ports.stream()
                .map(p -> plan.device(p, options, prompt(human, ports.size() > 1 ? p + ": " : ""))).toList(), null);
    }

    /** Shows the instruction to press the unit's buttons once per port, and when its bootloader answers. */
    private static ManualBoot.Prompt prompt(PrintWriter human, String port) {
        return new ManualBoot.Prompt() {
            private boolean shown;

            @Override
            public void manualBootNeeded(ManualBoot request) {
                if (shown) return;
                shown = true;
                human.println("  " + request.instruction());
                human.flush();
            }

            @Override
            public void bootloaderFound() {
                human.println("  " + Printable.of(port) + "the bootloader answers.");
                human.flush();
            }
        };
    }

    /** {@code espota://HOST[:PORT]}, or a bare host for --protocol espota. */
    private static URI espotaAddress(String text) {
        String t = text.strip();
        if (!t.contains("://")) t = "espota://" + t;
        URI u = URI.create(t);
        if (!"espota".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("\"" + text + "\" is not an address like espota://192.168.4.1:3232");
        }
        return u;
    }

    static ObjectNode describe(JobResult r) {
        ObjectNode o = JsonOut.object().put("ok", r.ok()).put("outcome", r.outcome().name());
        if (r.reason().isEmpty()) o.putNull("reason");
        else o.put("reason", r.reason());
        o.put("message", r.message()).put("hint", r.hint())
                .put("bytesSent", r.bytesSent()).put("resumes", r.resumes())
                .put("seconds", Math.round(r.elapsed().toMillis() / 10.0) / 100.0)
                .put("deviceId", r.deviceId()).put("before", r.versionBefore()).put("after", r.versionAfter())
                .put("resumeKept", r.resumeKept());
        if (r.fellBack()) {      // the network path failed and another transport finished (or failed) the job
            o.put("transport", r.transports().getLast()).put("fallbackFrom", r.transports().getFirst());
            r.transports().forEach(o.putArray("transports")::add);
        }
        return o;
    }

    private static void printResult(PrintWriter out, PrintWriter err, JobResult r) {
        String stats = String.format(Locale.ROOT, "%s sent in %.1f s%s", bytes(r.bytesSent()), r.elapsed().toMillis() / 1000.0,
                r.resumes() == 0 ? "" : ", " + r.resumes() + (r.resumes() == 1 ? " resume" : " resumes"));
        switch (r.outcome()) {
            case UPDATED -> out.println("UPDATED  device " + Printable.cut(r.deviceId(), 80)
                    + (r.versionBefore().isEmpty() && r.versionAfter().isEmpty() ? ""      // a device that does not say what it runs
                       : ": " + Printable.cut(r.versionBefore(), 80) + " → " + Printable.cut(r.versionAfter(), 80))
                    + " (" + stats + "). " + r.message());
            case ALREADY_INSTALLED -> out.println("ALREADY INSTALLED  device " + Printable.cut(r.deviceId(), 80) + " runs "
                    + Printable.cut(r.versionAfter(), 80) + "; nothing sent.");
            case CANCELLED -> {
                err.println("Cancelled: " + r.message());
                if (!r.hint().isEmpty()) err.println("What to do: " + r.hint());
            }
            case REFUSED, FAILED -> {
                err.println((r.outcome() == JobResult.Outcome.REFUSED ? "Refused" : "Failed") + " [" + r.reason() + "]: " + r.message());
                if (!r.hint().isEmpty()) err.println("What to do: " + r.hint());
                if (r.bytesSent() > 0) err.println("(" + stats + ")");
            }
        }
        out.flush();
        err.flush();
    }

    static String bytes(double b) {
        if (b < 1000) return String.format(Locale.ROOT, "%.0f B", b);
        if (b < 1e6) return String.format(Locale.ROOT, "%.1f kB", b / 1e3);
        if (b < 1e9) return String.format(Locale.ROOT, "%.1f MB", b / 1e6);
        return String.format(Locale.ROOT, "%.2f GB", b / 1e9);
    }

    static String duration(Duration d) {
        long s = Math.max(0, (d.toMillis() + 999) / 1000);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /**
     * Draws the job's events: a one-line progress bar redrawn with {@code \r} on a terminal, otherwise a plain line every
     * 10 %. Runs on the job's event thread.
     */
    static final class Renderer implements JobListener {
        private static final int BAR = 24;
        private final PrintWriter w;
        private final boolean terminal;
        private boolean barShown;
        private int lastDecile = -1;
        private int lastWidth;
        private Phase phase = Phase.VERIFYING;

        Renderer(PrintWriter w, boolean terminal) {
            this.w = w;
            this.terminal = terminal;
        }

        @Override
        public void onEvent(JobEvent e) {
            switch (e) {
                case JobEvent.PhaseChanged p -> {
                    phase = p.phase();
                    lastDecile = -1;
                    if (p.phase() == Phase.DONE) {
                        endBar();
                        return;
                    }
                    line("» " + p.phase().label() + (p.detail().isEmpty() ? "" : " (" + p.detail() + ")"));
                }
                case JobEvent.Progress p -> progress(p);
                case JobEvent.Message m -> line(switch (m.level()) {
                    case INFO -> "  " + m.text();
                    case WARNING -> "  warning: " + m.text();
                    case ERROR -> "  error: " + m.text();
                });
                case JobEvent.Reconnecting r -> line(String.format(Locale.ROOT, "  link trouble: %s Retrying in %.1f s (attempt %d of %d).",
                        r.reason(), r.delay().toMillis() / 1000.0, r.failures() + 1, r.maxAttempts()));
                case JobEvent.PauseChanged pc -> line(pc.paused() ? "  paused" : "  going on");
                case JobEvent.Finished f -> endBar();
            }
            w.flush();
        }

        private void progress(JobEvent.Progress p) {
            double pct = p.percent();
            String speed = p.bytesPerSecond() > 0 ? bytes(p.bytesPerSecond()) + "/s" : "";
            String eta = p.etaKnown() && p.bytesDone() < p.bytesTotal() ? "ETA " + duration(p.eta()) : "";
            String text = String.format(Locale.ROOT, "%3.0f %%  %s / %s  %s  %s", Math.floor(pct), bytes(p.bytesDone()),
                    bytes(p.bytesTotal()), speed, eta).stripTrailing();
            if (terminal) {
                int filled = (int) Math.round(BAR * pct / 100);
                String s = "  [" + "#".repeat(filled) + ".".repeat(BAR - filled) + "] " + text;
                w.print("\r" + s + " ".repeat(Math.max(0, lastWidth - s.length())));
                lastWidth = s.length();
                barShown = true;
            } else {
                int decile = (int) Math.floor(pct / 10);
                if (decile != lastDecile && phase == Phase.TRANSFERRING) {
                    lastDecile = decile;
                    w.println("  " + text);
                }
            }
        }

        private void line(String s) {
            endBar();
            w.println(s);
        }

        private void endBar() {
            if (barShown) {
                w.println();
                barShown = false;
                lastWidth = 0;
            }
        }
    }
}
