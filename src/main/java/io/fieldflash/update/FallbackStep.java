package io.fieldflash.update;

import io.fieldflash.device.DeviceException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Fallback: when the first path's failure means that path is gone ({@link Fallback#takesOver(Exception)}), the job
 * goes on over the {@link Fallback}'s transport with the same verified bundle. This step switches the context over and
 * keeps what the audit record and the result need to name both transports.
 *
 * <p>The first path's resume point stays on disk while the job runs (the same command goes on over the network if the
 * fallback fails too); it is removed once the fallback has written the whole bundle, since the unit's flash was written
 * anew and the partial upload on it is gone.
 */
final class FallbackStep {
    private final JobContext c;
    private final Fallback fallback;
    private final List<AuditRecord.FirstTry> firstTries = new ArrayList<>();

    /** @param fallback null when the job has none */
    FallbackStep(JobContext c, Fallback fallback) {
        this.c = c;
        this.fallback = fallback;
    }

    /** True when the job has a fallback it has not used yet and {@code failure} means the first path is gone. */
    boolean takesOver(Exception failure) {
        return fallback != null && firstTries.isEmpty() && Fallback.takesOver(failure);
    }

    /** Records the first path's end and points the job at the fallback's transport. */
    void switchOver(DeviceException failure) {
        String id = c.first == null ? "" : c.first.deviceId();
        firstTries.add(new AuditRecord.FirstTry(c.device.transport(), c.device.address(), id, failure.code()));
        c.say(JobEvent.Level.WARNING, failure.getMessage() + " The network path failed: going on over " + fallback.means()
                + " (" + fallback.device().address() + ") with the same verified bundle.");
        c.device = fallback.device();
        c.first = null;
    }

    /** The transports of the first paths, then the one in use. */
    List<String> transports() {
        List<String> out = new ArrayList<>();
        firstTries.forEach(f -> out.add(f.transport()));
        out.add(c.device.transport());
        return out;
    }

    List<AuditRecord.FirstTry> firstTries() {
        return List.copyOf(firstTries);
    }

    boolean switched() {
        return !firstTries.isEmpty();
    }

    /** The sentence a finished fallback adds in front of the result's message. */
    String finishedSentence() {
        return "The network path failed, so the update finished over " + fallback.means() + " (" + fallback.device().address() + ").";
    }

    /** The first paths' device ids (those that answered), whose resume points count as kept. */
    List<String> firstDeviceIds() {
        return firstTries.stream().map(AuditRecord.FirstTry::deviceId).filter(id -> !id.isEmpty()).toList();
    }

    /** After the fallback wrote the whole bundle: the first path's partial upload is gone with the rewritten flash. */
    void dropFirstResumePoints() {
        for (String id : firstDeviceIds()) {
            try {
                c.stores.resume().delete(id);
            } catch (IOException e) {
                c.say(JobEvent.Level.WARNING, "Could not remove the network transfer's resume point: " + e.getMessage());
            }
        }
    }
}
