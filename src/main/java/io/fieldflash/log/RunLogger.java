package io.fieldflash.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** An SLF4J logger that writes to {@link RunLog}. */
final class RunLogger extends LegacyAbstractLogger {
    private final int threshold;

    RunLogger(String name, Level threshold) {
        this.name = name;
        this.threshold = threshold.toInt();
    }

    private boolean on(Level l) {
        return l.toInt() >= threshold;
    }

    @Override
    public boolean isTraceEnabled() {
        return on(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return on(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return on(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return on(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return on(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
        String msg = MessageFormatter.basicArrayFormat(pattern, args);
        if (t != null) msg += " (" + t + ")";
        String shortName = name.substring(name.lastIndexOf('.') + 1);
        RunLog.append(level.name(), shortName, msg);
    }
}
