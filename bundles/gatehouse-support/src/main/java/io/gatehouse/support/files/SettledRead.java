package io.gatehouse.support.files;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

import io.gatehouse.support.json5.Json5Limits;

/**
 * Reads a file another process may be writing. A strict prefix of a JSON object never parses, so a
 * successful parse is itself evidence the write finished: the file is read until {@code parse} accepts
 * it, or until its text (or its absence) has not changed for {@code settleMs}, and then the last parse
 * error stands. Bounded by {@code timeoutMs}; re-read every 10 ms.
 *
 * @param <T> what the parse returns
 */
public final class SettledRead<T> {
    /** Turns a text into a value, or throws the error an unsettled (or bad) file gives. */
    @FunctionalInterface
    public interface Parse<T, E extends Exception> {
        T parse(String text) throws E;
    }

    /** A read that did not settle into something usable: the last problem, worded for an operator. */
    public static final class Unsettled extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean missing;

        Unsettled(String message, Throwable cause, boolean missing) {
            super(message, cause);
            this.missing = missing;
        }

        /** True when the file was missing at the last look. */
        public boolean missing() {
            return missing;
        }
    }

    static final long REREAD_MS = 10;

    private SettledRead() {
    }

    /**
     * @return the parsed value of the first text that parses
     * @throws Unsettled naming the last problem (the parse error, the file missing or unreadable), whose
     *                   cause is the parse's own exception when there was one
     */
    public static <T, E extends Exception> T read(Path file, long settleMs, long timeoutMs, Parse<T, E> parse)
            throws Unsettled {
        return read(file, settleMs, timeoutMs, Json5Limits.fromSystem().maxBytes(), parse);
    }

    /**
     * As above, reading through {@link SafeText} (a regular file of at most {@code maxBytes}, UTF-8): a
     * file that is no such text is an {@link Unsettled} whose cause is the {@link SafeText.Refused}.
     */
    public static <T, E extends Exception> T read(Path file, long settleMs, long timeoutMs, long maxBytes,
            Parse<T, E> parse) throws Unsettled {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        String lastSeen = null;
        long stableSince = System.nanoTime();
        while (true) {
            String seen; // the text, or why there is none: a change of either restarts the settle time
            Unsettled failure;
            try {
                String text = SafeText.read(file, maxBytes);
                seen = text;
                if (text == null) {
                    failure = new Unsettled(file + ": file is missing", new NoSuchFileException(file.toString()), true);
                } else {
                    try {
                        return parse.parse(text);
                    } catch (Exception e) {
                        failure = new Unsettled(e.getMessage(), e, false);
                    }
                }
            } catch (SafeText.Refused e) {
                seen = "(refused) " + e.reason();
                failure = new Unsettled(e.getMessage(), e, false);
            }
            if (!Objects.equals(seen, lastSeen)) {
                lastSeen = seen;
                stableSince = System.nanoTime();
            }
            long now = System.nanoTime();
            if (now - stableSince >= settleMs * 1_000_000L || now >= deadline) {
                throw failure;
            }
            try {
                Thread.sleep(REREAD_MS); // re-read interval while a writer may still be writing
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure;
            }
        }
    }
}
