package io.gatehouse.agents;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;

import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Issue;
import io.gatehouse.api.config.schema.Shape;

/**
 * The agents bundle owns {@code agents} (the agent list and defaults) and {@code models} (model
 * providers). Turns read both live on every message, so changes are hot; {@code agents} also asks the
 * router to re-index ({@code reload-routing}), since the default agent and agent ids route messages.
 */
public final class AgentSections {
    private AgentSections() {
    }

    /** A model: {@code "provider/model"}, or an object of provider options. */
    static final Shape MODEL = Shape.either(Shape.nonEmptyString(),
            Shape.object().field("provider", Shape.string()).field("model", Shape.string())
                    .field("primary", Shape.string()).field("fallbacks", Shape.arrayOf(Shape.string())).open());

    /** The fields an agent and the agent defaults share; reference fields Gatehouse does not act on are accepted. */
    private static Shape.Obj agentFields() {
        return Shape.object()
                .field("name", Shape.string())
                .field("workspace", Shape.string())
                .field("model", MODEL)
                .field("skills", Shape.arrayOf(Shape.string()))
                .field("historyLimit", Shape.integer(0, 100_000))
                .field("memoryResults", Shape.integer(0, 100))
                // turns (see TurnEngine, TurnRun): a cap on the agent's running turns, tool rounds, timeouts
                .field("maxConcurrent", Shape.integer(0, Integer.MAX_VALUE))
                .field("maxToolRounds", Shape.integer(0, 100))
                .field("toolTimeoutMs", Shape.integer(0, Long.MAX_VALUE))
                .field("turnTimeoutMs", Shape.integer(0, Long.MAX_VALUE))
                // the reference's agent fields that do not change a Gatehouse turn
                .field("agentDir", Shape.any()).field("identity", Shape.any()).field("heartbeat", Shape.any())
                .field("groupChat", Shape.any()).field("subagents", Shape.any()).field("sandbox", Shape.any())
                .field("tools", Shape.any()).field("humanDelay", Shape.any()).field("params", Shape.any())
                .field("memorySearch", Shape.any());
    }

    static final Shape AGENTS = Shape.object()
            .field("defaults", agentFields()
                    .field("models", Shape.any()).field("contextTokens", Shape.any()).field("timeoutSeconds", Shape.any())
                    .field("thinkingDefault", Shape.any())
                    .field("verboseDefault", Shape.any()).field("blockStreamingDefault", Shape.any())
                    .field("typingMode", Shape.any()).field("compaction", Shape.any()).field("userTimezone", Shape.any()))
            .field("list", Shape.arrayOf(agentFields().required("id", Shape.nonEmptyString()).field("default", Shape.bool())))
            // turns accepted but not started, gateway-wide; beyond it a message is refused (429)
            .field("maxQueuedTurns", Shape.integer(1, Integer.MAX_VALUE));

    /** {@code agents}. */
    @Component(service = ConfigSection.class, property = ConfigSection.PREFIX + "=agents")
    public static final class Agents implements ConfigSection {
        @Override
        public String prefix() {
            return "agents";
        }

        @Override
        public Shape schema() {
            return AGENTS;
        }

        @Override
        public List<ReloadRule> reloadRules() {
            return List.of(ReloadRule.hot("agents", "reload-routing"));
        }

        /** Agent ids are unique as routing compares them (trimmed, lower case). */
        @Override
        public List<Issue> crossCheck(Map<String, Object> config) {
            List<Issue> out = new ArrayList<>();
            if (config.get("agents") instanceof Map<?, ?> agents && agents.get("list") instanceof List<?> list) {
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i) instanceof Map<?, ?> a && a.get("id") instanceof String id
                            && !seen.add(id.trim().toLowerCase(Locale.ROOT))) {
                        out.add(Issue.error("agents.list." + i + ".id", "duplicate agent id \"" + id + "\""));
                    }
                }
            }
            return out;
        }
    }

    /** A provider's options; providers from plugins take options of their own, so unknown keys are theirs. */
    static final Shape PROVIDER = Shape.object()
            .field("type", Shape.nonEmptyString())
            .field("baseUrl", Shape.string())
            .field("model", Shape.string())
            .secret("apiKey", Shape.string())
            .field("apiKeyEnv", Shape.string())
            .secret("headers", Shape.mapOf(Shape.string()))
            .field("temperature", Shape.number(0, 2))
            .field("maxTokens", Shape.integer(1, Integer.MAX_VALUE))
            .field("stream", Shape.bool())
            .field("connectTimeoutMs", Shape.integer(1, Long.MAX_VALUE))
            .field("timeoutMs", Shape.integer(1, Long.MAX_VALUE))
            .field("maxRetries", Shape.integer(0, 10))
            .field("retryBackoffMs", Shape.integer(0, Long.MAX_VALUE))
            .field("retryMaxBackoffMs", Shape.integer(0, Long.MAX_VALUE))
            .field("maxConcurrent", Shape.integer(0, Integer.MAX_VALUE))
            .field("tools", Shape.bool())
            .open();

    static final Shape MODELS = Shape.object()
            .field("providers", Shape.mapOf(PROVIDER))
            .field("mode", Shape.any());

    /** {@code models}. */
    @Component(service = ConfigSection.class, property = ConfigSection.PREFIX + "=models")
    public static final class Models implements ConfigSection {
        @Override
        public String prefix() {
            return "models";
        }

        @Override
        public Shape schema() {
            return MODELS;
        }

        @Override
        public List<ReloadRule> reloadRules() {
            return List.of(ReloadRule.hot("models"));
        }
    }
}
