package io.fieldflash.ui.settings;

import io.fieldflash.update.Settings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The user's {@code settings.json}, shared by the tabs that change parts of it: each change reads the file, changes
 * its part and writes it back, one at a time, so saving the operator name never undoes a pattern change or the
 * other way round. Called on the background executor.
 */
final class SettingsFile {
    private final Path file;
    private final Object lock = new Object();

    SettingsFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    Settings load() {
        synchronized (lock) {
            return Settings.load(file);
        }
    }

    /** Applies {@code change} to the settings on disk and saves them; returns what was saved. */
    Settings update(UnaryOperator<Settings> change) throws IOException, Settings.InvalidSettingsException {
        synchronized (lock) {
            Settings next = change.apply(Settings.load(file));
            next.save(file);
            return next;
        }
    }
}
