package io.fieldflash.wifi;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * A {@link CommandRunner} that asserts the exact sequence of commands and answers each with a canned
 * result. An expected argument {@link #ANY} matches any one argument, {@link #startingWith} any argument
 * with that prefix; a {@link Step#repeatedly() repeated} step matches as many consecutive calls as come.
 */
final class FakeCommandRunner implements CommandRunner {
    static final String ANY = "\u0000any";

    static String startingWith(String prefix) {
        return "\u0000prefix:" + prefix;
    }

    interface Answer {
        CommandResult answer(Command command) throws IOException, TimeoutException, InterruptedException;
    }

    private final Deque<Step> steps = new ArrayDeque<>();
    private final List<Command> calls = new ArrayList<>();
    private final Set<String> installed = new HashSet<>();

    FakeCommandRunner installed(String... programs) {
        installed.addAll(List.of(programs));
        return this;
    }

    Step expect(String... argv) {
        return expect(List.of(argv));
    }

    Step expect(List<String> argv) {
        Step s = new Step(List.copyOf(argv));
        steps.add(s);
        return s;
    }

    final class Step {
        private final List<String> argv;
        private Answer answer = c -> CommandResult.ok("");
        private boolean repeat;
        private boolean used;

        private Step(List<String> argv) {
            this.argv = argv;
        }

        Step repeatedly() {
            repeat = true;
            return this;
        }

        FakeCommandRunner returns(String stdout) {
            return answers(c -> CommandResult.ok(stdout));
        }

        FakeCommandRunner returnsFixture(String name) {
            return returns(Fixtures.load(name));
        }

        FakeCommandRunner fails(int exitCode, String stdout, String stderr) {
            return answers(c -> new CommandResult(exitCode, stdout, stderr));
        }

        FakeCommandRunner answers(Answer a) {
            answer = a;
            return FakeCommandRunner.this;
        }
    }

    @Override
    public synchronized CommandResult run(Command command) throws IOException, TimeoutException, InterruptedException {
        calls.add(command);
        while (true) {
            Step s = steps.peekFirst();
            if (s == null) throw new AssertionError("unexpected command, none was expected any more: " + command.argv());
            if (matches(s.argv, command.argv())) {
                if (s.repeat) s.used = true;
                else steps.removeFirst();
                return s.answer.answer(command);
            }
            if (s.repeat && s.used) {
                steps.removeFirst();
                continue;
            }
            throw new AssertionError("expected " + s.argv + "\n     but ran " + command.argv());
        }
    }

    private static boolean matches(List<String> expected, List<String> actual) {
        if (expected.size() != actual.size()) return false;
        for (int i = 0; i < expected.size(); i++) {
            String e = expected.get(i), a = actual.get(i);
            if (e.equals(ANY)) continue;
            if (e.startsWith("\u0000prefix:")) {
                if (!a.startsWith(e.substring("\u0000prefix:".length()))) return false;
                continue;
            }
            if (!e.equals(a)) return false;
        }
        return true;
    }

    @Override
    public boolean isInstalled(String program) {
        return installed.contains(program);
    }

    /** Every command that ran, in order. */
    synchronized List<Command> calls() {
        return List.copyOf(calls);
    }

    /** Fails if an expected command did not run. */
    synchronized void assertAllRan() {
        List<List<String>> left = steps.stream().filter(s -> !(s.repeat && s.used)).map(s -> s.argv).toList();
        if (!left.isEmpty()) throw new AssertionError("expected commands did not run: " + left);
    }
}
