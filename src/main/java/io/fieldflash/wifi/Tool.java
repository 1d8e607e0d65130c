package io.fieldflash.wifi;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

/** A {@link CommandRunner} whose failures to run at all become {@link WifiException}s. */
final class Tool {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Tool.class);

    private final CommandRunner runner;

    Tool(CommandRunner runner) {
        this.runner = runner;
    }

    /**
     * Runs a command; a program that cannot be started is {@code TOOL_MISSING}, one that runs too long is
     * {@code onTimeout} with the message {@code "<what> did not finish within N s."}.
     */
    CommandResult run(Command command, WifiException.Reason onTimeout, String what)
            throws WifiException, InterruptedException {
        try {
            return runner.run(command);
        } catch (IOException e) {
            throw new WifiException(WifiException.Reason.TOOL_MISSING,
                    command.program() + " could not be run (" + e.getMessage() + ").",
                    WifiException.Reason.TOOL_MISSING.defaultHint(), e);
        } catch (TimeoutException e) {
            throw new WifiException(onTimeout,
                    what + " did not finish within " + command.timeout().toSeconds() + " s.",
                    onTimeout.defaultHint(), e);
        }
    }

    /** Runs a clean-up command whose failure is only logged (e.g. undoing a join that failed anyway). */
    void quietly(Command command) throws InterruptedException {
        try {
            CommandResult r = run(command, WifiException.Reason.LEAVE_FAILED, command.program());
            if (!r.succeeded()) LOG.warn("{} failed: {}", command, ToolText.gist(r.output()));
        } catch (WifiException e) {
            LOG.warn("{} failed: {}", command, e.getMessage());
        }
    }

    /** Runs one step of leaving a network; a failure to run it is added to {@code problems} and gives null. */
    CommandResult runForLeave(Command command, java.util.List<String> problems, String what) throws InterruptedException {
        try {
            return run(command, WifiException.Reason.LEAVE_FAILED, what);
        } catch (WifiException e) {
            problems.add(what + " (" + e.getMessage() + ")");
            return null;
        }
    }

    /** Ends a leave: {@code LEAVE_FAILED} naming every step that went wrong, if any did. */
    static void finishLeave(WifiConnection connection, java.util.List<String> problems) throws WifiException {
        if (!problems.isEmpty()) {
            throw new WifiException(WifiException.Reason.LEAVE_FAILED, "FieldFlash left \"" + connection.ssid() + "\" but could not "
                    + String.join(", nor ", problems) + ".");
        }
        LOG.info("left {}", connection.ssid());
    }
}
