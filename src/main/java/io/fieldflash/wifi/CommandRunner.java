package io.fieldflash.wifi;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Runs the operating system's own tools. {@link ProcessCommandRunner} is the real one; tests use a fake that
 * checks the exact commands.
 */
public interface CommandRunner {

    /**
     * Runs a command to its end and collects what it printed.
     *
     * @throws IOException          the program could not be started (e.g. it is not installed)
     * @throws TimeoutException     it ran longer than {@link Command#timeout()}; it has been killed
     * @throws InterruptedException the calling thread was interrupted; the program has been killed
     */
    CommandResult run(Command command) throws IOException, TimeoutException, InterruptedException;

    /** Whether a program of this name can be found (on the {@code PATH}). */
    boolean isInstalled(String program);
}
