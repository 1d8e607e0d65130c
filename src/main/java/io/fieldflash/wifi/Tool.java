package io.fieldflash.wifi;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

/** A {@link CommandRunner} whose failures to run at all become {@link WifiException}s. */
final class Tool {
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
}
