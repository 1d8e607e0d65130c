package io.fieldflash.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.fuzz.Fuzz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated {@code PUT /settings} bodies through the simulator's settings: each is refused as malformed (400), refused
 * with the setting named (422, nothing written), or applied whole; the values held stay inside the schema's limits,
 * survive a reload from disk, and the password never appears in an answer.
 */
class SimSettingsFuzzTest {
    @TempDir
    Path dir;

    @Test
    void everyBodyIsRefusedOrAppliedWhole() throws Exception {
        Disk disk = new Disk(new Disk.Meter(FaultSpec.none(), new AtomicLong(), () -> {}));
        SimSettings settings = SimSettings.load(dir, disk, "3b0021001747353236343033");
        List<byte[]> seeds = Fuzz.dictionary("{\"values\":{\"gateDownDelay\":12,\"ntpServer\":\"ntp.example.net\"}}",
                "{\"values\":{\"apPassword\":\"gate;keeper 2026\",\"maintenanceMode\":true,\"timeZone\":\"Europe/Berlin\"}}",
                "{\"values\":{\"serialNumber\":\"X\"}}", "{\"values\":{}}", "[]", "");
        List<byte[]> dictionary = Fuzz.dictionary("\"gateUpDelay\":", "\"siteName\":\"", "\"apPassword\":\"", "\"ntpServer\":\"",
                "\"timeZone\":\"UTC\"", "\"maintenanceMode\":", "99999999999999999999", "-1", "3", "30", "1.5", "null", "true",
                "\\u0000", "\\u202e", "\\ud800", "..", "-a.b", "{", "}", ",");
        int tried = Fuzz.run("sim-settings-put", 0x5E7F00DL, seeds, dictionary, new Fuzz.Limits(Duration.ofSeconds(3), 64L << 20), input -> {
            String before = settings.toJson().toString();
            try {
                settings.apply(SimSettings.parse(input));
            } catch (IllegalArgumentException e) {
                assertThat(settings.toJson().toString()).isEqualTo(before);
                return;
            } catch (SimSettings.Refused e) {
                assertThat(e.field).isNotNull();
                assertThat(settings.toJson().toString()).as("a refused change changes nothing").isEqualTo(before);
                return;
            }
            JsonNode now = settings.toJson();
            assertThat(now.at("/values/gateDownDelay").asLong()).isBetween(3L, 30L);
            assertThat(now.at("/values/gateUpDelay").asLong()).isBetween(1L, 20L);
            assertThat(now.at("/values/apPassword").isNull()).isTrue();
            assertThat(SimSettings.hostName(now.at("/values/ntpServer").asText())).isTrue();
            assertThat(SimSettings.load(dir, disk, "3b0021001747353236343033").toJson()).isEqualTo(now);
        });
        assertThat(tried).isGreaterThan(seeds.size());
        assertThat(Files.exists(dir.resolve(SimSettings.FILE))).isTrue();
    }
}
