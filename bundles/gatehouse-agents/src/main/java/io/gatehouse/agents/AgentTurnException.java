package io.gatehouse.agents;

/** An agent turn that failed: the message says which agent, session and why. */
public final class AgentTurnException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AgentTurnException(String message, Throwable cause) {
        super(message, cause);
    }
}
