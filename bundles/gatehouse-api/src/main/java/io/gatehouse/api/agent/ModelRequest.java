package io.gatehouse.api.agent;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a turn asks a {@link ModelProvider} for.
 *
 * @param messages   the chat in OpenAI's chat completions format, oldest first: maps with {@code role}
 *                   ({@code system}, {@code user}, {@code assistant}, {@code tool}) and {@code content}
 *                   (a String); an {@code assistant} message of an earlier tool round carries
 *                   {@code tool_calls} (a list of {@code {id, type: "function", function: {name,
 *                   arguments}}}) and may have null content, a {@code tool} message carries
 *                   {@code tool_call_id}. Tool messages appear only when the provider
 *                   {@link ModelProvider#supportsTools supports tools}.
 * @param options    provider options from config: {@code models.providers.<id>} with the agent's model
 *                   settings over it (model, baseUrl, temperature, ...)
 * @param tools      tools the model may call (empty: none)
 * @param toolChoice whether the model may call a tool this round ({@link ToolChoice#NONE} on the last
 *                   round the turn allows)
 * @param cancelled  completes when the turn no longer wants the reply (the client went away, a timeout,
 *                   the gateway stops); the provider aborts its request then
 */
public record ModelRequest(List<Map<String, Object>> messages, Map<String, Object> options, List<Tool> tools,
        ToolChoice toolChoice, CompletionStage<Void> cancelled) {

    public ModelRequest {
        messages = List.copyOf(messages);
        options = options == null ? Map.of() : options;
        tools = tools == null ? List.of() : List.copyOf(tools);
        toolChoice = toolChoice == null ? ToolChoice.AUTO : toolChoice;
        cancelled = cancelled == null ? new CompletableFuture<Void>().minimalCompletionStage() : cancelled;
    }

    /** A request without tools that is never cancelled (tests, simple callers). */
    public ModelRequest(List<Map<String, Object>> messages, Map<String, Object> options) {
        this(messages, options, List.of(), ToolChoice.AUTO, null);
    }

    /** The text of the last {@code user} message, or "" when there is none. */
    public String lastUserText() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            Map<String, Object> m = messages.get(i);
            if ("user".equals(m.get("role"))) {
                return m.get("content") instanceof String s ? s : String.valueOf(m.get("content"));
            }
        }
        return "";
    }

    /**
     * A tool the model may call (from an {@link AgentTool}).
     *
     * @param name        the tool's name ({@link AgentTool#name()}); a provider whose wire format allows
     *                    fewer characters maps it, and maps the calls back
     * @param description what it does, for the model
     * @param parameters  JSON Schema of the arguments object, as plain Java values
     */
    public record Tool(String name, String description, Map<String, Object> parameters) {
        public Tool {
            parameters = parameters == null ? Map.of("type", "object") : parameters;
        }
    }

    /** Whether the model may call tools in this request. */
    public enum ToolChoice {
        /** The model decides. */
        AUTO,
        /** The model must answer with text (the turn's last tool round). */
        NONE
    }
}
