package io.fieldflash.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile bundles found by the adversarial review (issue 7): each is a real file, crafted the way the review
 * made it, and each must be refused with a reason code, within bounded time and memory.
 */
class BundleHardeningTest {
    @TempDir
    Path dir;

    private final TrustStore trust = TestBundle.trusting(TestBundle.VENDOR);

    private Path write(TestBundle b) throws IOException {
        return b.write(Files.createTempFile(dir, "b", ".fwb"));
    }

    private VerifiedBundle read(Path file) throws BundleException {
        return new BundleReader(trust).read(file);
    }

    private static BundleException assertReason(ThrowingCallable call, ReasonCode reason) {
        BundleException[] caught = new BundleException[1];
        assertThatThrownBy(call).isInstanceOfSatisfying(BundleException.class, e -> {
            assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
            assertThat(e.hint()).isNotBlank();
            caught[0] = e;
        });
        return caught[0];
    }

    /** Reads like ChunkSender: exactly {@code size} bytes in chunks, never asking for the end of the stream. */
    private static void readLikeChunkSender(InputStream in, long size, byte[] delivered) throws IOException {
        int chunk = 1000;
        long offset = 0;
        while (offset < size) {
            int want = (int) Math.min(chunk, size - offset);
            byte[] buf = new byte[want];
            int got = in.readNBytes(buf, 0, want);
            if (got < want) throw new java.io.EOFException("short");
            System.arraycopy(buf, 0, delivered, (int) offset, got);
            offset += got;
        }
    }

    // ---- item 2: an image swapped after verification ------------------------------------------------------------

    @Nested
    class ImageRecheckedWhileSent {
        @Test
        void aSameSizeSwapFailsBeforeTheLastByteIsHandedOut() throws Exception {
            TestBundle b = TestBundle.standard();
            Path f = write(b);
            VerifiedBundle vb = read(f);
            ImageSpec app = vb.manifest().images().getFirst();
            byte[] swapped = b.images.get("app").clone();
            swapped[100] ^= 1;
            b.archiveImageOverride.put("app", swapped);
            b.write(f);   // same size, same layout, one byte different

            byte[] delivered = new byte[(int) app.size()];
            try (VerifyingInputStream in = vb.openImage(app)) {
                assertThatThrownBy(() -> readLikeChunkSender(in, app.size(), delivered))
                        .isInstanceOfSatisfying(ImageIntegrityException.class,
                                e -> assertThat(e.reason()).isEqualTo(ReasonCode.IMAGE_HASH_MISMATCH));
                assertThat(in.verifiedToEnd()).isFalse();
                // and it stays failed: no later read hands out the rest
                assertThatThrownBy(in::read).isInstanceOf(ImageIntegrityException.class);
            }
            // the last chunk (1000 bytes would have completed the image at 4096; 96 here) never arrived
            int lastChunk = (int) (app.size() % 1000 == 0 ? 1000 : app.size() % 1000);
            assertThat(Arrays.copyOfRange(delivered, delivered.length - lastChunk, delivered.length))
                    .containsOnly((byte) 0);
        }

        @Test
        void readingExactlyTheDeclaredSizeChecksTheDigestAndSaysSo() throws Exception {
            TestBundle b = TestBundle.standard();
            VerifiedBundle vb = read(write(b));
            ImageSpec app = vb.manifest().images().getFirst();
            byte[] delivered = new byte[(int) app.size()];
            try (VerifyingInputStream in = vb.openImage(app)) {
                in.readNBytes(delivered, 0, (int) app.size() - 1);
                assertThat(in.verifiedToEnd()).isFalse();
                assertThat(in.readNBytes(delivered, (int) app.size() - 1, 1)).isEqualTo(1);
                assertThat(in.verifiedToEnd()).isTrue();
                assertThat(in.read()).isEqualTo(-1);
            }
            assertThat(delivered).isEqualTo(b.images.get("app"));
            // each stream answers for itself: a later one (a resume) is unverified until it too has reached the end
            try (VerifyingInputStream in = vb.openImage(app)) {
                in.skipNBytes(app.size() - 10);
                assertThat(in.verifiedToEnd()).isFalse();
                in.readNBytes(10);
                assertThat(in.verifiedToEnd()).isTrue();
            }
        }

        @Test
        void skippingToTheEndHashesTheSkippedBytesToo() throws Exception {
            TestBundle b = TestBundle.standard();
            Path f = write(b);
            VerifiedBundle vb = read(f);
            ImageSpec app = vb.manifest().images().getFirst();
            byte[] swapped = b.images.get("app").clone();
            swapped[0] ^= 1;
            b.archiveImageOverride.put("app", swapped);
            b.write(f);
            try (VerifyingInputStream in = vb.openImage(app)) {
                assertThatThrownBy(() -> in.skipNBytes(app.size())).isInstanceOf(ImageIntegrityException.class);
                assertThat(in.verifiedToEnd()).isFalse();
            }
        }

        @Test
        void anEmptyImageIsCheckedAtItsFirstRead() throws Exception {
            TestBundle b = TestBundle.standard();
            b.images.clear();
            b.image("app", new byte[0]);
            VerifiedBundle vb = read(write(b));
            try (VerifyingInputStream in = vb.openImage(vb.manifest().images().getFirst())) {
                assertThat(in.verifiedToEnd()).isFalse();
                assertThat(in.read(new byte[8])).isEqualTo(-1);
                assertThat(in.verifiedToEnd()).isTrue();
            }
        }
    }

    // ---- item 4: the central directory limits, ZIP64 and decoy end records ----------------------------------------

    @Nested
    class EndRecords {
        /** 40 entries with 64 KiB comments: a 2.6 MB central directory, over the 1 MiB limit. */
        private void bigCentralDirectory(RawZip z) {
            for (int i = 0; i < 40; i++) z.storedWithComment("images/c" + i + ".bin", new byte[1], new byte[65000]);
        }

        private void assertRefusedCheaply(Path f, String messagePart) {
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            BundleException e = assertReason(() -> read(f), ReasonCode.BAD_ARCHIVE);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(e.getMessage()).containsIgnoringCase(messagePart);
            assertThat(allocated).as("bytes allocated before refusing (the central directory is 2.6 MB)").isLessThan(1L << 20);
        }

        @Test
        void zip64MarkersDoNotSkipTheCentralDirectoryLimit() throws Exception {
            TestBundle b = TestBundle.standard();
            b.extraEntries = z -> {
                bigCentralDirectory(z);
                z.zip64 = true;
            };
            assertRefusedCheaply(write(b), "central directory");
        }

        @Test
        void aDecoyEndRecordInTheCommentIsRefused() throws Exception {
            TestBundle b = TestBundle.standard();
            b.extraEntries = z -> {
                bigCentralDirectory(z);
                byte[] decoy = RawZip.decoyEndRecord();
                z.comment = Arrays.copyOf(decoy, decoy.length + 5);   // the JDK passes over it, to the real one
            };
            assertRefusedCheaply(write(b), "end record");
        }

        @Test
        void bytesAfterTheEndRecordAreRefused() throws Exception {
            TestBundle b = TestBundle.standard();
            b.extraEntries = z -> z.trailer = new byte[] {1, 2, 3};
            assertReason(() -> read(write(b)), ReasonCode.BAD_ARCHIVE);
        }

        @Test
        void zip64MarkersWithoutAZip64RecordAreRefused() throws Exception {
            Path f = write(TestBundle.standard());
            byte[] all = Files.readAllBytes(f);
            int end = all.length - 22;
            all[end + 10] = (byte) 0xff;   // total entries: 0xFFFF
            all[end + 11] = (byte) 0xff;
            all[end + 8] = (byte) 0xff;    // entries on this disk: 0xFFFF
            all[end + 9] = (byte) 0xff;
            Files.write(f, all);
            assertReason(() -> read(f), ReasonCode.BAD_ARCHIVE);
        }

        @Test
        void aZip64RecordClaimingTooManyEntriesIsRefused() throws Exception {
            Path f = write(TestBundle.standard());
            TestBundle b = TestBundle.standard();
            b.extraEntries = z -> z.zip64 = true;
            b.write(f);
            byte[] all = Files.readAllBytes(f);
            int end64 = all.length - 22 - 20 - 56;
            java.nio.ByteBuffer.wrap(all).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putLong(end64 + 24, 100_000).putLong(end64 + 32, 100_000);
            Files.write(f, all);
            assertThat(assertReason(() -> read(f), ReasonCode.BAD_ARCHIVE).getMessage()).contains("100000 entries");
        }

        @Test
        void anEntryHiddenBetweenListedEntriesIsRefused() throws Exception {
            // The JDK reads only the central directory; a streaming extractor would also write "../../evil.sh".
            TestBundle b = TestBundle.standard();
            b.omitImages.add("app");
            b.extraEntries = z -> z.hidden("../../evil.sh", new byte[] {'x'}).stored("images/app.bin", b.images.get("app"));
            assertThat(assertReason(() -> read(write(b)), ReasonCode.BAD_ARCHIVE).getMessage()).contains("no entry owns");
        }

        @Test
        void overlappingEntriesAreRefused() throws Exception {
            Path f = write(TestBundle.standard());
            byte[] all = Files.readAllBytes(f);
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(all).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            int cd = buf.getInt(all.length - 22 + 16);
            // the second central directory entry (signatures.json) points at the first local header
            int second = cd + 46 + buf.getShort(cd + 28) + buf.getShort(cd + 30) + buf.getShort(cd + 32);
            buf.putInt(second + 42, 0);
            Files.write(f, all);
            assertReason(() -> read(f), ReasonCode.BAD_ARCHIVE);
        }

        @Test
        void aGenuineZip64BundleAndAnArchiveCommentStillVerify() throws Exception {
            TestBundle b = TestBundle.standard();
            b.extraEntries = z -> z.zip64 = true;
            assertThat(read(write(b)).manifest().product()).isEqualTo("crossing-controller");
            TestBundle c = TestBundle.standard();
            c.extraEntries = z -> z.comment = "made by acme-pipeline 4.1".getBytes(StandardCharsets.UTF_8);
            assertThat(read(write(c)).manifest().product()).isEqualTo("crossing-controller");
        }

        @Test
        void theJdkWriterOutputStillVerifies() throws Exception {
            // BundleWriter uses ZipOutputStream (data descriptors for deflated entries).
            Path img = Files.write(dir.resolve("app.bin"), TestBundle.random(70_000, 5));
            byte[] template = """
                    {"vendor": "Acme", "product": "crossing-controller", "hardware": ["ccx-rev-b"],
                     "version": "3.0.0", "securityCounter": 9, "expires": "2099-01-01T00:00:00Z", "images": [{"name": "app"}]}
                    """.getBytes(StandardCharsets.UTF_8);
            Path out = dir.resolve("w.fwb");
            BundleWriter.create(template, java.util.Map.of("app", img), List.of(TestBundle.VENDOR), out, BundleWriter.Compression.DEFLATE);
            assertThat(read(out).manifest().version()).isEqualTo("3.0.0");
        }
    }

    // ---- item 8: a long version string ---------------------------------------------------------------------------

    @Test
    void aLongVersionIsRefusedWithoutOverflowingTheStack() throws Exception {
        TestBundle b = TestBundle.standard();
        b.manifest.put("version", "1.0.0-" + "a.".repeat(1000) + "a");
        Path f = write(b);
        BundleException e = assertReason(() -> read(f), ReasonCode.BAD_MANIFEST);
        assertThat(e.getMessage()).contains("version").hasSizeLessThan(400);
    }

    @Test
    void semVerParserAgreesWithTheSemVerOrgGrammar() {
        List<String> valid = List.of("0.0.4", "1.2.3", "10.20.30", "1.1.2-prerelease+meta", "1.1.2+meta", "1.1.2+meta-valid",
                "1.0.0-alpha", "1.0.0-beta", "1.0.0-alpha.beta", "1.0.0-alpha.beta.1", "1.0.0-alpha.1", "1.0.0-alpha0.valid",
                "1.0.0-alpha.0valid", "1.0.0-alpha-a.b-c-somethinglong+build.1-aef.1-its-okay", "1.0.0-rc.1+build.1",
                "2.0.0-rc.1+build.123", "1.2.3-beta", "10.2.3-DEV-SNAPSHOT", "1.2.3-SNAPSHOT-123", "1.0.0", "2.0.0",
                "1.1.7", "2.0.0+build.1848", "2.0.1-alpha.1227", "1.0.0-alpha+beta", "1.2.3----RC-SNAPSHOT.12.9.1--.12+788",
                "1.2.3----R-S.12.9.1--.12+meta", "1.2.3----RC-SNAPSHOT.12.9.1--.12", "1.0.0+0.build.1-rc.10000aaa-kk-0.1",
                "99999999999999999999999.999999999999999999.99999999999999999", "1.0.0-0A.is.legal", "1.0.0-0", "1.0.0+01");
        List<String> invalid = List.of("", "1", "1.2", "1.2.3-0123", "1.2.3-0123.0123", "1.1.2+.123", "+invalid", "-invalid",
                "-invalid+invalid", "-invalid.01", "alpha", "alpha.beta", "alpha.beta.1", "alpha.1", "alpha+beta",
                "alpha_beta", "alpha.", "alpha..", "beta", "1.0.0-alpha_beta", "-alpha.", "1.0.0-alpha..", "1.0.0-alpha..1",
                "1.0.0-alpha...1", "1.0.0-alpha....1", "1.0.0-alpha.....1", "1.0.0-alpha......1", "1.0.0-alpha.......1",
                "01.1.1", "1.01.1", "1.1.01", "1.2.3.DEV", "1.2-SNAPSHOT", "1.2.31.2.3----RC-SNAPSHOT.12.09.1--..12+788",
                "1.2-RC-SNAPSHOT", "-1.0.3-gamma+b7718", "+justmeta", "9.8.7+meta+meta", "9.8.7-whatever+meta+meta",
                "1.0.0-", "1.0.0+", "1.0.0-a+", "1.0.0 ", " 1.0.0", "1.0.0\n", "1.٣.0", "1.0.0-é", "1.0.0-a.", "1.0.0+a..b");
        for (String v : valid) assertThat(SemVer.isValid(v)).as(v).isTrue();
        for (String v : invalid) assertThat(SemVer.isValid(v)).as(v).isFalse();
        assertThat(SemVer.parse("1.2.3-rc.1+b.5")).satisfies(s -> {
            assertThat(s.preRelease()).containsExactly("rc", "1");
            assertThat(s.build()).isEqualTo("b.5");
            assertThat(s.patch()).isEqualTo(java.math.BigInteger.valueOf(3));
        });
        assertThat(SemVer.parse("1.0.0-alpha")).isLessThan(SemVer.parse("1.0.0-alpha.1"));
        assertThat(SemVer.parse("1.0.0-rc.1")).isLessThan(SemVer.parse("1.0.0"));
        String longest = "1.0.0-" + "a".repeat(SemVer.MAX_LENGTH - 6);
        assertThat(SemVer.isValid(longest)).isTrue();
        assertThat(SemVer.isValid(longest + "a")).isFalse();
        assertThatThrownBy(() -> SemVer.parse("1.0.0-" + "a.".repeat(5000))).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
    }

    // ---- item 10: image sizes -----------------------------------------------------------------------------------

    @Test
    void anImageSizeOfLongMaxValueIsRefusedNotAHang() throws Exception {
        // The manifest and the archive's ZIP64 size field agree on Long.MAX_VALUE: only the manifest cap stops it.
        TestBundle b = TestBundle.standard();
        byte[] data = b.images.get("app");
        b.manifest.putArray("images").addObject().put("name", "app").put("file", "images/app.bin")
                .put("size", Long.MAX_VALUE).put("sha256", TestBundle.sha256(data));
        b.omitImages.add("app");
        b.extraEntries = z -> z.storedDeclaring("images/app.bin", data, Long.MAX_VALUE);
        Path f = write(b);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(() -> read(f))
                .isInstanceOfSatisfying(BundleException.class, e -> assertThat(e.getMessage()).containsIgnoringCase("size")));
    }

    @Test
    void theSizeCapIsFourGibPerImage() throws Exception {
        for (long size : new long[] {ImageSpec.MAX_SIZE, ImageSpec.MAX_SIZE + 1}) {
            TestBundle b = TestBundle.standard();
            b.manifest.putArray("images").addObject().put("name", "app").put("file", "images/app.bin")
                    .put("size", size).put("sha256", "00".repeat(32));
            byte[] m = b.manifestBytes();
            if (size == ImageSpec.MAX_SIZE) assertThat(Manifest.parse(m).images().getFirst().size()).isEqualTo(1L << 32);
            else assertReason(() -> Manifest.parse(m), ReasonCode.BAD_MANIFEST);
        }
    }

    @Test
    void anUnderlyingStreamThatReadsNothingIsAnErrorNotALoop() {
        ImageSpec spec = new ImageSpec("app", "images/app.bin", 10, "00".repeat(32), -1);
        InputStream stuck = new InputStream() {
            @Override public int read() { return 0; }
            @Override public int read(byte[] b, int off, int len) { return 0; }
        };
        VerifyingInputStream in = new VerifyingInputStream(stuck, spec, () -> {});
        assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                assertThatThrownBy(() -> in.readNBytes(10)).isInstanceOf(IOException.class));
    }

    // ---- item 12: strict UTF-8 and local header names -----------------------------------------------------------

    @Nested
    class StrictUtf8 {
        private Path signedAs(UnaryOperator<byte[]> encode) throws IOException {
            TestBundle b = TestBundle.standard();
            b.beforeSigning = encode;
            return write(b);
        }

        @Test
        void utf16AndUtf32ManifestsAreRefused() throws Exception {
            for (Charset cs : List.of(StandardCharsets.UTF_16, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE,
                    Charset.forName("UTF-32"), Charset.forName("UTF-32LE"))) {
                Path f = signedAs(m -> new String(m, StandardCharsets.UTF_8).getBytes(cs));
                assertReason(() -> read(f), ReasonCode.BAD_MANIFEST);
            }
        }

        @Test
        void anOverlongEncodingIsRefused() throws Exception {
            // "bar\xC0\xADproduct": a lenient decoder reads C0 AD as '-', i.e. "bar-product".
            TestBundle b = TestBundle.standard();
            b.manifest.put("product", "bar@product");
            b.beforeSigning = m -> {
                String s = new String(m, StandardCharsets.UTF_8);
                int at = s.indexOf("bar@product") + 3;
                byte[] head = s.substring(0, at).getBytes(StandardCharsets.UTF_8);
                byte[] tail = s.substring(at + 1).getBytes(StandardCharsets.UTF_8);
                byte[] out = Arrays.copyOf(head, head.length + 2 + tail.length);
                out[head.length] = (byte) 0xC0;
                out[head.length + 1] = (byte) 0xAD;
                System.arraycopy(tail, 0, out, head.length + 2, tail.length);
                return out;
            };
            Path f = write(b);
            BundleException e = assertReason(() -> read(f), ReasonCode.BAD_MANIFEST);
            assertThat(e.getMessage()).contains("UTF-8");
        }

        @Test
        void aByteOrderMarkIsRefused() throws Exception {
            Path f = signedAs(m -> {
                byte[] out = new byte[m.length + 3];
                out[0] = (byte) 0xEF;
                out[1] = (byte) 0xBB;
                out[2] = (byte) 0xBF;
                System.arraycopy(m, 0, out, 3, m.length);
                return out;
            });
            assertThat(assertReason(() -> read(f), ReasonCode.BAD_MANIFEST).getMessage()).contains("byte order mark");
        }

        @Test
        void signaturesJsonMustBeUtf8Too() throws Exception {
            TestBundle b = TestBundle.standard();
            b.writeSignatures = false;
            byte[] m = b.manifestBytes();
            byte[] s = new String(TestBundle.signatures(m, b.signers), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16);
            b.extraEntries = z -> z.stored("signatures.json", s);
            assertReason(() -> read(write(b)), ReasonCode.BAD_MANIFEST);
        }

        @Test
        void aLocalHeaderNameThatDiffersFromTheCentralDirectoryIsRefused() throws Exception {
            TestBundle b = TestBundle.standard();
            b.omitImages.add("app");
            b.extraEntries = z -> z.storedWithLocalName("images/app.bin", "../../etc/app", b.images.get("app"));
            BundleException e = assertReason(() -> read(write(b)), ReasonCode.UNSAFE_PATH);
            assertThat(e.getMessage()).contains("local header");
        }
    }

    @Test
    void verifiedImageStreamOverPlainBytesChecksAtTheEnd() throws Exception {
        byte[] data = TestBundle.random(100, 9);
        ImageSpec spec = new ImageSpec("app", "images/app.bin", 100, TestBundle.sha256(data), -1);
        VerifyingInputStream ok = new VerifyingInputStream(new ByteArrayInputStream(data), spec, () -> {});
        assertThat(ok.readNBytes(100)).isEqualTo(data);
        assertThat(ok.verifiedToEnd()).isTrue();
        byte[] longer = Arrays.copyOf(data, 101);
        VerifyingInputStream tooLong = new VerifyingInputStream(new ByteArrayInputStream(longer), spec, () -> {});
        assertThatThrownBy(() -> tooLong.readNBytes(100)).isInstanceOfSatisfying(ImageIntegrityException.class,
                e -> assertThat(e.reason()).isEqualTo(ReasonCode.IMAGE_SIZE_MISMATCH));
    }
}
