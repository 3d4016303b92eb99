package io.gatehouse.routing;

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
 * Routing owns {@code bindings} and {@code session}: their shape (the reference's), and a change of
 * either is hot with {@code reload-routing} (the router re-indexes the config in force).
 */
public final class RoutingSections {
    static final String RELOAD_ROUTING = "reload-routing";
    public static final List<String> DM_SCOPES = List.of("main", "per-peer", "per-channel-peer", "per-account-channel-peer");

    private RoutingSections() {
    }

    /** {@code bindings}: an ordered list of match → agent. */
    @Component(service = ConfigSection.class, property = ConfigSection.PREFIX + "=bindings")
    public static final class Bindings implements ConfigSection {
        private static final Shape PEER = Shape.object()
                .required("kind", Shape.oneOf("direct", "dm", "group", "channel"))
                .required("id", Shape.string());
        private static final Shape BINDING = Shape.object()
                .required("agentId", Shape.nonEmptyString())
                .required("match", Shape.object().required("channel", Shape.nonEmptyString())
                        .field("accountId", Shape.string()).field("peer", PEER).field("guildId", Shape.string())
                        .field("teamId", Shape.string()).field("roles", Shape.arrayOf(Shape.string())))
                .field("session", Shape.any())
                .field("comment", Shape.string());
        private static final Shape SCHEMA = Shape.arrayOf(BINDING);

        @Override
        public String prefix() {
            return "bindings";
        }

        @Override
        public Shape schema() {
            return SCHEMA;
        }

        @Override
        public List<ReloadRule> reloadRules() {
            return List.of(ReloadRule.hot("bindings", RELOAD_ROUTING));
        }

        /** A binding to an agent that {@code agents.list} does not have routes to the default agent: warned. */
        @Override
        public List<Issue> crossCheck(Map<String, Object> config) {
            Set<String> ids = new HashSet<>();
            if (config.get("agents") instanceof Map<?, ?> agents && agents.get("list") instanceof List<?> list) {
                for (Object o : list) {
                    if (o instanceof Map<?, ?> a && a.get("id") instanceof String id) {
                        ids.add(id.trim().toLowerCase(Locale.ROOT));
                    }
                }
            }
            List<Issue> out = new ArrayList<>();
            if (!ids.isEmpty() && config.get("bindings") instanceof List<?> bindings) {
                for (int i = 0; i < bindings.size(); i++) {
                    if (bindings.get(i) instanceof Map<?, ?> b && b.get("agentId") instanceof String id
                            && !ids.contains(id.trim().toLowerCase(Locale.ROOT))) {
                        out.add(Issue.warn("bindings." + i + ".agentId", "agent \"" + id
                                + "\" is not in agents.list; messages it matches go to the default agent"));
                    }
                }
            }
            return out;
        }
    }

    /** {@code session}: how session keys are formed. */
    @Component(service = ConfigSection.class, property = ConfigSection.PREFIX + "=session")
    public static final class Session implements ConfigSection {
        private static final Shape SCHEMA = Shape.object()
                .field("dmScope", Shape.oneOf(DM_SCOPES.toArray(String[]::new)))
                .field("identityLinks", Shape.mapOf(Shape.arrayOf(Shape.string())))
                .field("mainKey", Shape.string())
                // reference keys that session keys do not depend on: accepted, not acted on
                .field("scope", Shape.any()).field("reset", Shape.any()).field("resetByType", Shape.any())
                .field("resetTriggers", Shape.any()).field("idleMinutes", Shape.any()).field("store", Shape.any())
                .field("typingMode", Shape.any()).field("typingIntervalSeconds", Shape.any())
                .field("sendPolicy", Shape.any()).field("agentToAgent", Shape.any());

        @Override
        public String prefix() {
            return "session";
        }

        @Override
        public Shape schema() {
            return SCHEMA;
        }

        @Override
        public List<ReloadRule> reloadRules() {
            return List.of(ReloadRule.hot("session", RELOAD_ROUTING));
        }
    }
}
