package io.fieldflash.wifi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A program and its arguments, run directly (never through a shell) so that SSIDs with spaces, quotes,
 * {@code $} or {@code ;} stay one argument each.
 *
 * @param argv            the program, then its arguments
 * @param timeout         how long it may run before it is killed
 * @param secretArguments indexes into {@code argv} of arguments that must not be shown ({@link #toString()}
 *                        prints {@code ******} for them); only macOS's {@code networksetup} needs one
 */
public record Command(List<String> argv, Duration timeout, Set<Integer> secretArguments) {

    public Command {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) throw new IllegalArgumentException("no program");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
        secretArguments = Set.copyOf(secretArguments);
    }

    public static Command of(Duration timeout, List<String> argv) {
        return new Command(argv, timeout, Set.of());
    }

    public static Command of(Duration timeout, String... argv) {
        return of(timeout, List.of(argv));
    }

    /** The same command with the argument at {@code index} marked secret. */
    public Command withSecretAt(int index) {
        Objects.checkIndex(index, argv.size());
        Set<Integer> secrets = new HashSet<>(secretArguments);
        secrets.add(index);
        return new Command(argv, timeout, secrets);
    }

    public String program() {
        return argv.getFirst();
    }

    /** The command line for logs: secrets masked, arguments with spaces or quotes quoted. */
    @Override
    public String toString() {
        return IntStream.range(0, argv.size())
                .mapToObj(i -> secretArguments.contains(i) ? "******" : quote(argv.get(i)))
                .collect(Collectors.joining(" "));
    }

    private static String quote(String arg) {
        if (!arg.isEmpty() && arg.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '\'' || c == '\\' || c == '$'
                || c == ';' || c == '&' || c == '|' || c == '`')) {
            return arg;
        }
        List<String> parts = new ArrayList<>();
        for (String p : arg.split("'", -1)) parts.add("'" + p + "'");
        return String.join("\\'", parts);
    }
}
