package io.fieldflash.device.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.device.ImageSource;
import io.fieldflash.device.RetryPolicy;
import io.fieldflash.device.TransferListener;
import io.fieldflash.testing.StockTusServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transfer half of fieldflash-http/1 is plain tus: FieldFlash's uploader must work against a stock tus server. */
class StockTusServerTest {
    @TempDir
    Path tmp;

    @Test
    void uploadsAMultiChunkFileByteForByteToAStockTusServer() throws Exception {
        Path file = tmp.resolve("app.bin");
        byte[] data = new byte[300_000 + 123];
        new Random(7).nextBytes(data);
        Files.write(file, data);
        Path store = Files.createDirectories(tmp.resolve("store"));
        try (StockTusServer server = StockTusServer.start(store)) {
            AtomicInteger chunks = new AtomicInteger();
            TusUploader uploader = new TusUploader(server.endpoint(), "",
                    HttpSettings.DEFAULT.withChunkSize(64 * 1024), RetryPolicy.DEFAULT);
            TusUploader.Upload up = uploader.upload(ImageSource.ofFile(file, "app"), "", new TransferListener() {
                @Override
                public void progress(long offset, long length) {
                    if (offset > 0) chunks.incrementAndGet();
                }
            });

            // @tus/file-store offers no checksum extension: the uploader saw that in OPTIONS and sent no Upload-Checksum.
            assertThat(up.checksummed()).isFalse();
            assertThat(chunks.get()).isEqualTo(5);
            assertThat(up.bytesSent()).isEqualTo(data.length);
            assertThat(Files.readAllBytes(server.storedFile(up.location()))).isEqualTo(data);

            // Resuming a finished upload sends nothing more.
            TusUploader.Upload again = uploader.upload(ImageSource.ofFile(file, "app"), up.location().toString(), TransferListener.NONE);
            assertThat(again.location()).isEqualTo(up.location());
            assertThat(again.bytesSent()).isZero();
        }
    }

    @Test
    void resumesAPartialUploadFromTheServersOffset() throws Exception {
        Path file = tmp.resolve("app.bin");
        byte[] data = new byte[200_000];
        new Random(8).nextBytes(data);
        Files.write(file, data);
        Path half = tmp.resolve("half.bin");
        Files.write(half, java.util.Arrays.copyOf(data, 100_000));
        Path store = Files.createDirectories(tmp.resolve("store"));
        try (StockTusServer server = StockTusServer.start(store)) {
            HttpSettings s = HttpSettings.DEFAULT.withChunkSize(32 * 1024).withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10));
            TusUploader uploader = new TusUploader(server.endpoint(), "", s, RetryPolicy.DEFAULT);
            // Start an upload of the full length but stop after the first 100 000 bytes (a "killed" client):
            ImageSource full = ImageSource.ofFile(file, "app");
            ImageSource stopsHalfWay = new ImageSource() {
                @Override public String name() { return "app"; }
                @Override public long size() { return full.size(); }
                @Override public String sha256() { return full.sha256(); }
                @Override public java.io.InputStream open(long offset) throws java.io.IOException {
                    if (offset >= 100_000) throw new java.io.IOException("killed");
                    java.io.InputStream in = Files.newInputStream(half);
                    in.skipNBytes(offset);
                    return in;
                }
            };
            String[] location = new String[1];
            try {
                uploader.upload(stopsHalfWay, "", TransferListener.NONE);
            } catch (java.io.IOException expected) {
                // the image "ran out" half-way
            }
            location[0] = Files.list(store).filter(p -> !p.getFileName().toString().endsWith(".json")).findFirst()
                    .map(p -> server.endpoint() + "/" + p.getFileName()).orElseThrow();

            TusUploader.Upload up = uploader.upload(full, location[0], TransferListener.NONE);
            assertThat(up.location().toString()).isEqualTo(location[0]);
            assertThat(up.resumes()).isEqualTo(1);
            assertThat(up.bytesSent()).isLessThanOrEqualTo(data.length - 96_000);
            assertThat(Files.readAllBytes(server.storedFile(up.location()))).isEqualTo(data);
        }
    }
}
