package io.fieldflash.sim;

import io.fieldflash.bundle.SemVer;
import io.fieldflash.bundle.TrustStore;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link SimulatedDevice} is started with. Build one with {@link #builder(Path)}.
 *
 * <p>{@code product}, {@code hardware}, {@code factoryVersion}, {@code factoryCounter} and {@code deviceId}
 * are the factory state: they are used only when the state folder is empty (a new device); afterwards the
 * state folder's {@code device.json} rules, as on a real device.
 *
 * @param stateDir        the emulated flash: {@code A.bin}, {@code B.bin}, {@code device.json}, {@code upload/}
 * @param bindAddress     where to listen; loopback by default
 * @param port            TCP port; 0 picks a free one (see {@link SimulatedDevice#port()})
 * @param token           the bearer token every authenticated request must carry; empty means no authentication
 * @param trust           the device's trust anchors; when it holds keys, install checks the signatures
 * @param faults          faults, bandwidth, latency and reboot time
 * @param maxChunkSize    largest PATCH body accepted ({@code 413} above)
 * @param maxImageSize    largest {@code Upload-Length} accepted ({@code 413} above)
 * @param uploadExpiry    an upload idle for longer is dropped
 * @param lockoutAfter    wrong tokens in a row before the device locks
 * @param lockoutDuration how long a lockout lasts
 * @param ioTimeout       longest wait for a client's bytes (request headers, body, idle keep-alive)
 * @param requestDeadline longest time from a request's first byte to its last (with the {@code rate} fault, the time
 *                        a largest chunk needs at that rate is added twice)
 * @param maxConnections  connections served at once; one more is answered {@code 503} and closed
 * @param clock           wall clock for expiry and lockout times
 * @param logRequests     one log line per request (the CLI and tests keep it on)
 */
public record SimulatorConfig(Path stateDir, InetAddress bindAddress, int port,
                              String product, String hardware, String factoryVersion, long factoryCounter, String deviceId,
                              String token, TrustStore trust, FaultSpec faults,
                              int maxChunkSize, long maxImageSize, Duration uploadExpiry,
                              int lockoutAfter, Duration lockoutDuration, Duration ioTimeout, Duration requestDeadline,
                              int maxConnections, Clock clock, boolean logRequests) {
    public static final String DEFAULT_PRODUCT = "crossing-controller";
    public static final String DEFAULT_HARDWARE = "ccx-rev-b";
    public static final String DEFAULT_VERSION = "2.4.0";
    public static final long DEFAULT_COUNTER = 6;
    /** 1 MiB: large enough that a 20 ms round trip costs under 2 % of a 2 MB/s link. */
    public static final int DEFAULT_MAX_CHUNK = 1 << 20;
    public static final long DEFAULT_MAX_IMAGE = 16L << 20;
    public static final Duration DEFAULT_UPLOAD_EXPIRY = Duration.ofMinutes(10);
    public static final int DEFAULT_LOCKOUT_AFTER = 5;
    public static final Duration DEFAULT_LOCKOUT = Duration.ofSeconds(1800);
    public static final Duration DEFAULT_IO_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_REQUEST_DEADLINE = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_CONNECTIONS = 32;

    public SimulatorConfig {
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(faults, "faults");
        Objects.requireNonNull(clock, "clock");
        token = token == null ? "" : token;
        deviceId = deviceId == null ? "" : deviceId;
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, got " + port);
        requireText("product", product);
        requireText("hardware", hardware);
        if (!SemVer.isValid(factoryVersion)) {
            throw new IllegalArgumentException("version must be SemVer 2.0 text like 2.4.0, got '" + factoryVersion + "'");
        }
        if (factoryCounter < 0) throw new IllegalArgumentException("counter must be 0 or more, got " + factoryCounter);
        if (!deviceId.isEmpty() && !deviceId.matches("[0-9a-zA-Z._-]{1,64}")) {
            throw new IllegalArgumentException("deviceId must be 1 to 64 letters, digits, '.', '_' or '-', got '" + deviceId + "'");
        }
        if (!token.isEmpty() && (token.length() > 256 || !token.matches("[\\x21-\\x7e]+"))) {
            throw new IllegalArgumentException("the token must be 1 to 256 printable ASCII characters without spaces");
        }
        if (maxChunkSize < 1) throw new IllegalArgumentException("max chunk size must be at least 1 byte, got " + maxChunkSize);
        if (maxImageSize < 1) throw new IllegalArgumentException("max image size must be at least 1 byte, got " + maxImageSize);
        positive("upload expiry", uploadExpiry);
        if (lockoutAfter < 1) throw new IllegalArgumentException("lockout-after must be at least 1, got " + lockoutAfter);
        positive("lockout duration", lockoutDuration);
        positive("I/O timeout", ioTimeout);
        positive("request deadline", requestDeadline);
        if (maxConnections < 1) throw new IllegalArgumentException("max connections must be at least 1, got " + maxConnections);
    }

    /** The deadline of one request, allowing a largest chunk twice its time at the {@code rate} fault's bandwidth. */
    public Duration effectiveRequestDeadline() {
        long rate = faults.rate();
        return rate > 0 ? requestDeadline.plusMillis(Math.min(Long.MAX_VALUE / 4, 2000L * maxChunkSize / rate)) : requestDeadline;
    }

    /** A configuration with every default: loopback, a free port, no token, no trust anchors, no faults. */
    public static Builder builder(Path stateDir) {
        return new Builder(stateDir);
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder(stateDir);
        b.bindAddress = bindAddress;
        b.port = port;
        b.product = product;
        b.hardware = hardware;
        b.factoryVersion = factoryVersion;
        b.factoryCounter = factoryCounter;
        b.deviceId = deviceId;
        b.token = token;
        b.trust = trust;
        b.faults = faults;
        b.maxChunkSize = maxChunkSize;
        b.maxImageSize = maxImageSize;
        b.uploadExpiry = uploadExpiry;
        b.lockoutAfter = lockoutAfter;
        b.lockoutDuration = lockoutDuration;
        b.ioTimeout = ioTimeout;
        b.requestDeadline = requestDeadline;
        b.maxConnections = maxConnections;
        b.clock = clock;
        b.logRequests = logRequests;
        return b;
    }

    /** True when install checks signatures (the device holds trust anchors). */
    public boolean checksSignatures() {
        return !trust.keys().isEmpty();
    }

    private static void requireText(String what, String v) {
        if (v == null || !v.matches("[0-9A-Za-z._+-]{1,64}")) {
            throw new IllegalArgumentException(what + " must be 1 to 64 letters, digits, '.', '_', '+' or '-', got '" + v + "'");
        }
    }

    private static void positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be positive, got " + d);
    }

    /** Mutable builder; every setter returns the builder. */
    public static final class Builder {
        private final Path stateDir;
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private int port;
        private String product = DEFAULT_PRODUCT;
        private String hardware = DEFAULT_HARDWARE;
        private String factoryVersion = DEFAULT_VERSION;
        private long factoryCounter = DEFAULT_COUNTER;
        private String deviceId = "";
        private String token = "";
        private TrustStore trust = TrustStore.empty();
        private FaultSpec faults = FaultSpec.none();
        private int maxChunkSize = DEFAULT_MAX_CHUNK;
        private long maxImageSize = DEFAULT_MAX_IMAGE;
        private Duration uploadExpiry = DEFAULT_UPLOAD_EXPIRY;
        private int lockoutAfter = DEFAULT_LOCKOUT_AFTER;
        private Duration lockoutDuration = DEFAULT_LOCKOUT;
        private Duration ioTimeout = DEFAULT_IO_TIMEOUT;
        private Duration requestDeadline = DEFAULT_REQUEST_DEADLINE;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Clock clock = Clock.systemUTC();
        private boolean logRequests = true;

        private Builder(Path stateDir) {
            this.stateDir = stateDir;
        }

        public Builder bindAddress(InetAddress v) { bindAddress = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder product(String v) { product = v; return this; }
        public Builder hardware(String v) { hardware = v; return this; }
        public Builder factoryVersion(String v) { factoryVersion = v; return this; }
        public Builder factoryCounter(long v) { factoryCounter = v; return this; }
        public Builder deviceId(String v) { deviceId = v; return this; }
        public Builder token(String v) { token = v; return this; }
        public Builder trust(TrustStore v) { trust = v; return this; }
        public Builder faults(FaultSpec v) { faults = v; return this; }
        public Builder maxChunkSize(int v) { maxChunkSize = v; return this; }
        public Builder maxImageSize(long v) { maxImageSize = v; return this; }
        public Builder uploadExpiry(Duration v) { uploadExpiry = v; return this; }
        public Builder lockoutAfter(int v) { lockoutAfter = v; return this; }
        public Builder lockoutDuration(Duration v) { lockoutDuration = v; return this; }
        public Builder ioTimeout(Duration v) { ioTimeout = v; return this; }
        public Builder requestDeadline(Duration v) { requestDeadline = v; return this; }
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        public Builder clock(Clock v) { clock = v; return this; }
        public Builder logRequests(boolean v) { logRequests = v; return this; }

        /** Builds; IllegalArgumentException names the first bad value. */
        public SimulatorConfig build() {
            return new SimulatorConfig(stateDir, bindAddress, port, product, hardware, factoryVersion, factoryCounter,
                    deviceId, token, trust, faults, maxChunkSize, maxImageSize, uploadExpiry, lockoutAfter,
                    lockoutDuration, ioTimeout, requestDeadline, maxConnections, clock, logRequests);
        }
    }
}
