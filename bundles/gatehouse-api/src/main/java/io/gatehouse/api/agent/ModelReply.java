package io.gatehouse.api.agent;

import java.util.List;

/**
 * What a model answered to one {@link ModelRequest}.
 *
 * @param text      the reply text (the streamed deltas joined); may be empty when the model only calls tools
 * @param toolCalls tools the model wants called before it answers (empty: the reply is final)
 */
public record ModelReply(String text, List<ToolCall> toolCalls) {

    public ModelReply {
        text = text == null ? "" : text;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /** A final text reply. */
    public ModelReply(String text) {
        this(text, List.of());
    }

    /**
     * One call the model made.
     *
     * @param id        the model's id of the call, echoed in the tool message that answers it
     * @param name      the tool's name, as in {@link ModelRequest.Tool#name()}
     * @param arguments the arguments as the model wrote them: JSON text of an object (the turn parses it
     *                  and tells the model when it is not valid)
     */
    public record ToolCall(String id, String name, String arguments) {
    }
}
