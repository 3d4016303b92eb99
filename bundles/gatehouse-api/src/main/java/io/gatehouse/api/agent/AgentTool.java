package io.gatehouse.api.agent;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: a tool the agent turn offers to the model ({@code canvas.write}, {@code skills.read}).
 * Register as a service with the property {@link #NAME}. The turn describes every registered tool to
 * a model that supports tools (OpenAI-compatible {@code tools} with a function per tool), runs the
 * calls the model makes and hands the results back, without holding a thread while a call runs.
 */
@ConsumerType
public interface AgentTool {

    /** Service property (String): the tool name, as {@link #name()}. */
    String NAME = "gatehouse.tool.name";

    /** Name the model calls the tool by: letters, digits, {@code .}, {@code _}, {@code -}. */
    String name();

    /** One paragraph for the model: what the tool does and when to use it. */
    String description();

    /** JSON Schema (as plain Java values) of the arguments object. */
    Map<String, Object> parameters();

    /**
     * Runs one call. Completes with the text handed back to the model, or exceptionally with an error
     * whose message is shown to the model (never a secret).
     */
    CompletionStage<String> call(Map<String, Object> arguments, Context context);

    /**
     * Who is calling.
     *
     * @param agentId    the agent whose turn it is
     * @param sessionKey the session of the turn
     * @param workspace  the agent's workspace folder, or null when it has none
     * @param attributes facts about the inbound message from its channel (see
     *                   {@link io.gatehouse.api.channel.InboundMessage#attributes()}), e.g. the
     *                   {@code http.host} the client used
     */
    record Context(String agentId, String sessionKey, Path workspace, Map<String, String> attributes) {
        public Context {
            attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        }
    }
}
