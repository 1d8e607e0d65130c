package io.fieldflash.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image entry whose manifest (and ZIP header) declare 1 KiB but whose deflate data inflates to 1 GiB:
 * the reader must stop at the first byte past 1 KiB, with bounded memory and in a small fraction of the
 * time a full inflation takes.
 */
class ZipBombTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    /** Raw deflate data for {@code total} zero bytes, built from one sync-flushed 1 MiB piece repeated. */
    static byte[] zerosDeflated(long total) {
        int piece = 1 << 20;
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(new byte[piece]);
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) one.write(buf, 0, n);
        d.end();
        byte[] block = one.toByteArray();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (long i = 0; i < total / piece; i++) all.writeBytes(block);
        all.writeBytes(new byte[] {0x03, 0x00});   // a final, empty fixed-Huffman block
        return all.toByteArray();
    }

    @Test
    void oneKibDeclaredOneGibInflatedFailsFastWithBoundedMemory() throws Exception {
        byte[] bomb = zerosDeflated(GIB);
        byte[] declared = new byte[1024];   // what the manifest claims: 1 KiB of zeros
        TestBundle b = TestBundle.standard();
        b.images.clear();
        b.image("app", declared);
        b.omitImages.add("app");
        b.extraEntries = z -> z.deflatedBytes("images/app.bin", bomb, 1024);
        Path f = b.write(dir.resolve("bomb.fwb"));

        // Reference, in the same test: what inflating the whole entry costs.
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long inflated = inflateAll(bomb);
        long fullInflateCpu = threads.getCurrentThreadCpuTime() - cpu0;
        assertThat(inflated).isEqualTo(GIB);

        long alloc0 = threads.getCurrentThreadAllocatedBytes();
        long cpu1 = threads.getCurrentThreadCpuTime();
        assertThatThrownBy(() -> new BundleReader(TestBundle.trusting(TestBundle.VENDOR)).read(f))
                .isInstanceOfSatisfying(BundleException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReasonCode.IMAGE_SIZE_MISMATCH));
        long readerCpu = threads.getCurrentThreadCpuTime() - cpu1;
        long readerAlloc = threads.getCurrentThreadAllocatedBytes() - alloc0;

        assertThat(readerCpu).as("reader CPU ns vs full inflate %d ns", fullInflateCpu).isLessThan(fullInflateCpu / 10);
        assertThat(readerAlloc).as("bytes allocated while refusing the bomb").isLessThan(16L << 20);
    }

    private static long inflateAll(byte[] raw) throws Exception {
        Inflater inf = new Inflater(true);
        inf.setInput(raw);
        byte[] out = new byte[1 << 20];
        long total = 0;
        while (!inf.finished()) {
            int n = inf.inflate(out);
            if (n == 0 && inf.needsInput()) break;
            total += n;
        }
        inf.end();
        return total;
    }
}
