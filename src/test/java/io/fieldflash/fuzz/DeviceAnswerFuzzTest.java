package io.fieldflash.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.device.ChunkSender;
import io.fieldflash.device.ChunkedTransfer;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceSession;
import io.fieldflash.device.ImageSource;
import io.fieldflash.device.ImageTransfer;
import io.fieldflash.device.InstallRequest;
import io.fieldflash.device.RetryPolicy;
import io.fieldflash.device.TransferControl;
import io.fieldflash.device.TransferListener;
import io.fieldflash.device.http.HttpDevice;
import io.fieldflash.device.http.HttpSettings;
import io.fieldflash.device.http.TusUploader;
import io.fieldflash.testing.RawDevice;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every answer the client parses, as raw bytes on a loopback socket (status line, headers and body): {@code /info},
 * the tus answers (OPTIONS, POST, HEAD, PATCH, DELETE), install, reboot and confirm. Whatever the bytes, the client
 * ends with its answer or a typed {@link DeviceException}, in bounded time and memory.
 *
 * <p>An input is {@code KIND\n} followed by the answers to the exchange's requests in order, separated by
 * {@value #SEP}; KIND picks the client operation (see {@link #operate}).
 */
class DeviceAnswerFuzzTest {
    static final String SEP = "\n#--\n";
    static final HttpSettings QUICK = HttpSettings.DEFAULT.withTimeouts(Duration.ofMillis(500), Duration.ofMillis(800)).withChunkSize(512);
    static final RetryPolicy ONCE = new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(2), 1, 0);
    static final byte[] IMAGE = new byte[1000];
    static final String IMAGE_SHA = io.fieldflash.AtomicFile.sha256Hex(IMAGE);

    static final AtomicReference<List<byte[]>> answers = new AtomicReference<>(List.of());
    static final AtomicInteger served = new AtomicInteger();
    static RawDevice device;

    @BeforeAll
    static void start() throws Exception {
        device = RawDevice.start((head, out) -> {
            List<byte[]> a = answers.get();
            if (a.isEmpty()) return;
            out.write(a.get(Math.min(served.getAndIncrement(), a.size() - 1)));
        });
    }

    @AfterAll
    static void stop() {
        device.close();
    }

    static final String INFO_BODY = """
            {"protocol":"fieldflash-http/1","product":"crossing-controller","hardware":"ccx-rev-b","deviceId":"3b00",
             "firmware":{"version":"2.4.0","securityCounter":6,"trial":false,"manifestSha256":"%s"},"settings":true,
             "maxImageSize":4194304,"maxChunkSize":65536,"upload":%s}""";

    static String http(String status, String headers, String body) {
        return "HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\nConnection: close\r\n\r\n" + body;
    }

    static String info(String upload) {
        return http("200 OK", "Content-Type: application/json\r\n", INFO_BODY.formatted("ab".repeat(32), upload));
    }

    static byte[] seed(int kind, String... responses) {
        return (kind + "\n" + String.join(SEP, responses)).getBytes(StandardCharsets.UTF_8);
    }

    static List<byte[]> seeds() {
        String tus = "Tus-Resumable: 1.0.0\r\n";
        String created = http("201 Created", tus + "Location: /fieldflash/v1/uploads/u1\r\n", "");
        String patched = http("204 No Content", tus + "Upload-Offset: 1000\r\n", "");
        List<byte[]> s = new ArrayList<>();
        s.add(seed(0, info("null")));
        s.add(seed(0, info("{\"location\":\"/fieldflash/v1/uploads/u1\",\"offset\":10,\"length\":1000,\"image\":\"app\",\"sha256\":null}")));
        s.add(seed(0, http("423 Locked", "Retry-After: 9223372036854775807\r\n", "")));
        s.add(seed(1, http("404 Not Found", tus, "")));
        s.add(seed(2, http("202 Accepted", "Content-Type: application/json\r\n", "{\"state\":\"rebooting\"}")));
        s.add(seed(3, http("200 OK", "Content-Type: application/json\r\n", "{\"state\":\"confirmed\",\"version\":\"2.5.0\"}")));
        s.add(seed(4, info("null"), created, patched,
                http("422 Unprocessable Entity", "Content-Type: application/json\r\n", "{\"error\":\"HASH_MISMATCH\"}"), http("204 No Content", tus, "")));
        s.add(seed(4, info("{\"location\":\"/fieldflash/v1/uploads/u1\",\"offset\":500,\"length\":1000,\"image\":\"app\",\"sha256\":\"" + IMAGE_SHA + "\"}"),
                http("200 OK", tus + "Upload-Offset: 500\r\nUpload-Length: 1000\r\n", ""), patched, http("200 OK", "", "{\"state\":\"pending-reboot\"}")));
        s.add(seed(5, http("204 No Content", tus + "Tus-Version: 1.0.0\r\nTus-Extension: creation,checksum\r\nTus-Checksum-Algorithm: sha256\r\nTus-Max-Size: 5000\r\n", ""),
                created, http("460 Checksum Mismatch", tus, ""), http("200 OK", tus + "Upload-Offset: 0\r\nUpload-Length: 1000\r\n", ""), patched));
        s.add(seed(5, http("204 No Content", tus + "Tus-Version: 1.0.0\r\nTus-Extension: creation\r\n", ""),
                http("201 Created", tus + "Location: http://127.0.0.2:1/elsewhere\r\n", "")));
        s.add(seed(0, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffff\r\n{"));
        return s;
    }

    static List<byte[]> split(byte[] input) {
        byte[] sep = SEP.getBytes(StandardCharsets.UTF_8);
        List<byte[]> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i + sep.length <= input.length; i++) {
            if (Arrays.equals(input, i, i + sep.length, sep, 0, sep.length)) {
                parts.add(Arrays.copyOfRange(input, start, i));
                start = i + sep.length;
                i = start - 1;
            }
        }
        parts.add(Arrays.copyOfRange(input, start, input.length));
        return parts;
    }

    static final ImageSource IMAGE_SOURCE = new ImageSource() {
        @Override public String name() { return "app"; }
        @Override public long size() { return IMAGE.length; }
        @Override public String sha256() { return IMAGE_SHA; }
        @Override public InputStream open(long offset) {
            return new ByteArrayInputStream(IMAGE, (int) offset, IMAGE.length - (int) offset);
        }
    };

    /** Runs the client operation {@code kind} against the device. */
    static void operate(int kind) throws Exception {
        if (kind == 5) {
            new TusUploader(URI.create(device.address() + "/files"), "", QUICK, ONCE).upload(IMAGE_SOURCE, "", TransferListener.NONE);
            return;
        }
        try (DeviceSession s = new HttpDevice(device.address(), "token", QUICK).open()) {
            switch (kind) {
                case 0 -> s.identify();
                case 1 -> s.checkAccess();
                case 2 -> s.reboot();
                case 3 -> s.confirm();
                default -> {
                    ImageTransfer t = s.openTransfer(IMAGE_SOURCE, "");
                    if (t instanceof ChunkedTransfer ct) {
                        new ChunkSender(ONCE, TransferControl.NONE, TransferListener.NONE, RandomGenerator.of("L64X128MixRandom")).send(ct);
                    }
                    s.install(t, new InstallRequest("app", IMAGE_SHA, new byte[10], new byte[10]));
                }
            }
        }
    }

    @Test
    void everyAnswerEndsInAResultOrATypedRefusal() {
        int[] outcomes = new int[2];
        int n = Fuzz.run("device-answers", 20261201L, seeds(), Fuzz.dictionary(
                        "HTTP/1.1 ", "\r\n", "Content-Length: ", "Transfer-Encoding: chunked\r\n", "Upload-Offset: ",
                        "Upload-Length: ", "Location: ", "Retry-After: ", "-1", "9223372036854775808", "null", "\"upload\":",
                        "\"sha256\":", "\"manifestSha256\":", "\u001b[2J", "\u202e", "http://127.0.0.2:9/", "//evil/", "1e400", "{}", "[]"),
                new Fuzz.Limits(Duration.ofSeconds(8), 256L << 20), input -> {
                    List<byte[]> parts = split(input);
                    byte[] first = parts.getFirst();
                    int nl = 0;
                    while (nl < first.length && first[nl] != '\n') nl++;
                    int kind = nl == 0 ? 0 : Math.floorMod(first[0] - '0', 6);
                    parts.set(0, Arrays.copyOfRange(first, Math.min(first.length, nl + 1), first.length));
                    answers.set(parts);
                    served.set(0);
                    try {
                        operate(kind);
                        outcomes[0]++;
                    } catch (DeviceException e) {
                        assertThat(e.getMessage()).isNotBlank().doesNotContain("\u001b").doesNotContain("\u202e");
                        outcomes[1]++;
                    }
                });
        System.out.printf("device-answers: %d inputs, %d answered, %d refused with a DeviceException%n", n, outcomes[0], outcomes[1]);
        assertThat(outcomes[1]).isPositive();
    }
}
