package io.fieldflash.log;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * This run's log: every SLF4J line of FieldFlash goes to a file of its own in the user's folder
 * ({@code logs/fieldflash-<time>-<pid>.log}, the newest {@value #KEEP_FILES} kept) and to an in-memory
 * buffer that the wizard's log viewer shows and follows. Before {@link #startFile} is called, lines are only
 * buffered.
 */
public final class RunLog {
    /** One logged line. */
    public record Line(LocalDateTime time, String level, String logger, String message) {
        @Override
        public String toString() {
            return TIME.format(time) + " " + level + " [" + logger + "] " + message;
        }
    }

    static final int KEEP_FILES = 30;
    private static final int BUFFER = 5000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private static final ArrayDeque<Line> buffer = new ArrayDeque<>();
    private static final List<Consumer<Line>> listeners = new CopyOnWriteArrayList<>();
    private static BufferedWriter file;
    private static volatile java.io.PrintStream echo;
    private static Path filePath;

    private RunLog() {}

    /** Starts writing this run's log file under {@code logDir}; idempotent. Buffered lines are written first. */
    public static synchronized Optional<Path> startFile(Path logDir) {
        if (file != null) return Optional.of(filePath);
        try {
            Files.createDirectories(logDir);
            filePath = logDir.resolve("fieldflash-" + FILE_TIME.format(LocalDateTime.now()) + "-" + ProcessHandle.current().pid() + ".log");
            file = Files.newBufferedWriter(filePath, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            for (Line l : buffer) file.write(l + "\n");
            file.flush();
            prune(logDir);
            return Optional.of(filePath);
        } catch (IOException e) {
            file = null;
            return Optional.empty();   // logging must never stop an update
        }
    }

    /** Also prints every line to {@code stream} (e.g. the simulator's request log on standard error); null stops it. */
    public static void echoTo(java.io.PrintStream stream) {
        echo = stream;
    }

    /** The file this run logs to, once started. */
    public static synchronized Optional<Path> file() {
        return Optional.ofNullable(filePath);
    }

    /** A copy of the buffered lines, oldest first. */
    public static synchronized List<Line> lines() {
        return new ArrayList<>(buffer);
    }

    /** Calls {@code listener} for every new line, on the logging thread; returns a handle that unsubscribes. */
    public static AutoCloseable subscribe(Consumer<Line> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    static void append(String level, String logger, String message) {
        Line line = new Line(LocalDateTime.now(ZoneId.systemDefault()), level, logger, message);
        synchronized (RunLog.class) {
            if (buffer.size() == BUFFER) buffer.removeFirst();
            buffer.addLast(line);
            if (file != null) {
                try {
                    file.write(line + "\n");
                    file.flush();
                } catch (IOException e) {
                    file = null;
                }
            }
        }
        java.io.PrintStream e = echo;
        if (e != null) e.println(line);
        for (Consumer<Line> l : listeners) {
            try {
                l.accept(line);
            } catch (RuntimeException ignored) {
                // a broken viewer must not break logging
            }
        }
    }

    private static void prune(Path logDir) throws IOException {
        try (Stream<Path> s = Files.list(logDir)) {
            List<Path> logs = s.filter(p -> p.getFileName().toString().matches("fieldflash-.*\\.log")).sorted().toList();
            for (int i = 0; i < logs.size() - KEEP_FILES; i++) Files.deleteIfExists(logs.get(i));
        }
    }
}
