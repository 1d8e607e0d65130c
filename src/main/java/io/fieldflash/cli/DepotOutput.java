package io.fieldflash.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.Printable;
import io.fieldflash.bundle.BundleException;
import io.fieldflash.device.esprom.EspRomDevice;
import io.fieldflash.update.BundleSource;
import io.fieldflash.update.DepotRun;
import io.fieldflash.update.JobResult;
import io.fieldflash.update.JobSettings;
import io.fieldflash.update.UpdateStores;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code fieldflash flash BUNDLE --serial A --serial B ...}: the units run in parallel ({@link DepotRun}); each
 * unit's line is printed as it finishes (with {@code --json}: one JSON object per unit and nothing else on standard
 * output), then a summary. Ctrl-C stops every unit, each writing its audit record.
 */
final class DepotOutput {
    private final boolean json;
    private final PrintWriter out;
    private final PrintWriter err;

    DepotOutput(boolean json, PrintWriter out, PrintWriter err) {
        this.json = json;
        this.out = out;
        this.err = err;
    }

    /**
     * @param source  the bundle, verified once for every unit
     * @param refused why the bundle failed verification (then {@code source} is the file and no port is opened)
     * @return the exit code: 0 when every unit runs the bundle, 1 otherwise
     */
    int run(BundleSource source, BundleException refused, List<EspRomDevice> units, UpdateStores stores, JobSettings settings)
            throws InterruptedException {
        if (refused != null || !(source instanceof BundleSource.Verified v)) {
            refuse(refused, units);
            return Main.EXIT_FAILED;
        }
        PrintWriter human = json ? err : out;
        human.println("» Updating " + units.size() + " units at once: "
                + units.stream().map(u -> Printable.of(u.address())).collect(Collectors.joining(", ")));
        human.flush();
        DepotRun run = DepotRun.create(v.bundle(), units, stores, settings, new DepotRun.Listener() {
            @Override
            public void finished(DepotRun.UnitResult r) {
                unit(r);
            }
        });

        // Ctrl-C: every unit stops where it is and records itself; the process ends once they have (bounded).
        CountDownLatch printed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            if (!run.interruptAll()) return;
            try {
                if (run.await(FlashCommand.HOOK_WAIT).isPresent()) printed.await(FlashCommand.HOOK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
        }, "fieldflash-depot-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            List<DepotRun.UnitResult> results = run.start().await();
            summary(results);
            return DepotRun.allOk(results) ? 0 : Main.EXIT_FAILED;
        } finally {
            printed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
    }

    /** One unit's line, as it finishes (called from its job's event thread). */
    private void unit(DepotRun.UnitResult u) {
        JobResult r = u.result();
        synchronized (this) {
            if (json) {
                ObjectNode o = FlashCommand.describe(r).put("transport", EspRomDevice.TRANSPORT).put("port", u.port());
                JsonOut.print(out, o);
                return;
            }
            String who = u.chip().map(c -> c.chip().displayName() + "  " + c.macText()).orElse("(not identified)");
            out.println(Printable.of(u.port()) + "  " + who + "  " + words(r));
            out.flush();
        }
    }

    /** The result in plain words, with what to do when it did not work. */
    static String words(JobResult r) {
        String stats = String.format(Locale.ROOT, "%s in %.1f s", FlashCommand.bytes(r.bytesSent()), r.elapsed().toMillis() / 1000.0);
        return switch (r.outcome()) {
            case UPDATED -> "updated (" + stats + ")";
            case ALREADY_INSTALLED -> "already had this firmware";
            case CANCELLED -> "stopped: " + r.message();
            case REFUSED -> "refused: " + r.message() + hint(r);
            case FAILED -> "failed: " + r.message() + hint(r);
        };
    }

    private static String hint(JobResult r) {
        return r.hint().isEmpty() ? "" : " What to do: " + r.hint();
    }

    private void summary(List<DepotRun.UnitResult> results) {
        long ok = results.stream().filter(r -> r.result().ok()).count();
        String failed = results.stream().filter(r -> !r.result().ok())
                .map(r -> Printable.of(r.port()) + " " + switch (r.result().outcome()) {
                    case REFUSED -> "refused";
                    case CANCELLED -> "stopped";
                    default -> "failed";
                } + ": " + r.result().message().replaceAll("\\.$", ""))
                .collect(Collectors.joining("; "));
        String line = ok + " of " + results.size() + " units updated" + (failed.isEmpty() ? "" : "; " + failed) + ".";
        synchronized (this) {
            (json ? err : out).println(line);
            (json ? err : out).flush();
        }
    }

    /** The bundle failed verification: nothing is sent to any unit; each is reported refused. */
    private void refuse(BundleException e, List<EspRomDevice> units) {
        for (EspRomDevice u : units) {
            if (json) {
                JsonOut.print(out, JsonOut.object().put("ok", false).put("outcome", "REFUSED").put("reason", e.code())
                        .put("message", e.getMessage()).put("hint", e.hint()).put("bytesSent", 0).put("resumes", 0).put("seconds", 0.0)
                        .put("transport", EspRomDevice.TRANSPORT).put("port", u.address()));
            }
        }
        if (!json) {
            err.println("Refused [" + e.code() + "]: " + e.getMessage() + " Nothing was sent to any unit.");
            if (!e.hint().isEmpty()) err.println("What to do: " + e.hint());
        }
        out.flush();
        err.flush();
    }
}
