package io.fieldflash.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated device speaking {@code fieldflash-http/1}: the reference implementation of the device side, for
 * tests, benchmarks, training and vendors. Start one with {@link #start(SimulatorConfig)}; its flash lives in the
 * configured state folder, so starting again on the same folder is a reboot of the same device.
 *
 * <pre>{@code
 * try (SimulatedDevice device = SimulatedDevice.start(SimulatorConfig.builder(dir).token("s3cret").build())) {
 *     URI api = device.baseUri();          // http://127.0.0.1:PORT/fieldflash/v1
 *     ... update it ...
 *     device.restart();                    // power cycle: an unconfirmed trial reverts
 * }
 * }</pre>
 *
 * <p>While it reboots (after {@code POST /reboot} or a {@code reboot} fault) its port refuses connections for the
 * reboot time, as a real device's would.
 */
public final class SimulatedDevice implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedDevice.class);
    private static final Duration CONNECTION_WAIT = Duration.ofSeconds(5);

    private final SimulatorConfig cfg;
    private final SimulatorStats.Counters counters = new SimulatorStats.Counters();
    private final PatchFault.Dice dice;
    private final Disk.Meter meter;
    private final Http1Server server;
    private final ReentrantLock life = new ReentrantLock();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong generation = new AtomicLong();
    private volatile DeviceApi api;
    private volatile Flash flash;
    private volatile boolean rebooting;
    private volatile Thread booting;

    private SimulatedDevice(SimulatorConfig cfg) {
        this.cfg = cfg;
        this.dice = new PatchFault.Dice(cfg.faults());
        this.meter = new Disk.Meter(cfg.faults(), counters.writes, this::powerCut);
        this.server = new Http1Server(cfg.bindAddress(), cfg.port(), cfg.ioTimeout(), cfg.effectiveRequestDeadline(),
                cfg.maxConnections(), new Pacer(cfg.faults().rate()),
                () -> cfg.faults().latencyMs(), counters.bytesReceived, r -> api.handle(r));
    }

    /** Boots the device from its state folder (a factory state when the folder is empty) and starts listening. */
    public static SimulatedDevice start(SimulatorConfig cfg) throws IOException {
        SimulatedDevice d = new SimulatedDevice(cfg);
        d.life.lock();
        try {
            d.bootThroughPowerCuts();
            d.server.open();
        } finally {
            d.life.unlock();
        }
        if (cfg.faults().firesFaults() || cfg.faults().firesOnce() || cfg.faults().rate() > 0 || cfg.faults().latencyMs() > 0) {
            LOG.info("faults {} (replay with the same seed)", cfg.faults());
        }
        LOG.info("{} listening on {}", d.describe(), d.baseUri());
        return d;
    }

    /**
     * Boots from the state folder. Power that fails during the boot (a {@code cut-before} / {@code cut-after} fault at
     * one of its writes) makes it boot again from what is on disk, as a real device does when the power comes back.
     */
    private void bootThroughPowerCuts() throws IOException {
        booting = Thread.currentThread();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    boot();
                    return;
                } catch (Disk.PowerLoss e) {
                    if (attempt >= 3) throw e;
                    LOG.info("the power failed while booting ({}); booting again", e.getMessage());
                }
            }
        } finally {
            booting = null;
        }
    }

    private void boot() throws IOException {
        Disk disk = new Disk(meter);
        Flash f = Flash.boot(cfg, disk);
        UploadStore uploads = new UploadStore(cfg.stateDir().resolve("upload"), disk, cfg.uploadExpiry(), cfg.clock());
        flash = f;
        api = new DeviceApi(cfg, f, disk, uploads, dice, counters, this::rebootLater);
        counters.boots.incrementAndGet();
    }

    /** A power-cut fault fired at a write: the device goes dark at once and boots again after the reboot time. */
    private void powerCut() {
        counters.powerCuts.incrementAndGet();
        if (Thread.currentThread() == booting) return;   // the boot in progress starts over by itself
        rebootLater("power cut");
    }

    /** The port it listens on (the chosen one when the configuration asked for 0); the same across reboots. */
    public int port() {
        return server.port();
    }

    /** {@code http://HOST:PORT/fieldflash/v1}: the base of every path of the protocol. */
    public URI baseUri() {
        String host = cfg.bindAddress().isAnyLocalAddress() ? "127.0.0.1" : cfg.bindAddress().getHostAddress();
        if (cfg.bindAddress() instanceof Inet6Address && !cfg.bindAddress().isAnyLocalAddress()) host = "[" + host + "]";
        return URI.create("http://" + host + ":" + port() + DeviceApi.BASE);
    }

    public SimulatorConfig config() {
        return cfg;
    }

    /** The device's state as it is on disk now. */
    public DeviceState state() {
        return flash.state();
    }

    /** The file that holds {@code slot}'s main image ({@code A.bin} or {@code B.bin}). */
    public Path slotFile(Slot slot) {
        return cfg.stateDir().resolve(slot.fileName(Slot.MAIN_IMAGE));
    }

    /** Counters since {@link #start}, across reboots. */
    public SimulatorStats stats() {
        return counters.snapshot();
    }

    /** The seed the faults were drawn from: run again with it to replay them. */
    public long faultSeed() {
        return cfg.faults().seed();
    }

    /** True while it accepts connections (false while stopped or rebooting). */
    public boolean isUp() {
        return server.isOpen() && !rebooting;
    }

    /** Waits until the device is up again (after a reboot); false when {@code timeout} passed first. */
    public boolean awaitUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isUp()) {
            if (stopped.getCount() == 0 || System.nanoTime() > deadline) return false;
            Thread.sleep(10);
        }
        return true;
    }

    /** {@code crossing-controller (ccx-rev-b) 2.4.0}, or {@code ... 2.5.0 (trial)}. */
    public String describe() {
        DeviceState st = state();
        return st.product() + " (" + st.hardware() + ") " + st.version() + (st.trial() ? " (trial)" : "");
    }

    /**
     * Power-cycles the device at once: every connection is cut, the state is read back from the folder and the
     * device boots (a pending install starts its trial; an unconfirmed trial reverts), on the same port. Returns
     * when it listens again. An upload under way is kept.
     */
    public void restart() throws IOException {
        life.lock();
        try {
            if (stopped.getCount() == 0) throw new IllegalStateException("the simulated device was stopped");
            generation.incrementAndGet();   // a reboot in progress does not boot a second time
            LOG.info("restart: power cycle");
            server.close(CONNECTION_WAIT);
            bootThroughPowerCuts();
            server.open();
            rebooting = false;
        } finally {
            life.unlock();
        }
    }

    /**
     * Reboots as the device does after {@code POST /reboot}: unreachable (connections refused) for the reboot time,
     * then booted. Returns at once; {@link #awaitUp} waits for the end.
     */
    public void reboot() {
        rebootLater("reboot() called");
    }

    /**
     * Goes down now (listener closed, other connections cut) and comes back after the reboot time. A reboot asked
     * for while the device is already rebooting, restarting or stopping is part of that one.
     */
    private void rebootLater(String why) {
        long gen;
        try {
            // Held only briefly, except by a restart or stop, which is a power cycle of its own.
            if (!life.tryLock(2, TimeUnit.SECONDS)) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            if (rebooting || stopped.getCount() == 0) return;
            rebooting = true;
            gen = generation.incrementAndGet();
            server.powerOff();
        } finally {
            life.unlock();
        }
        long ms = cfg.faults().rebootMs();
        LOG.info("rebooting ({}): unreachable for {} ms", why, ms);
        Thread.ofVirtual().name("sim-reboot").start(() -> {
            server.awaitIdle(CONNECTION_WAIT);
            try {
                if (stopped.await(ms, TimeUnit.MILLISECONDS)) return;
            } catch (InterruptedException e) {
                return;
            }
            life.lock();
            try {
                if (generation.get() != gen || stopped.getCount() == 0) return;
                bootThroughPowerCuts();
                server.open();
                LOG.info("{} is up again on {}", describe(), baseUri());
            } catch (IOException | UncheckedIOException e) {
                LOG.error("the simulated device could not come back after the reboot: {}", e.getMessage());
            } finally {
                if (generation.get() == gen) rebooting = false;
                life.unlock();
            }
        });
    }

    /** Stops for good: connections are cut, the port is closed. The state folder stays as it is. */
    public void stop() {
        life.lock();
        try {
            if (stopped.getCount() == 0) return;
            stopped.countDown();
            generation.incrementAndGet();
            server.close(CONNECTION_WAIT);
            rebooting = false;
            LOG.info("simulated device on port {} stopped", port());
        } finally {
            life.unlock();
        }
    }

    /** Waits until {@link #stop()} was called (the command line waits here until Ctrl-C). */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        stop();
    }
}
