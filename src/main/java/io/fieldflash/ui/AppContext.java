package io.fieldflash.ui;

import io.fieldflash.AppDirs;
import io.fieldflash.Printable;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustStoreException;
import io.fieldflash.bundle.TrustStores;
import java.text.MessageFormat;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the views share: folders, messages in the wizard's language, the background executor (virtual threads; the FX
 * thread only renders) and the trust store. One per running app.
 */
public final class AppContext implements AutoCloseable {
    /** The wizard's texts: {@code messages.properties} (English) and one file per translation, read as UTF-8. */
    public static final String MESSAGES = "io.fieldflash.ui.messages";
    private static final Pattern NAMED = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)}");

    private final AppDirs dirs;
    private final Locale locale;
    private final ResourceBundle messages;
    private final ExecutorService background;
    private final javafx.beans.property.ReadOnlyIntegerWrapper trustRevision = new javafx.beans.property.ReadOnlyIntegerWrapper(0);

    /** In the language chosen in Settings, by default the laptop's (English where there is no translation). */
    public AppContext(AppDirs dirs) {
        this(dirs, Language.load(io.fieldflash.update.Settings.file(dirs.user())).locale());
    }

    /** In {@code locale}'s language (English where there is no translation), dates in that locale's style. */
    public AppContext(AppDirs dirs, Locale locale) {
        this.dirs = dirs;
        this.locale = locale;
        this.messages = bundle(locale);
        this.background = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fieldflash-bg-", 0).factory());
    }

    /**
     * The messages for {@code locale}. English is the base file: it is asked for as the root locale, else a laptop set to
     * German would fall back to the German file when English was chosen.
     */
    public static ResourceBundle bundle(Locale locale) {
        Locale lookup = locale.getLanguage().equals(Locale.ENGLISH.getLanguage()) ? Locale.ROOT : locale;
        return ResourceBundle.getBundle(MESSAGES, lookup);
    }

    public AppDirs dirs() {
        return dirs;
    }

    public ResourceBundle messages() {
        return messages;
    }

    /** The wizard's language and the style of its dates and numbers. */
    public Locale locale() {
        return locale;
    }

    /** A message by key, formatted with {@link MessageFormat} when arguments are given. */
    public String text(String key, Object... args) {
        String pattern = messages.getString(key);
        return args.length == 0 ? pattern : new MessageFormat(pattern, locale).format(args);
    }

    /** True when the bundle has {@code key}. */
    public boolean hasText(String key) {
        return messages.containsKey(key);
    }

    /**
     * A message with named arguments, {@code {vendor}} style (a MessageFormat pattern otherwise: {@code ''} for an
     * apostrophe). Text values are shown escaped ({@link Printable#of}): pass them as the bundle or device gave them.
     * A name the pattern uses but {@code args} lacks is an error in the caller.
     */
    public String text(String key, Map<String, ?> args) {
        return format(messages.getString(key), args, locale);
    }

    /** {@link #text(String, Map)} on a pattern (for tests that check every pattern of a bundle). */
    public static String format(String pattern, Map<String, ?> args, Locale locale) {
        List<Object> values = new ArrayList<>();
        Matcher m = NAMED.matcher(pattern);
        StringBuilder indexed = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            if (!args.containsKey(name)) throw new IllegalArgumentException("no value for {" + name + "} in: " + pattern);
            Object v = args.get(name);
            values.add(v instanceof String s ? Printable.of(s) : v);
            m.appendReplacement(indexed, Matcher.quoteReplacement("{" + (values.size() - 1) + "}"));
        }
        m.appendTail(indexed);
        return new MessageFormat(indexed.toString(), locale).format(values.toArray());
    }

    /** A moment for people: the locale's medium date and time, in the laptop's time zone. */
    public String dateTime(Instant t) {
        return DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM).withLocale(locale).withZone(ZoneId.systemDefault()).format(t);
    }

    /** Counts changes of this laptop's trust store made in the app (FX thread): pages that checked a bundle check again. */
    public javafx.beans.property.ReadOnlyIntegerProperty trustRevision() {
        return trustRevision.getReadOnlyProperty();
    }

    /** Says that the trust store changed (a key imported or removed, a trust update applied); call on the FX thread. */
    public void trustChanged() {
        trustRevision.set(trustRevision.get() + 1);
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
