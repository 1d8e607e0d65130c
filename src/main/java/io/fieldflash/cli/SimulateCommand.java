package io.fieldflash.cli;

import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustStoreException;
import io.fieldflash.bundle.TrustStores;
import io.fieldflash.sim.ByteSize;
import io.fieldflash.sim.FaultSpec;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.sim.SimulatorConfig;
import io.fieldflash.sim.elegantota.ElegantOtaProfile;
import io.fieldflash.sim.webupdater.ArduinoUpdate;
import io.fieldflash.sim.webupdater.WebProfile;
import io.fieldflash.sim.webupdater.WebUpdaterProfile;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "simulate",
        description = {"Runs a simulated device that speaks fieldflash-http/1 (tus upload, install, reboot, confirm) until stopped (Ctrl-C).",
            "Its flash lives in DIR: A.bin, B.bin, device.json and upload/. Starting again on the same DIR is a reboot of the same device;",
            "an empty DIR makes a new device from the factory options (--product, --hardware, --version, --counter)."},
        footer = {"", "Faults (--faults SPEC, comma-separated; P is a probability per PATCH):",
            "  drop=P        the PATCH is cut off at a random byte (earlier bytes are kept)",
            "  corrupt=P     the chunk fails its checksum (460)",
            "  reboot=P      the device reboots mid-PATCH (upload kept, a trial reverts)",
            "  rate=BYTES    receive bandwidth, bytes per second",
            "  latency=MS    added to every response",
            "  seed=N        random seed, to replay a run (logged when not given)",
            "  reboot-ms=MS  how long a reboot lasts (default 2000; same as --reboot-ms)",
            "  cut-before=N  the power fails just before write N to DIR (counted from the start), then it boots again",
            "  cut-after=N   the same, just after write N",
            "  lose-answer=N request N is carried out but its answer is lost (connection reset)",
            "", "Other device profiles (--profile): web-updater (the Arduino web updater page at /update) and",
            "elegantota (ElegantOTA 3), each --flavor esp32 (default; the web updater as arduino-esp32 3.3, with",
            "its Origin check) or esp8266, with --user U --password P for a password-protected page. The last",
            "image received whole is DIR/firmware.bin. Of the options above only --port, --state and --bind apply;",
            "their faults are --faults drop-at=N (the first upload is cut off after N bytes of the image) and",
            "stall-at=N (every upload stops being read after N bytes and is never answered).",
            "", "Example:  fieldflash simulate --port 8080 --state /tmp/dev1 --token s3cret \\",
            "            --faults drop=0.1,rate=2000000,latency=20,seed=7"})
final class SimulateCommand implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--profile", paramLabel = "NAME", defaultValue = "fieldflash-http",
            description = "The kind of device: fieldflash-http (default), web-updater, elegantota.")
    String profile;

    @Option(names = "--flavor", paramLabel = "CHIP", defaultValue = "esp32",
            description = "For web-updater and elegantota: esp32 (default) or esp8266.")
    String flavor;

    @Option(names = "--user", paramLabel = "U", description = "For web-updater and elegantota: the page's user name.")
    String user;

    @Option(names = "--password", paramLabel = "P", description = "For web-updater and elegantota: the page's password.")
    String password;

    @Option(names = "--port", required = true, paramLabel = "PORT", description = "TCP port to listen on; 0 picks a free one (printed).")
    int port;

    @Option(names = "--state", required = true, paramLabel = "DIR", description = "The device's emulated flash (created when missing).")
    Path state;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String bind;

    @Option(names = "--product", paramLabel = "P", defaultValue = SimulatorConfig.DEFAULT_PRODUCT,
            description = "Factory product name (default ${DEFAULT-VALUE}).")
    String product;

    @Option(names = "--hardware", paramLabel = "H", defaultValue = SimulatorConfig.DEFAULT_HARDWARE,
            description = "Factory hardware revision (default ${DEFAULT-VALUE}).")
    String hardware;

    @Option(names = "--version", paramLabel = "V", defaultValue = SimulatorConfig.DEFAULT_VERSION,
            description = "Factory firmware version, SemVer (default ${DEFAULT-VALUE}).")
    String firmwareVersion;

    @Option(names = "--counter", paramLabel = "N", defaultValue = "" + SimulatorConfig.DEFAULT_COUNTER,
            description = "Factory security counter (default ${DEFAULT-VALUE}).")
    long counter;

    @Option(names = "--device-id", paramLabel = "ID", description = "Factory device id (default: random, kept in device.json).")
    String deviceId;

    @Option(names = "--token", paramLabel = "T",
            description = "Bearer token every request but GET /info and OPTIONS must carry. Without it, no authentication.")
    String token;

    @Option(names = "--trust", paramLabel = "FILE",
            description = "Trust anchors of the device (PEM or fieldflash-trust/1 JSON), repeatable. With them, install checks the signatures.")
    List<Path> trust = new ArrayList<>();

    @Option(names = "--faults", paramLabel = "SPEC", description = "Faults, e.g. drop=0.1,corrupt=0.05,rate=2000000,latency=20,seed=7 (see below).")
    String faults;

    @Option(names = "--max-chunk", paramLabel = "BYTES", description = "Largest PATCH body (default 1MiB). Accepts 65536, 64KiB, 1MiB.")
    String maxChunk;

    @Option(names = "--max-image", paramLabel = "BYTES", description = "Largest image, Upload-Length (default 16MiB).")
    String maxImage;

    @Option(names = "--reboot-ms", paramLabel = "MS", description = "How long a reboot keeps the device unreachable (default 2000).")
    Long rebootMs;

    @Option(names = "--upload-expiry", paramLabel = "SECONDS", defaultValue = "600",
            description = "An upload idle for longer is dropped (default ${DEFAULT-VALUE}).")
    long uploadExpiry;

    @Option(names = "--lockout-after", paramLabel = "N", defaultValue = "" + SimulatorConfig.DEFAULT_LOCKOUT_AFTER,
            description = "Wrong tokens in a row before the device locks (default ${DEFAULT-VALUE}).")
    int lockoutAfter;

    @Option(names = "--lockout-seconds", paramLabel = "SECONDS", defaultValue = "1800",
            description = "How long a lockout lasts; Retry-After counts it down (default ${DEFAULT-VALUE}).")
    long lockoutSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!profile.equals("fieldflash-http")) return runProfile();
        SimulatorConfig cfg = configure();
        briefLogLines();
        PrintWriter out = spec.commandLine().getOut();
        SimulatedDevice device;
        try {
            device = SimulatedDevice.start(cfg);
        } catch (IOException e) {
            spec.commandLine().getErr().println("fieldflash simulate: the device could not start: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return Main.EXIT_FAILED;
        }
        Thread hook = new Thread(device::stop, "fieldflash-simulate-stop");
        Runtime.getRuntime().addShutdownHook(hook);   // Ctrl-C or SIGTERM: a clean stop
        out.println("Simulated device " + device.describe() + " listening on " + device.baseUri() + " (state " + cfg.stateDir() + ")");
        out.flush();
        try {
            device.awaitStopped();
        } catch (InterruptedException e) {
            // run in-process (tests, the GUI demo) and interrupted: stop like Ctrl-C
            device.stop();
        } finally {
            io.fieldflash.log.RunLog.echoTo(null);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is what stopped it
            }
        }
        return 0;
    }

    /** A device profile other than fieldflash-http/1, until stopped. */
    private int runProfile() {
        ArduinoUpdate.Chip chip = switch (flavor) {
            case "esp32" -> ArduinoUpdate.Chip.ESP32;
            case "esp8266" -> ArduinoUpdate.Chip.ESP8266;
            default -> throw usage("--flavor must be esp32 or esp8266, got '" + flavor + "'");
        };
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw usage("--bind: '" + bind + "' is not an address of this machine");
        }
        WebProfile.Config cfg = WebProfile.Config.of(state.toAbsolutePath().normalize(), chip).withBind(address).withPort(port)
                .withAuth(user, password);
        for (String f : faults == null || faults.isBlank() ? new String[0] : faults.split(",")) {
            String[] kv = f.strip().split("=", 2);
            if (!kv[0].equals("drop-at") && !kv[0].equals("stall-at")) {
                throw usage("--faults: the " + profile + " profile knows drop-at=N and stall-at=N, not '" + f.strip() + "'");
            }
            long n;
            try {
                n = kv.length == 2 ? ByteSize.parse(kv[0], kv[1]) : -1;
            } catch (IllegalArgumentException e) {
                throw usage("--faults: " + e.getMessage());
            }
            cfg = switch (kv[0]) {
                case "drop-at" -> cfg.dropping(n);
                default -> cfg.stalling(n);
            };
        }
        briefLogLines();
        WebProfile device;
        try {
            device = switch (profile) {
                case "web-updater" -> WebUpdaterProfile.start(cfg);
                case "elegantota" -> ElegantOtaProfile.start(cfg);
                default -> throw usage("--profile must be fieldflash-http, web-updater or elegantota, got '" + profile + "'");
            };
        } catch (IOException e) {
            spec.commandLine().getErr().println("fieldflash simulate: the device could not start: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return Main.EXIT_FAILED;
        }
        Thread hook = new Thread(device::close, "fieldflash-simulate-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        PrintWriter out = spec.commandLine().getOut();
        out.println("Simulated device " + device.describe() + " listening on " + device.address() + " (state " + cfg.stateDir() + ")");
        out.flush();
        try {
            device.awaitStopped();
        } catch (InterruptedException e) {
            device.close();
        } finally {
            io.fieldflash.log.RunLog.echoTo(null);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is what stopped it
            }
        }
        return 0;
    }

    /** One short line per event on standard error ({@code 12:00:01.250 INFO [requests] PATCH ... → 204}). */
    private static void briefLogLines() {
        io.fieldflash.log.RunLog.echoTo(System.err);
    }

    /** The flags as a configuration; a bad value is a usage error (exit 2) naming the flag. */
    SimulatorConfig configure() {
        FaultSpec f;
        try {
            f = FaultSpec.parse(faults);
        } catch (IllegalArgumentException e) {
            throw usage("--faults: " + e.getMessage());
        }
        if (rebootMs != null) {
            if (rebootMs < 0) throw usage("--reboot-ms must be 0 or more, got " + rebootMs);
            if (faults != null && faults.contains("reboot-ms") && f.rebootMs() != rebootMs) {
                throw usage("--reboot-ms " + rebootMs + " disagrees with reboot-ms=" + f.rebootMs() + " in --faults; give one");
            }
            f = f.withRebootMs(rebootMs);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw usage("--bind: '" + bind + "' is not an address of this machine");
        }
        TrustStore anchors;
        try {
            anchors = trust.isEmpty() ? TrustStore.empty() : TrustStores.load(trust);
        } catch (TrustStoreException e) {
            throw usage("--trust: " + e.getMessage());
        }
        if (!trust.isEmpty() && anchors.keys().isEmpty()) throw usage("--trust: the trust store holds no keys");
        SimulatorConfig.Builder b = SimulatorConfig.builder(state.toAbsolutePath().normalize()).bindAddress(address).port(port)
                .product(product).hardware(hardware).factoryVersion(firmwareVersion).factoryCounter(counter)
                .deviceId(deviceId).token(token).trust(anchors).faults(f).lockoutAfter(lockoutAfter);
        try {
            if (maxChunk != null) b.maxChunkSize(Math.toIntExact(ByteSize.parse("--max-chunk", maxChunk)));
            if (maxImage != null) b.maxImageSize(ByteSize.parse("--max-image", maxImage));
            b.uploadExpiry(Duration.ofSeconds(uploadExpiry)).lockoutDuration(Duration.ofSeconds(lockoutSeconds));
            return b.build();
        } catch (ArithmeticException e) {
            throw usage("--max-chunk must be below 2 GiB");
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
