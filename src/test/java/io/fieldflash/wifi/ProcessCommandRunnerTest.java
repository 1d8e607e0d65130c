package io.fieldflash.wifi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real runner, with real processes: argv arrives intact, hung commands die, interruption kills. */
class ProcessCommandRunnerTest {
    final ProcessCommandRunner runner = new ProcessCommandRunner(Map.of("FIELDFLASH_PROBE", "set"), Set.of("FIELDFLASH_GONE"),
            StandardCharsets.UTF_8);

    @BeforeAll
    static void posix() {
        assumeTrue(Os.current() != Os.WINDOWS, "uses printf, sleep and env");
    }

    @Test
    void argumentsReachTheProgramOneByOneWithoutAShell() throws Exception {
        List<String> tricky = List.of("x; rm -rf /", "$HOME", "a \"b\" 'c'", "`id`", "back\\slash", "Café ☕", "", "*");
        List<String> argv = new java.util.ArrayList<>(List.of("printf", "[%s]\\n"));
        argv.addAll(tricky);
        CommandResult r = runner.run(Command.of(Duration.ofSeconds(10), argv));
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout().lines()).containsExactlyElementsOf(tricky.stream().map(s -> "[" + s + "]").toList());
    }

    @Test
    void exitCodeAndStandardErrorAreKept() throws Exception {
        CommandResult r = runner.run(Command.of(Duration.ofSeconds(10), "ls", "/definitely/not/here"));
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("/definitely/not/here");
        assertThat(r.succeeded()).isFalse();
    }

    @Test
    void theEnvironmentIsAdjusted() throws Exception {
        CommandResult r = runner.run(Command.of(Duration.ofSeconds(10), "env"));
        assertThat(r.stdout().lines()).contains("FIELDFLASH_PROBE=set").noneMatch(l -> l.startsWith("FIELDFLASH_GONE="));
    }

    @Test
    void aCommandThatHangsIsKilledAtItsTimeout() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> runner.run(Command.of(Duration.ofMillis(300), "sleep", "30")))
                .isInstanceOf(TimeoutException.class).hasMessageContaining("sleep");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void interruptionKillsTheCommand() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                runner.run(Command.of(Duration.ofSeconds(30), "sleep", "30"));
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        Thread.sleep(200);
        long start = System.nanoTime();
        t.interrupt();
        t.join(5000);
        assertThat(t.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        // A killed child can still be listed for a moment, until the OS has reaped it: give it a few seconds (a
        // "sleep 30" that was not killed would still be there).
        for (ProcessHandle p : ProcessHandle.current().children().filter(p -> p.info().command().orElse("").endsWith("sleep")).toList()) {
            assertThat(p.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS).isAlive()).as("sleep %d was killed", p.pid()).isFalse();
        }
    }

    @Test
    void aMissingProgramIsAnIOExceptionNamingOnlyTheProgram() {
        assertThatThrownBy(() -> runner.run(Command.of(Duration.ofSeconds(5), "fieldflash-no-such-tool", "secret-arg")))
                .isInstanceOf(IOException.class).hasMessageContaining("fieldflash-no-such-tool").hasMessageNotContaining("secret-arg");
    }

    @Test
    void installedProgramsAreFoundOnThePath() {
        assertThat(runner.isInstalled("sh")).isTrue();
        assertThat(runner.isInstalled("/bin/sh")).isTrue();
        assertThat(runner.isInstalled("fieldflash-no-such-tool")).isFalse();
    }

    @Test
    void aCommandShowsItsSecretsMasked() {
        Command c = Command.of(Duration.ofSeconds(5), "networksetup", "-setairportnetwork", "en0", "Depot WiFi", "pw").withSecretAt(4);
        assertThat(c.toString()).isEqualTo("networksetup -setairportnetwork en0 'Depot WiFi' ******");
        assertThat(c.argv()).hasSize(5);
    }
}
