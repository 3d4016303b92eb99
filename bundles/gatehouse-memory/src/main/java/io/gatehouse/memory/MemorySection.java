package io.gatehouse.memory;

import static io.gatehouse.api.config.schema.Shape.arrayOf;
import static io.gatehouse.api.config.schema.Shape.bool;
import static io.gatehouse.api.config.schema.Shape.integer;
import static io.gatehouse.api.config.schema.Shape.mapOf;
import static io.gatehouse.api.config.schema.Shape.nonEmptyString;
import static io.gatehouse.api.config.schema.Shape.number;
import static io.gatehouse.api.config.schema.Shape.object;
import static io.gatehouse.api.config.schema.Shape.oneOf;
import static io.gatehouse.api.config.schema.Shape.string;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Issue;
import io.gatehouse.api.config.schema.Shape;

/**
 * Owns {@code memorySearch}: its shape (the reference gateway's keys; strict, so a typo gets a
 * did-you-mean) and its reload rule. Every change is hot: the memory component re-reads the section
 * when the config hash changes; a change of model, chunking, sources or paths re-indexes beside the
 * index in use, which keeps answering until the new one is complete.
 */
@Component(service = ConfigSection.class, property = ConfigSection.PREFIX + "=" + MemorySettings.SECTION)
public final class MemorySection implements ConfigSection {
    static final Shape SCHEMA = build();

    @Override
    public String prefix() {
        return MemorySettings.SECTION;
    }

    @Override
    public Shape schema() {
        return SCHEMA;
    }

    @Override
    public List<ReloadRule> reloadRules() {
        return List.of(ReloadRule.hot(MemorySettings.SECTION));
    }

    /**
     * The agents' own {@code memorySearch} (in {@code agents.defaults} and {@code agents.list[]}, which the
     * agents section accepts as any value) has this section's shape; the embedding model is one per
     * gateway, so its keys are the global section's only (an agent may set {@code provider: "none"}).
     */
    @Override
    public List<Issue> crossCheck(Map<String, Object> config) {
        List<Issue> out = new ArrayList<>();
        if (!(config.get("agents") instanceof Map<?, ?> agents)) {
            return out;
        }
        if (agents.get("defaults") instanceof Map<?, ?> d && d.containsKey("memorySearch")) {
            checkAgent("agents.defaults.memorySearch", d.get("memorySearch"), out);
        }
        if (agents.get("list") instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof Map<?, ?> a && a.containsKey("memorySearch")) {
                    checkAgent("agents.list." + i + ".memorySearch", a.get("memorySearch"), out);
                }
            }
        }
        return out;
    }

    private static void checkAgent(String path, Object value, List<Issue> out) {
        SCHEMA.check(path, value, out);
        if (value instanceof Map<?, ?> m) {
            for (String k : MemorySettings.GLOBAL_ONLY) {
                if (m.containsKey(k) && !(k.equals("provider") && MemorySettings.isNone(m.get(k)))) {
                    out.add(Issue.error(Shape.child(path, k), "the embedding model is one per gateway: set " + MemorySettings.SECTION
                            + "." + k + " (an agent may only turn embeddings off with provider \"none\")"));
                }
            }
        }
    }

    static Shape build() {
        Shape.Obj remote = object()
                .field("baseUrl", nonEmptyString())
                .secret("apiKey", string())
                .secret("headers", mapOf(string()))
                .field("timeoutMs", integer(1, 600_000))
                .field("batchSize", integer(1, 2048))
                .also((path, value, out) -> {
                    if (value.get("baseUrl") instanceof String u && !u.startsWith("http://") && !u.startsWith("https://")) {
                        out.add(Issue.error(Shape.child(path, "baseUrl"), "expected an http:// or https:// URL"));
                    }
                });
        Shape.Obj sync = object()
                .field("watch", bool())
                .field("watchDebounceMs", integer(0, 600_000))
                .field("onSessionStart", bool())
                .field("onSearch", bool())
                .field("intervalMinutes", integer(0, 7 * 24 * 60))
                .field("searchWaitMs", integer(0, 60_000))
                .field("sessions", object()
                        .field("deltaBytes", integer(0, Long.MAX_VALUE))
                        .field("deltaMessages", integer(0, Long.MAX_VALUE)));
        Shape.Obj hybrid = object()
                .field("enabled", bool())
                .field("vectorWeight", number(0, 1))
                .field("textWeight", number(0, 1))
                .field("candidateMultiplier", number(1, 50))
                .field("mmr", object().field("enabled", bool()).field("lambda", number(0, 1)))
                .field("temporalDecay", object().field("enabled", bool()).field("halfLifeDays", number(0, 36_500)));
        return object()
                .field("enabled", bool())
                .field("sources", arrayOf(oneOf("memory", "sessions")))
                .field("extraPaths", arrayOf(nonEmptyString()))
                .field("provider", oneOf("auto", "local", "openai", "none"))
                .field("model", nonEmptyString())
                .field("remote", remote)
                .field("local", object().field("threads", integer(1, 64)))
                .field("chunking", object()
                        .field("tokens", integer(1, 100_000))
                        .field("overlap", integer(0, 100_000))
                        .also((path, value, out) -> {
                            if (value.get("tokens") instanceof Number t && value.get("overlap") instanceof Number o
                                    && o.longValue() >= t.longValue()) {
                                out.add(Issue.warn(Shape.child(path, "overlap"), "overlap " + o + " is not below tokens "
                                        + t + "; " + (t.longValue() - 1) + " is used"));
                            }
                        }))
                .field("sync", sync)
                .field("query", object()
                        .field("maxResults", integer(1, 200))
                        .field("minScore", number(0, 1))
                        .field("hybrid", hybrid))
                .field("cache", object().field("enabled", bool()).field("maxEntries", integer(0, Integer.MAX_VALUE)))
                .field("experimental", object().field("sessionMemory", bool()));
    }
}
