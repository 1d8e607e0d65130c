package io.fieldflash.cli;

import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustStoreException;
import io.fieldflash.bundle.TrustStores;
import io.fieldflash.sim.ByteSize;
import io.fieldflash.sim.FaultSpec;
import io.fieldflash.sim.SimulatedDevice;
import io.fieldflash.sim.SimulatorConfig;
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
        description = {"Runs a simulated device that speaks fieldflash-http/1 (tus upload, install, reboot, confirm) until stopped (Ctrl-C);",
            "with --profile viperhttp or espota, one that speaks ViperHTTP's OTA routes or ArduinoOTA instead;",
            "with --profile web-updater or elegantota, the Arduino web updater page or ElegantOTA 3 (see docs/protocols.md).",
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
            "", "Serial faults (with --serial; P is a probability per command):",
            "  stall=P       the ROM swallows a command and answers nothing for stall-ms (default 1500)",
            "  noise=P       stray bytes on the line before an answer",
            "  status=P      a data block is answered with a failure status (invalid checksum)",
            "  hang=N        after N commands the ROM never answers again",
            "  max-block=N   largest data block the ROM takes (default 6144); a larger one gets no answer",
            "  seed=N        random seed, to replay a run",
            "", "Example:  fieldflash simulate --port 8080 --state /tmp/dev1 --token s3cret \\",
            "            --faults drop=0.1,rate=2000000,latency=20,seed=7",
            "          fieldflash simulate --serial /tmp/ttyB --state /tmp/unit1 --chip esp32s3",
            "          fieldflash simulate --profile viperhttp --port 8080 --state /tmp/v1 \\",
            "            --token s3cret [--dialect documented]",
            "          fieldflash simulate --profile espota --port 3232 --state /tmp/e1 \\",
            "            [--flavour esp8266] [--password PW] [--auth md5]",
            "          fieldflash simulate --profile web-updater|elegantota --port 8080 --state /tmp/w1 \\",
            "            [--flavor esp8266] [--user U --password PW] [--faults drop-at=20000|stall-at=N]",
            "", "web-updater and elegantota: --flavor esp32 (default; the web updater as arduino-esp32 3.3, with its",
            "Origin check) or esp8266; the last image received whole is DIR/firmware.bin. Their faults:",
            "  drop-at=N     the first upload is cut off after N bytes of the image",
            "  stall-at=N    every upload stops being read after N bytes and is never answered"})
final class SimulateCommand implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--port", paramLabel = "PORT", description = "TCP port to listen on; 0 picks a free one (printed).")
    Integer port;

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

    // ---- ESP ROM bootloader on a serial port (esp-rom); see docs/serial.md ----
    @Option(names = "--serial", paramLabel = "PORT",
            description = "Instead of --port: answer on this serial port (one end of a pty pair) as an ESP chip in its ROM download mode.")
    String serialPort;

    @Option(names = "--chip", paramLabel = "C", description = "With --serial: esp32 (default), esp32s3, esp32c3 or esp8266 (a new unit only).")
    String chip;

    @Option(names = "--baud", paramLabel = "B", defaultValue = "115200",
            description = "With --serial: line rate at power-on, bytes are paced at it (default ${DEFAULT-VALUE}; CHANGE_BAUDRATE changes it).")
    int baud;

    @Option(names = "--dialect", paramLabel = "D", defaultValue = "code",
            description = "viperhttp: code (released viperhttp_ota.py: X-OTA-Token, /ota/chunk) or documented (Bearer, /ota/write).")
    String dialect;

    @Option(names = {"--flavour", "--flavor"}, paramLabel = "F", defaultValue = "esp32",
            description = "espota, web-updater, elegantota: esp32 or esp8266.")
    String flavour;

    @Option(names = "--password", paramLabel = "PW",
            description = "espota: the OTA password; web-updater, elegantota: the page's password (with --user). None without it.")
    String password;

    @Option(names = "--user", paramLabel = "U", description = "web-updater, elegantota: the page's user name.")
    String user;

    @Option(names = "--auth", paramLabel = "A", defaultValue = "sha256",
            description = "espota on an ESP32: sha256 (arduino-esp32 3.3.1 and later) or md5 (older); an ESP8266 always uses md5.")
    String auth;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (serialPort != null) return new SerialSimulation(spec, serialPort, state, chip, baud, faults, port != null).run();
        if (PROFILE_VIPERHTTP.equals(profile) || PROFILE_ESPOTA.equals(profile)) return runProfile();
        if (PROFILE_WEB_UPDATER.equals(profile) || PROFILE_ELEGANTOTA.equals(profile)) return runWebProfile();
        if (profile != null && !profile.equals(PROFILE_HTTP)) return runParticleSoftAp();
        if (port == null) throw usage("give --port PORT (a network device) or --serial PORT (an ESP chip in its ROM bootloader)");
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
        try {
            runUntilStopped(out, "Simulated device " + device.describe() + " listening on " + device.baseUri() + " (state "
                    + cfg.stateDir() + ")", device::awaitStopped, device::stop);
        } finally {
            io.fieldflash.log.RunLog.echoTo(null);
        }
        return 0;
    }

    /** The viperhttp and espota profiles: devices that speak the stock OTA protocols of ESP32/ESP8266 firmware. */
    private int runProfile() {
        if (faults != null) throw usage("--faults does not apply to the " + profile + " profile");
        if (port == null) throw usage("give --port PORT (UDP for espota)");
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw usage("--bind: '" + bind + "' is not an address of this machine");
        }
        Path dir = state.toAbsolutePath().normalize();
        briefLogLines();
        PrintWriter out = spec.commandLine().getOut();
        try {
            switch (profile) {
                case "viperhttp" -> {
                    io.fieldflash.sim.viperhttp.ViperHttpSimulator.Dialect d = switch (dialect) {
                        case "code" -> io.fieldflash.sim.viperhttp.ViperHttpSimulator.Dialect.CODE;
                        case "documented" -> io.fieldflash.sim.viperhttp.ViperHttpSimulator.Dialect.DOCUMENTED;
                        default -> throw usage("--dialect must be code or documented, got '" + dialect + "'");
                    };
                    var c = io.fieldflash.sim.viperhttp.ViperHttpSimulator.Config.of(dir, token).dialect(d).at(address, port);
                    if (maxImage != null) c = c.capacity(ByteSize.parse("--max-image", maxImage));
                    try (var sim = io.fieldflash.sim.viperhttp.ViperHttpSimulator.start(c)) {
                        runUntilStopped(out, "Simulated device " + sim.describe() + " listening on " + sim.baseUri() + " (state "
                                + dir + ")", sim::awaitStopped, sim::close);
                    }
                }
                case "espota" -> {
                    var f = switch (flavour) {
                        case "esp32" -> io.fieldflash.sim.espota.EspOtaSimulator.Flavour.ESP32;
                        case "esp8266" -> io.fieldflash.sim.espota.EspOtaSimulator.Flavour.ESP8266;
                        default -> throw usage("--flavour must be esp32 or esp8266, got '" + flavour + "'");
                    };
                    var scheme = switch (auth) {
                        case "sha256" -> io.fieldflash.device.espota.EspOtaAuth.SHA256;
                        case "md5" -> io.fieldflash.device.espota.EspOtaAuth.MD5;
                        default -> throw usage("--auth must be sha256 or md5, got '" + auth + "'");
                    };
                    var c = io.fieldflash.sim.espota.EspOtaSimulator.Config.of(dir, f).password(password, scheme).at(address, port);
                    if (maxImage != null) c = c.maxImage(ByteSize.parse("--max-image", maxImage));
                    try (var sim = io.fieldflash.sim.espota.EspOtaSimulator.start(c)) {
                        runUntilStopped(out, "Simulated device " + sim.describe() + " listening on espota://"
                                + sim.address().getHostAddress() + ":" + sim.port() + " (UDP; state " + dir + ")",
                                sim::awaitStopped, sim::close);
                    }
                }
                default -> throw new IllegalStateException(profile);
            }
        } catch (IOException e) {
            spec.commandLine().getErr().println("fieldflash simulate: the device could not start: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return Main.EXIT_FAILED;
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        } finally {
            io.fieldflash.log.RunLog.echoTo(null);
        }
        return 0;
    }

    /** The web-updater and elegantota profiles: the update pages of stock ESP32/ESP8266 firmware. */
    private int runWebProfile() {
        if (port == null) throw usage("give --port PORT");
        io.fieldflash.sim.webupdater.ArduinoUpdate.Chip c = switch (flavour) {
            case "esp32" -> io.fieldflash.sim.webupdater.ArduinoUpdate.Chip.ESP32;
            case "esp8266" -> io.fieldflash.sim.webupdater.ArduinoUpdate.Chip.ESP8266;
            default -> throw usage("--flavor must be esp32 or esp8266, got '" + flavour + "'");
        };
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw usage("--bind: '" + bind + "' is not an address of this machine");
        }
        var cfg = io.fieldflash.sim.webupdater.WebProfile.Config.of(state.toAbsolutePath().normalize(), c).withBind(address)
                .withPort(port).withAuth(user, password);
        for (String f : faults == null || faults.isBlank() ? new String[0] : faults.split(",")) {
            String[] kv = f.strip().split("=", 2);
            if (kv.length != 2 || !kv[0].equals("drop-at") && !kv[0].equals("stall-at")) {
                throw usage("--faults: the " + profile + " profile knows drop-at=N and stall-at=N, not '" + f.strip() + "'");
            }
            long n;
            try {
                n = ByteSize.parse(kv[0], kv[1]);
            } catch (IllegalArgumentException e) {
                throw usage("--faults: " + e.getMessage());
            }
            cfg = kv[0].equals("drop-at") ? cfg.dropping(n) : cfg.stalling(n);
        }
        briefLogLines();
        PrintWriter out = spec.commandLine().getOut();
        try (io.fieldflash.sim.webupdater.WebProfile sim = PROFILE_WEB_UPDATER.equals(profile)
                ? io.fieldflash.sim.webupdater.WebUpdaterProfile.start(cfg) : io.fieldflash.sim.elegantota.ElegantOtaProfile.start(cfg)) {
            runUntilStopped(out, "Simulated device " + sim.describe() + " listening on " + sim.address() + " (state "
                    + cfg.stateDir() + ")", sim::awaitStopped, sim::close);
        } catch (IOException e) {
            spec.commandLine().getErr().println("fieldflash simulate: the device could not start: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return Main.EXIT_FAILED;
        } finally {
            io.fieldflash.log.RunLog.echoTo(null);
        }
        return 0;
    }

    /** Waits until a simulated device has stopped. */
    interface Wait {
        void await() throws InterruptedException;
    }

    /**
     * Prints {@code listening} (the line that says where the device is), then runs until Ctrl-C or SIGTERM (a shutdown
     * hook calls {@code stop}: a clean stop) or, run in-process (tests, the GUI demo), until interrupted (then calls
     * {@code stop} itself). Every simulator of {@code fieldflash simulate} runs through here.
     *
     * @return true when the device stopped by itself or by the hook, false when this thread was interrupted
     */
    static boolean runUntilStopped(PrintWriter out, String listening, Wait wait, Runnable stop) {
        Thread hook = new Thread(stop, "fieldflash-simulate-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println(listening);
        out.flush();
        try {
            wait.await();
            return true;
        } catch (InterruptedException e) {
            stop.run();
            return false;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is what stopped it
            }
        }
    }

    /** One short line per event on standard error ({@code 12:00:01.250 INFO [requests] PATCH ... → 204}). */
    private static void briefLogLines() {
        io.fieldflash.log.RunLog.echoTo(System.err);
    }

    /** The flags as a configuration; a bad value is a usage error (exit 2) naming the flag. */
    SimulatorConfig configure() {
        if (port == null || port < 0) throw usage("Missing required option: '--port=PORT'");
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

    // ---- --profile particle-softap (a Photon in listening mode; see docs/provisioning.md)

    static final String PROFILE_HTTP = "fieldflash-http";
    static final String PROFILE_PARTICLE = "particle-softap";
    static final String PROFILE_VIPERHTTP = "viperhttp";
    static final String PROFILE_ESPOTA = "espota";
    static final String PROFILE_WEB_UPDATER = "web-updater";
    static final String PROFILE_ELEGANTOTA = "elegantota";

    @Option(names = "--profile", paramLabel = "NAME",
            description = "What the device speaks: fieldflash-http (default), particle-softap (Particle's SoftAP set-up protocol;"
                    + " uses --state, --bind, --device-id, --faults such as configure=-4,set=-1,connect=none, --tcp-port, --http-port),"
                    + " viperhttp (ViperHTTP's /ota routes; --port, --token, --dialect, --max-image) or espota (ArduinoOTA on UDP --port;"
                    + " --flavour, --password, --auth, --max-image), web-updater or elegantota (the Arduino web updater page or"
                    + " ElegantOTA 3 on --port; --flavor, --user, --password, --faults drop-at=N,stall-at=N).")
    String profile;

    @Option(names = "--tcp-port", paramLabel = "N", defaultValue = "5609",
            description = "particle-softap: the raw protocol's port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int tcpPort;

    @Option(names = "--http-port", paramLabel = "N", defaultValue = "8080",
            description = "particle-softap: the HTTP port (a Photon uses 80; default ${DEFAULT-VALUE}; 0 picks a free one).")
    int httpPort;

    private Integer runParticleSoftAp() {
        if (!profile.equals(PROFILE_PARTICLE)) throw usage("--profile: '" + profile + "' is not " + PROFILE_HTTP + ", " + PROFILE_PARTICLE + ", "
                + PROFILE_VIPERHTTP + ", " + PROFILE_ESPOTA + ", " + PROFILE_WEB_UPDATER + " or " + PROFILE_ELEGANTOTA);
        io.fieldflash.sim.particle.ParticleFaults pf;
        InetAddress address;
        try {
            pf = io.fieldflash.sim.particle.ParticleFaults.parse(faults);
        } catch (IllegalArgumentException e) {
            throw usage("--faults: " + e.getMessage());
        }
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw usage("--bind: '" + bind + "' is not an address of this machine");
        }
        if (deviceId != null && !deviceId.matches("[0-9A-Fa-f]{24}")) throw usage("--device-id: a Particle device id is 24 hex digits");
        briefLogLines();
        PrintWriter out = spec.commandLine().getOut();
        io.fieldflash.sim.particle.ParticleSoftApDevice device;
        try {
            device = io.fieldflash.sim.particle.ParticleSoftApDevice.start(new io.fieldflash.sim.particle.ParticleSoftApDevice.Config(
                    state.toAbsolutePath().normalize(), address, tcpPort, httpPort, deviceId, pf));
        } catch (IOException e) {
            spec.commandLine().getErr().println("fieldflash simulate: the device could not start: " + e.getMessage()
                    + " (a port below 1024 needs privileges; --tcp-port/--http-port 0 pick free ones)");
            spec.commandLine().getErr().flush();
            return Main.EXIT_FAILED;
        }
        try {
            if (runUntilStopped(out, "Simulated " + device.describe() + " listening on tcp://" + bind + ":" + device.tcpPort()
                    + " and http://" + bind + ":" + device.httpPort() + " (state " + state + ")", device::awaitStopped, device::stop)
                    && device.state().connected()) {
                out.println("The device left listening mode (connect-ap).");
                out.flush();
            }
        } finally {
            io.fieldflash.log.RunLog.echoTo(null);
        }
        return 0;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
