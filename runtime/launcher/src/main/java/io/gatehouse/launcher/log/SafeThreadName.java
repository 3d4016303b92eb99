package io.gatehouse.launcher.log;

import ch.qos.logback.classic.pattern.ThreadConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %thread} for the gateway's log: the thread's name, except where it carries a command line.
 * Gogo names the thread that runs a command {@code pipe-<the command line>} while it runs, so a
 * {@code config:set gateway.auth.token <value>} would put the token into every line logged meanwhile;
 * such threads are logged as {@code gogo-pipe}. Registered in {@code etc/logback.xml} with
 * {@code <conversionRule conversionWord="thread" class="io.gatehouse.launcher.log.SafeThreadName"/>}
 * (also {@code t}).
 */
public final class SafeThreadName extends ThreadConverter {
    static final String PIPE = "gogo-pipe";

    @Override
    public String convert(ILoggingEvent event) {
        return safe(event.getThreadName());
    }

    /** The name to log for a thread name. */
    public static String safe(String threadName) {
        if (threadName != null && threadName.startsWith("pipe-")) {
            return PIPE;
        }
        return threadName;
    }
}
