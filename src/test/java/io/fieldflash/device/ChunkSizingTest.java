package io.fieldflash.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChunkSizingTest {
    private static final int MIN = 64 * 1024, MAX = 1024 * 1024;

    private static long ms(long ms) {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }

    @Test
    void aFastFullChunkDoublesUpToTheDevicesMaximum() {
        assertThat(ChunkSender.nextChunk(MIN, MIN, ms(40), MIN, MAX)).isEqualTo(2 * MIN);
        assertThat(ChunkSender.nextChunk(MAX / 2 + 1, MAX / 2 + 1, ms(40), MIN, MAX)).isEqualTo(MAX);
        assertThat(ChunkSender.nextChunk(MAX, MAX, ms(40), MIN, MAX)).isEqualTo(MAX);
    }

    @Test
    void aShortTailOrAChunkNearTheTargetTimeKeepsTheSize() {
        assertThat(ChunkSender.nextChunk(4 * MIN, 1000, ms(5), MIN, MAX)).isEqualTo(4 * MIN);   // the tail of a resent chunk
        assertThat(ChunkSender.nextChunk(4 * MIN, 4 * MIN, ms(900), MIN, MAX)).isEqualTo(4 * MIN);
    }

    @Test
    void aSlowChunkHalvesDownToTheMinimum() {
        assertThat(ChunkSender.nextChunk(8 * MIN, 8 * MIN, ms(2500), MIN, MAX)).isEqualTo(4 * MIN);
        assertThat(ChunkSender.nextChunk(MIN, MIN, ms(9000), MIN, MAX)).isEqualTo(MIN);
    }
}
