package io.fieldflash.ui;

import io.fieldflash.AppDirs;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustStoreException;
import io.fieldflash.bundle.TrustStores;
import java.util.ResourceBundle;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What the views share: folders, messages, the background executor (virtual threads; the FX thread only
 * renders) and the trust store. One per running app.
 */
public final class AppContext implements AutoCloseable {
    private final AppDirs dirs;
    private final ResourceBundle messages;
    private final ExecutorService background;

    public AppContext(AppDirs dirs) {
        this.dirs = dirs;
        this.messages = ResourceBundle.getBundle("io.fieldflash.ui.messages");
        this.background = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fieldflash-bg-", 0).factory());
    }

    public AppDirs dirs() {
        return dirs;
    }

    public ResourceBundle messages() {
        return messages;
    }

    /** A message by key, formatted with {@link java.text.MessageFormat} when arguments are given. */
    public String text(String key, Object... args) {
        String pattern = messages.getString(key);
        return args.length == 0 ? pattern : java.text.MessageFormat.format(pattern, args);
    }

    public ExecutorService background() {
        return background;
    }

    /** The laptop's trust store (user's and machine-wide files, merged), read afresh. */
    public TrustStore trustStore() throws TrustStoreException {
        return TrustStores.loadDefault(dirs);
    }

    @Override
    public void close() {
        background.shutdownNow();
    }
}
