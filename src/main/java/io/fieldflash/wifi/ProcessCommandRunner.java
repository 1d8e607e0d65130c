package io.fieldflash.wifi;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands as child processes: argv is handed to the OS as is (no shell), standard input is closed,
 * standard output and error are read concurrently (each capped at 4 MiB), and the process and its
 * children are killed on timeout or interruption.
 */
public final class ProcessCommandRunner implements CommandRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessCommandRunner.class);
    private static final int MAX_OUTPUT = 4 << 20;
    private static final long READER_GRACE_MS = 1000;

    private final Map<String, String> environment;
    private final Set<String> removedEnvironment;
    private final Charset charset;

    /**
     * @param environment        variables to set for every command
     * @param removedEnvironment variables to remove for every command
     * @param charset            how the tools encode their output
     */
    public ProcessCommandRunner(Map<String, String> environment, Set<String> removedEnvironment, Charset charset) {
        this.environment = Map.copyOf(environment);
        this.removedEnvironment = Set.copyOf(removedEnvironment);
        this.charset = charset;
    }

    /**
     * The runner for this machine. On Linux the tools are made to speak untranslated English in UTF-8
     * ({@code LC_ALL=C.UTF-8}, {@code LANGUAGE} removed), because FieldFlash recognises nmcli's error texts;
     * on Windows netsh's output is read in the console's code page.
     */
    public static ProcessCommandRunner forCurrentOs() {
        return switch (Os.current()) {
            case LINUX -> new ProcessCommandRunner(Map.of("LC_ALL", "C.UTF-8"), Set.of("LANGUAGE"), StandardCharsets.UTF_8);
            case WINDOWS -> new ProcessCommandRunner(Map.of(), Set.of(), windowsConsoleCharset());
            case MACOS, OTHER -> new ProcessCommandRunner(Map.of(), Set.of(), StandardCharsets.UTF_8);
        };
    }

    @Override
    public CommandResult run(Command command) throws IOException, TimeoutException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command.argv());
        Map<String, String> env = pb.environment();
        removedEnvironment.forEach(env::remove);
        env.putAll(environment);
        long started = System.nanoTime();
        LOG.debug("running {}", command);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IOException(command.program() + " could not be started: " + e.getMessage(), e);
        }
        try {
            process.getOutputStream().close();
            Collector out = Collector.start(process.getInputStream(), command.program() + "-stdout");
            Collector err = Collector.start(process.getErrorStream(), command.program() + "-stderr");
            if (!process.waitFor(command.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                kill(process);
                throw new TimeoutException(command.program() + " did not finish within "
                        + command.timeout().toSeconds() + " s");
            }
            CommandResult result = new CommandResult(process.exitValue(), out.text(charset), err.text(charset));
            LOG.debug("{} exited with {} after {} ms", command.program(), result.exitCode(),
                    (System.nanoTime() - started) / 1_000_000);
            return result;
        } catch (InterruptedException e) {
            kill(process);
            throw e;
        } finally {
            if (process.isAlive()) kill(process);
        }
    }

    @Override
    public boolean isInstalled(String program) {
        try {
            if (program.contains("/") || program.contains(File.separator)) return isExecutable(Path.of(program));
            String path = System.getenv("PATH");
            if (path == null) return false;
            List<String> names = new ArrayList<>(List.of(program));
            if (Os.current() == Os.WINDOWS) {
                String pathext = System.getenv().getOrDefault("PATHEXT", ".COM;.EXE;.BAT;.CMD");
                for (String ext : pathext.split(";")) {
                    if (!ext.isBlank()) names.add(program + ext.toLowerCase(Locale.ROOT));
                }
            }
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isBlank()) continue;
                for (String name : names) {
                    if (isExecutable(Path.of(dir, name))) return true;
                }
            }
            return false;
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static boolean isExecutable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static Charset windowsConsoleCharset() {
        // stdout.encoding is the console's code page when FieldFlash has a console, else the ANSI code page.
        String name = System.getProperty("stdout.encoding", System.getProperty("native.encoding", "UTF-8"));
        try {
            return Charset.forName(name);
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** Reads one stream on a virtual thread, keeping at most {@link #MAX_OUTPUT} bytes. */
    private static final class Collector implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Thread thread;

        private Collector(InputStream in) {
            this.in = in;
        }

        static Collector start(InputStream in, String name) {
            Collector c = new Collector(in);
            c.thread = Thread.ofVirtual().name(name).start(c);
            return c;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (bytes) {
                        int room = MAX_OUTPUT - bytes.size();
                        if (room > 0) bytes.write(buf, 0, Math.min(n, room));
                    }
                }
            } catch (IOException e) {
                // the process was killed or closed its end: keep what arrived
            }
        }

        /** What was read; waits briefly for the reader (a grandchild may hold the pipe open). */
        String text(Charset charset) throws InterruptedException {
            if (!thread.join(java.time.Duration.ofMillis(READER_GRACE_MS))) {
                try {
                    in.close();
                } catch (IOException e) {
                    // nothing more to read then
                }
            }
            synchronized (bytes) {
                return bytes.toString(charset);
            }
        }
    }
}
