package io.fieldflash.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;

/**
 * The stock tus server of src/test/tus-server ({@code @tus/server} + {@code @tus/file-store}) in a node process on
 * 127.0.0.1. Installs its npm packages first (npm ci) when they are missing.
 */
public final class StockTusServer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private StockTusServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static StockTusServer start(Path storeDir) throws IOException, InterruptedException {
        Path node = Tools.need("node");
        Tools.need("npm");
        Path serverDir = Tools.projectDir().resolve("src/test/tus-server");
        install(serverDir);
        Process p = new ProcessBuilder(node.toString(), "server.mjs", "0", storeDir.toString())
                .directory(serverDir.toFile()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line;
        try {
            line = first.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new AssertionError("the stock tus server did not start within 30 s", e);
        }
        if (line == null || !line.startsWith("listening ")) {
            p.destroyForcibly();
            Assertions.fail("the stock tus server did not start: " + line);
        }
        Thread.ofVirtual().start(() -> {      // keep its output flowing
            try {
                while (out.readLine() != null) { /* discard */ }
            } catch (IOException ignored) {
                // process ended
            }
        });
        return new StockTusServer(p, Integer.parseInt(line.substring("listening ".length()).trim()), storeDir);
    }

    private static void install(Path serverDir) throws IOException, InterruptedException {
        Path lock = Files.createDirectories(Tools.projectDir().resolve("target")).resolve("tus-server-install.lock");
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            Path marker = serverDir.resolve("node_modules/.package-lock.json");
            if (Files.exists(marker) && Files.exists(serverDir.resolve("node_modules/@tus/server"))
                    && Files.getLastModifiedTime(marker).compareTo(Files.getLastModifiedTime(serverDir.resolve("package-lock.json"))) >= 0) {
                return;
            }
            Tools.run(serverDir, 300, "npm", "ci", "--no-audit", "--no-fund");
        }
    }

    /** The upload collection URL. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port + "/files");
    }

    /** The file the server stored for the upload at {@code location}. */
    public Path storedFile(URI location) {
        String path = location.getPath();
        return dir.resolve(path.substring(path.lastIndexOf('/') + 1));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
}
