package io.gatehouse.config.edit;

/**
 * An edit that cannot be made without guessing: the file is left as it is. The message is
 * {@code cannot <set|unset> <path>: <reason>}.
 */
public final class EditException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String path;
    private final String reason;

    EditException(String operation, String path, String reason) {
        super("cannot " + operation + " " + (path.isEmpty() ? "the root" : path) + ": " + reason);
        this.path = path;
        this.reason = reason;
    }

    /** The path that was edited, dotted ({@code gateway.port}; keys with dots are quoted). */
    public String path() {
        return path;
    }

    /** Why the edit was refused. */
    public String reason() {
        return reason;
    }
}
