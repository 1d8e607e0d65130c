package io.fieldflash.update;

import io.fieldflash.FieldFlashException;
import io.fieldflash.Printable;
import io.fieldflash.bundle.ImageSpec;
import io.fieldflash.bundle.VerifiedBundle;
import io.fieldflash.bundle.inner.EspChip;
import io.fieldflash.device.Capabilities;
import io.fieldflash.device.Device;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceSession;
import io.fieldflash.device.esprom.Chip;
import io.fieldflash.device.esprom.ChipInfo;
import io.fieldflash.device.esprom.EspRomDevice;
import io.fieldflash.device.esprom.EspRomOptions;
import io.fieldflash.device.esprom.EspRomSession;
import io.fieldflash.device.esprom.FlashLayout;
import io.fieldflash.device.esprom.ManualBoot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Depot mode: one verified bundle written to several units on their own USB-serial ports at the same time. Each
 * port gets its own {@link UpdateJob} (the one sequencer), so each unit has its own cancel, progress, result,
 * resume point and audit record, its identity being the chip's MAC. The bundle is shared read-only: every job
 * streams its images from the file, none holds the bundle in memory. A unit that fails (no answer, wrong chip, a
 * cable pulled) does not stop the others.
 */
public final class DepotRun {

    /**
     * How one unit ended.
     *
     * @param port   the port, as given
     * @param chip   what the ROM said (chip and MAC); empty when it never answered
     * @param result the unit's job result
     */
    public record UnitResult(String port, Optional<ChipInfo> chip, JobResult result) {}

    /** What a depot run reports; called from the jobs' threads, never the caller's (a GUI hands it to its UI thread). */
    public interface Listener {
        /** The job of {@code port} was made and is about to start: add its {@link JobListener}s here. */
        default void created(String port, UpdateJob job) {}

        /** The ROM on {@code port} answered: its chip and MAC. */
        default void identified(String port, ChipInfo chip) {}

        /** {@code port}'s job ended (after its audit record was written). */
        default void finished(UnitResult result) {}
    }

    private record Unit(String port, UpdateJob job, Witness device) {}

    private final List<Unit> units;

    private DepotRun(List<Unit> units) {
        this.units = units;
    }

    /**
     * A run of {@code bundle} on each of {@code devices} (one per port; a port given twice is one unit); call
     * {@link #start()}.
     */
    public static DepotRun create(VerifiedBundle bundle, List<EspRomDevice> devices, UpdateStores stores, JobSettings settings,
                                  Listener listener) {
        Map<String, EspRomDevice> byPort = devices.stream()
                .collect(Collectors.toMap(EspRomDevice::address, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        List<Unit> units = new ArrayList<>();
        for (EspRomDevice d : byPort.values()) {
            Witness w = new Witness(d, listener);
            UpdateJob job = UpdateJob.create(new BundleSource.Verified(bundle), w, stores, settings);
            job.addListener(e -> {
                if (e instanceof JobEvent.Finished f) listener.finished(new UnitResult(d.address(), Optional.ofNullable(w.chip), f.result()));
            });
            listener.created(d.address(), job);
            units.add(new Unit(d.address(), job, w));
        }
        return new DepotRun(List.copyOf(units));
    }

    /** Starts every unit's job; returns at once. */
    public DepotRun start() {
        for (Unit u : units) u.job().start();
        return this;
    }

    /** The ports, in the order given (duplicates dropped). */
    public List<String> ports() {
        return units.stream().map(Unit::port).toList();
    }

    /** The job of {@code port}. */
    public Optional<UpdateJob> job(String port) {
        return units.stream().filter(u -> u.port().equals(port)).map(Unit::job).findFirst();
    }

    /** Waits for every unit; the results in port order. */
    public List<UnitResult> await() throws InterruptedException {
        List<UnitResult> out = new ArrayList<>();
        for (Unit u : units) out.add(new UnitResult(u.port(), Optional.ofNullable(u.device().chip), u.job().await()));
        return out;
    }

    /** Waits at most {@code timeout} for every unit. */
    public Optional<List<UnitResult>> await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<UnitResult> out = new ArrayList<>();
        for (Unit u : units) {
            Optional<JobResult> r = u.job().await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (r.isEmpty()) return Optional.empty();
            out.add(new UnitResult(u.port(), Optional.ofNullable(u.device().chip), r.get()));
        }
        return Optional.of(out);
    }

    /** {@link UpdateJob#cancel()} on every unit still running. */
    public void cancelAll() {
        for (Unit u : units) u.job().cancel();
    }

    /**
     * {@link UpdateJob#interrupt()} on every unit (the command line's Ctrl-C): each stops where it is and writes its
     * audit record.
     *
     * @return true when at least one unit was running
     */
    public boolean interruptAll() {
        boolean any = false;
        for (Unit u : units) any |= u.job().interrupt();
        return any;
    }

    /** True when every unit ended with the bundle's firmware on it. */
    public static boolean allOk(List<UnitResult> results) {
        return results.stream().allMatch(r -> r.result().ok());
    }

    /**
     * The unit's ROM device as the job sees it, noting the chip and MAC the ROM revealed on opening (the job's own
     * result carries only the MAC), so the depot can name the chip per unit.
     */
    private static final class Witness implements Device {
        private final EspRomDevice rom;
        private final Listener listener;
        private volatile ChipInfo chip;

        Witness(EspRomDevice rom, Listener listener) {
            this.rom = rom;
            this.listener = listener;
        }

        @Override public String transport() { return rom.transport(); }
        @Override public String address() { return rom.address(); }
        @Override public Capabilities capabilities() { return rom.capabilities(); }

        @Override
        public DeviceSession open() throws DeviceException {
            EspRomSession s = rom.open();
            chip = s.chipInfo();
            listener.identified(rom.address(), chip);
            return s;
        }
    }
}
