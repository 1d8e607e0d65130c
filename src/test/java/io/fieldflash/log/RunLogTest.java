package io.fieldflash.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class RunLogTest {
    @Test
    void slf4jLinesReachTheBufferTheListenersAndThisRunsFile(@TempDir Path dir) throws Exception {
        assertThat(LoggerFactory.getILoggerFactory().getClass().getName()).startsWith("io.fieldflash.log.");
        List<RunLog.Line> seen = new ArrayList<>();
        try (AutoCloseable sub = RunLog.subscribe(seen::add)) {
            LoggerFactory.getLogger("io.fieldflash.test.Before").info("before the file, {} bytes", 42);
            Path file = RunLog.startFile(dir.resolve("logs")).orElseThrow();
            LoggerFactory.getLogger("io.fieldflash.test.After").warn("after the file");
            LoggerFactory.getLogger("io.fieldflash.test.After").debug("below the level");
            String text = Files.readString(file);
            assertThat(text).contains("INFO [Before] before the file, 42 bytes").contains("WARN [After] after the file")
                    .doesNotContain("below the level");
        }
        assertThat(seen).extracting(RunLog.Line::message).containsExactly("before the file, 42 bytes", "after the file");
        assertThat(RunLog.lines()).extracting(RunLog.Line::message).contains("after the file");
    }
}
