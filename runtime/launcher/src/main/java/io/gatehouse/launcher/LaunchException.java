package io.gatehouse.launcher;

/** A reason the launcher cannot start or restart the gateway, worded for an operator. */
public class LaunchException extends Exception {
    private static final long serialVersionUID = 1L;

    public LaunchException(String message) {
        super(message);
    }

    public LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
