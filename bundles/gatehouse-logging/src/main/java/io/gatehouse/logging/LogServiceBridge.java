package io.gatehouse.logging;

import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards OSGi Log Service entries (SCR, Config Admin, FileInstall, any bundle using LogService)
 * into SLF4J, so there is one log with one format and one set of levels.
 */
@Component(immediate = true)
public final class LogServiceBridge implements LogListener {
    private final LogReaderService reader;

    @Activate
    public LogServiceBridge(@Reference LogReaderService reader) {
        this.reader = reader;
        reader.addLogListener(this);
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        Logger log = LoggerFactory.getLogger(loggerName(entry));
        String message = entry.getMessage();
        Throwable error = entry.getException();
        switch (entry.getLogLevel()) {
            case AUDIT, ERROR -> log.error(message, error);
            case WARN -> log.warn(message, error);
            case INFO -> log.info(message, error);
            case DEBUG -> log.debug(message, error);
            default -> log.trace(message, error);
        }
    }

    /** Entries name their logger (Log 1.4); older callers are named after their bundle. */
    static String loggerName(LogEntry entry) {
        String name = entry.getLoggerName();
        if (name != null && !name.isEmpty() && !"LogService".equals(name)) {
            return name;
        }
        Bundle b = entry.getBundle();
        return b == null || b.getSymbolicName() == null ? "osgi" : b.getSymbolicName();
    }
}
