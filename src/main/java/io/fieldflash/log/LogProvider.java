package io.fieldflash.log;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * FieldFlash's SLF4J binding: loggers write to {@link RunLog}. Level INFO, or the one named by the system
 * property {@code fieldflash.log} / environment variable {@code FIELDFLASH_LOG} (trace, debug, info, warn, error).
 */
public final class LogProvider implements SLF4JServiceProvider {
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();
    private ILoggerFactory factory;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        Level level = level();
        Map<String, Logger> loggers = new ConcurrentHashMap<>();
        factory = name -> loggers.computeIfAbsent(name, n -> new RunLogger(n, level));
    }

    static Level level() {
        String v = System.getProperty("fieldflash.log", System.getenv("FIELDFLASH_LOG"));
        if (v == null) return Level.INFO;
        try {
            return Level.valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Level.INFO;
        }
    }
}
