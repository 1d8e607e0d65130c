package io.fieldflash.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Signed bundles whose image is a real ESP32 application image (esptool's, from src/test/resources/inner-formats). */
public final class EspImages {
    private EspImages() {}

    /** The valid ESP32 app image: starts with the image magic 0xE9, 65,984 bytes. */
    public static Path esp32App() {
        return Tools.projectDir().resolve("src/test/resources/inner-formats/esp-app/esp32-app.bin");
    }

    /** A bundle (version 2.5.0, counter 7) carrying {@code image} as "app". */
    public static TestBundles.Made bundle(Path dir, Path image) throws Exception {
        Path copy = dir.resolve("app-" + System.nanoTime() + ".bin");
        Files.createDirectories(dir);
        Files.copy(image, copy);
        return TestBundles.make(dir, TestBundles.PRODUCT, List.of(TestBundles.HARDWARE), "1.2.3", 7, "2099-01-01T00:00:00Z", Map.of("app", copy));   // the descriptor's version
    }
}
