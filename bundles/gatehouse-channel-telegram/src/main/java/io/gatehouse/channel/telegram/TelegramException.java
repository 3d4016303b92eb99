package io.gatehouse.channel.telegram;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A Bot API call that failed: Telegram's {@code error_code} (or the HTTP status; 0 for a network error) and
 * {@code description}. The message never contains the bot token.
 */
final class TelegramException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String method;
    private final int code;
    private final String description;
    private final Integer retryAfter;

    TelegramException(String method, int code, String description, Integer retryAfter) {
        super(method + ": " + (code == 0 ? "" : code + " ") + description
                + (retryAfter == null ? "" : " (retry after " + retryAfter + " s)"), null, false, false);
        this.method = method;
        this.code = code;
        this.description = description;
        this.retryAfter = retryAfter;
    }

    static TelegramException of(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof TelegramException te) {
            return te;
        }
        return new TelegramException("call", 0, c.getClass().getSimpleName()
                + (c.getMessage() == null ? "" : ": " + Secrets.redact(c.getMessage(), null)), null);
    }

    String method() {
        return method;
    }

    int code() {
        return code;
    }

    String description() {
        return description;
    }

    Integer retryAfter() {
        return retryAfter;
    }

    /** 429, 5xx and network errors. */
    boolean retryable() {
        return code == 0 || code == 429 || code >= 500;
    }

    /** The token was rejected: this bot cannot work until its config changes. */
    boolean unauthorized() {
        return code == 401;
    }

    /** Telegram could not parse the HTML (send the text plain instead). */
    boolean entitiesRejected() {
        String d = description == null ? "" : description.toLowerCase(java.util.Locale.ROOT);
        return code == 400 && (d.contains("can't parse entities") || d.contains("parse entities") || d.contains("unsupported start tag")
                || d.contains("can't find end tag") || d.contains("entity"));
    }

    /** The forum topic is gone (send to the chat without a thread). */
    boolean threadNotFound() {
        return code == 400 && description != null && description.toLowerCase(java.util.Locale.ROOT).contains("thread not found");
    }

    /** An edit that changed nothing: fine. */
    boolean notModified() {
        return code == 400 && description != null && description.toLowerCase(java.util.Locale.ROOT).contains("not modified");
    }
}
