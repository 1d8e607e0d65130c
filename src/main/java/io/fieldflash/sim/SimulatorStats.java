package io.fieldflash.sim;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a simulated device has seen since it was started (counted across its reboots).
 *
 * @param requests       HTTP requests received (well-formed ones)
 * @param bytesReceived  request body bytes read off the network, whatever became of them
 * @param bytesStored    upload bytes committed to the upload's data file (a resend of the same range counts again)
 * @param patches        PATCH requests that reached their body
 * @param drops          connections cut by the {@code drop} fault
 * @param corrupts       chunks spoiled by the {@code corrupt} fault
 * @param rebootFaults   power losses by the {@code reboot} fault
 * @param checksumFailures {@code 460} answers (corrupt faults included)
 * @param boots          boots, the first one included
 * @param writes         writes to the state folder (the numbers {@code cut-before} and {@code cut-after} count)
 * @param powerCuts      power cuts by the {@code cut-before} / {@code cut-after} faults
 * @param lostAnswers    answers withheld by the {@code lose-answer} fault
 */
public record SimulatorStats(long requests, long bytesReceived, long bytesStored, long patches, long drops, long corrupts,
                             long rebootFaults, long checksumFailures, long boots, long writes, long powerCuts, long lostAnswers) {

    /** The faults fired: drops, corrupts and reboot faults. */
    public long faultsFired() {
        return drops + corrupts + rebootFaults;
    }

    /** The live counters behind {@link SimulatorStats}. */
    static final class Counters {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong bytesReceived = new AtomicLong();
        final AtomicLong bytesStored = new AtomicLong();
        final AtomicLong patches = new AtomicLong();
        final AtomicLong drops = new AtomicLong();
        final AtomicLong corrupts = new AtomicLong();
        final AtomicLong rebootFaults = new AtomicLong();
        final AtomicLong checksumFailures = new AtomicLong();
        final AtomicLong boots = new AtomicLong();
        final AtomicLong writes = new AtomicLong();
        final AtomicLong powerCuts = new AtomicLong();
        final AtomicLong lostAnswers = new AtomicLong();

        SimulatorStats snapshot() {
            return new SimulatorStats(requests.get(), bytesReceived.get(), bytesStored.get(), patches.get(), drops.get(),
                    corrupts.get(), rebootFaults.get(), checksumFailures.get(), boots.get(), writes.get(), powerCuts.get(),
                    lostAnswers.get());
        }
    }
}
