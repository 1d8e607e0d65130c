package io.fieldflash.device.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceSession;
import io.fieldflash.testing.RawDevice;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every exchange has one deadline for all of it, and a bounded body, whatever answers at the device's address. */
class ExchangeLimitsTest {
    static final HttpSettings QUICK = HttpSettings.DEFAULT.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1));

    private static DeviceException identify(RawDevice d) throws Exception {
        try (DeviceSession s = new HttpDevice(d.address(), "t", QUICK).open()) {
            return catchThrowableOfType(DeviceException.class, s::identify);
        }
    }

    @Test
    void aBodyTrickledAByteAtATimeEndsAtTheDeadline() throws Exception {
        try (RawDevice d = RawDevice.start((head, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (int i = 0; i < 100_000; i++) {
                out.write('{');
                out.flush();
                Thread.sleep(200);
            }
        })) {
            long t0 = System.nanoTime();
            DeviceException e = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> identify(d));
            assertThat(e).isNotNull();
            assertThat(e.reason()).isEqualTo(DeviceException.Reason.UNREACHABLE);
            assertThat(e.getMessage()).contains("no complete answer within");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void anEndlessBodyIsRefusedAtTheCapNotRead() throws Exception {
        byte[] block = new byte[64 * 1024];
        java.util.Arrays.fill(block, (byte) ' ');
        try (RawDevice d = RawDevice.start((head, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 10_000; i++) {
                out.write((Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(block);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        })) {
            DeviceException e = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> identify(d));
            assertThat(e.reason()).isEqualTo(DeviceException.Reason.PROTOCOL_ERROR);
            assertThat(e.getMessage()).contains("larger than 256 KiB");
        }
    }

    @Test
    void aStopDuringATrickledAnswerEndsTheExchangeAtOnce() throws Exception {
        try (RawDevice d = RawDevice.start((head, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(60_000);
        }); DeviceSession s = new HttpDevice(d.address(), "t", HttpSettings.DEFAULT).open()) {
            long t0 = System.nanoTime();
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                Thread caller = Thread.currentThread();
                Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException ignored) {
                        return;
                    }
                    caller.interrupt();
                });
                try {
                    s.identify();
                    throw new AssertionError("identify returned");
                } catch (InterruptedException expected) {
                    // stopped
                }
            });
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }
}
