package io.fieldflash.testing;

import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Points {@code fieldflash.home} (settings, trust store, audit log, resume state) at a test's own folder for each
 * test, and puts back what was there after it:
 * {@code @RegisterExtension final HomeProperty home = new HomeProperty(() -> tmp.resolve("home"));}
 */
public final class HomeProperty implements BeforeEachCallback, AfterEachCallback {
    private static final String KEY = "fieldflash.home";

    private final Supplier<Path> dir;
    private String old;

    /** {@code dir} is asked for at the start of each test (after {@code @TempDir} fields are set). */
    public HomeProperty(Supplier<Path> dir) {
        this.dir = dir;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        old = System.getProperty(KEY);
        System.setProperty(KEY, dir.get().toString());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (old == null) System.clearProperty(KEY);
        else System.setProperty(KEY, old);
    }
}
