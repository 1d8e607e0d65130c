package io.fieldflash.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Two pseudo-terminals joined by socat, as a null-modem cable: what is written to {@link #a()} comes out of
 * {@link #b()} and back. A fresh pair per test: a pty that jSerialComm has closed is not reusable as it is.
 */
public final class PtyPair implements AutoCloseable {
    private final Process socat;
    private final Path a;
    private final Path b;

    private PtyPair(Process socat, Path a, Path b) {
        this.socat = socat;
        this.a = a;
        this.b = b;
    }

    /** Starts socat with the two links in {@code dir}; skips (or in CI fails) the test when socat is missing. */
    public static PtyPair open(Path dir) throws IOException, InterruptedException {
        Path socatBin = Tools.need("socat");
        Path a = dir.resolve("ttyA");
        Path b = dir.resolve("ttyB");
        Process p = new ProcessBuilder(socatBin.toString(), "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
                .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(a) && Files.exists(b))) {
            if (!p.isAlive()) throw new IOException("socat ended: " + Files.readString(dir.resolve("socat.log")));
            if (System.nanoTime() - deadline > 0) {
                p.destroyForcibly();
                throw new IOException("socat made no ptys within 10 s");
            }
            Thread.sleep(20);
        }
        return new PtyPair(p, a, b);
    }

    /** The host's end (FieldFlash, esptool). */
    public String a() {
        return a.toString();
    }

    /** The unit's end (the simulator). */
    public String b() {
        return b.toString();
    }

    /** Pulls the cable: socat ends, both ptys go away. */
    @Override
    public void close() throws InterruptedException {
        socat.destroy();
        if (!socat.waitFor(5, TimeUnit.SECONDS)) socat.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
}
