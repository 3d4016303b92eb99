package io.gatehouse.memory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.gatehouse.api.memory.MemorySearch;

/**
 * The {@code memorySearch} section as values, with the reference gateway's defaults. Read from the
 * config in force whenever it changes; never kept past a reload.
 */
public record MemorySettings(boolean enabled, List<String> sources, List<String> extraPaths, String provider,
        String model, Remote remote, int localThreads, int tokens, int overlap, Sync sync, Query query,
        boolean cacheEnabled, int cacheMaxEntries) {

    public static final String SECTION = "memorySearch";
    public static final String LOCAL_MODEL = "all-minilm-l6-v2-q";
    public static final String OPENAI_MODEL = "text-embedding-3-small";
    public static final String OPENAI_BASE_URL = "https://api.openai.com/v1";

    /** The score floor when none is set: the reference's, for remote embeddings and for words only. */
    public static final double MIN_SCORE = 0.35;

    /**
     * The score floor when none is set and the shipped local model embeds. Its cosines of a question and the
     * note that answers it run about 0.25-0.65, and an unrelated question stays under 0.2 (measured on
     * notes and questions without shared words, and held by {@code MemoryServiceTest}). At 0.35 a hit
     * without a shared word needed a cosine of 0.5, and 13 of 18 such questions found nothing.
     */
    public static final double MIN_SCORE_LOCAL = 0.2;

    /** OpenAI-compatible {@code /v1/embeddings} endpoint. */
    public record Remote(String baseUrl, String apiKey, Map<String, String> headers, int timeoutMs, int batchSize) {
    }

    public record Sync(boolean watch, long watchDebounceMs, boolean onSessionStart, boolean onSearch, long intervalMinutes,
            long searchWaitMs, long deltaBytes, long deltaMessages) {
    }

    public record Query(int maxResults, double minScore, boolean hybrid, double vectorWeight, double textWeight,
            double candidateMultiplier, boolean mmr, double mmrLambda, boolean decay, double halfLifeDays) {
    }

    /**
     * Keys that name the embedding model. The gateway loads one model, so these are set in the global
     * section only; an agent may still turn embeddings off for itself ({@code provider: "none"}).
     */
    public static final List<String> GLOBAL_ONLY = List.of("provider", "model", "remote", "local", "cache");

    /**
     * An agent's {@code memorySearch}: the global section, then {@code agents.defaults.memorySearch}, then
     * the agent's own ({@code agents.list[].memorySearch}), merged key by key (objects merge, any other
     * value replaces). Keys of {@link #GLOBAL_ONLY} in the agent layers are ignored, except
     * {@code provider: "none"}.
     */
    public static Map<String, Object> forAgent(Map<?, ?> global, Object defaults, Object agent) {
        Map<String, Object> out = merge(global, Map.of());
        for (Object layer : new Object[] {defaults, agent}) {
            if (!(layer instanceof Map<?, ?> m)) {
                continue;
            }
            Map<Object, Object> own = new LinkedHashMap<>(m);
            for (String k : GLOBAL_ONLY) {
                if (!(k.equals("provider") && isNone(own.get(k)))) {
                    own.remove(k);
                }
            }
            out = merge(out, own);
        }
        return out;
    }

    static boolean isNone(Object provider) {
        return provider instanceof String p && (p.trim().equals("none") || p.trim().equals("off"));
    }

    private static Map<String, Object> merge(Map<?, ?> base, Map<?, ?> over) {
        Map<String, Object> out = new LinkedHashMap<>();
        base.forEach((k, v) -> out.put(String.valueOf(k), v));
        over.forEach((k, v) -> {
            String key = String.valueOf(k);
            if (v instanceof Map<?, ?> vm && out.get(key) instanceof Map<?, ?> bm) {
                out.put(key, merge(bm, vm));
            } else {
                out.put(key, v);
            }
        });
        return out;
    }

    public static MemorySettings defaults() {
        return of(Map.of());
    }

    public static MemorySettings of(Map<?, ?> s) {
        Map<?, ?> remote = map(s.get("remote"));
        Map<?, ?> chunking = map(s.get("chunking"));
        Map<?, ?> sync = map(s.get("sync"));
        Map<?, ?> sessions = map(sync.get("sessions"));
        Map<?, ?> query = map(s.get("query"));
        Map<?, ?> hybrid = map(query.get("hybrid"));
        Map<?, ?> mmr = map(hybrid.get("mmr"));
        Map<?, ?> decay = map(hybrid.get("temporalDecay"));
        Map<?, ?> cache = map(s.get("cache"));
        Map<?, ?> local = map(s.get("local"));
        Map<?, ?> experimental = map(s.get("experimental"));

        TreeSet<String> sources = new TreeSet<>();
        if (s.get("sources") instanceof List<?> l) {
            for (Object o : l) {
                if (MemorySearch.SOURCE_MEMORY.equals(o) || MemorySearch.SOURCE_SESSIONS.equals(o)) {
                    sources.add((String) o);
                }
            }
        } else {
            sources.add(MemorySearch.SOURCE_MEMORY);
        }
        if (bool(experimental.get("sessionMemory"), true) == false) {
            sources.remove(MemorySearch.SOURCE_SESSIONS);
        }
        List<String> extra = new ArrayList<>();
        if (s.get("extraPaths") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof String p && !p.isBlank() && !extra.contains(p.trim())) {
                    extra.add(p.trim());
                }
            }
        }
        String provider = str(s.get("provider"), "auto");
        String model = str(s.get("model"), null);
        if (model == null) {
            model = provider.equals("openai") ? OPENAI_MODEL : LOCAL_MODEL;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        map(remote.get("headers")).forEach((k, v) -> {
            if (v instanceof String h) {
                headers.put(String.valueOf(k), h);
            }
        });
        Remote r = new Remote(str(remote.get("baseUrl"), OPENAI_BASE_URL), str(remote.get("apiKey"), null), Map.copyOf(headers),
                (int) num(remote.get("timeoutMs"), 30_000, 1, 600_000), (int) num(remote.get("batchSize"), 64, 1, 2048));

        int tokens = (int) num(chunking.get("tokens"), 400, 1, 100_000);
        int overlap = (int) Math.min(tokens - 1, num(chunking.get("overlap"), 80, 0, 100_000));

        Sync sy = new Sync(bool(sync.get("watch"), true), num(sync.get("watchDebounceMs"), 1500, 0, 600_000),
                bool(sync.get("onSessionStart"), true), bool(sync.get("onSearch"), true),
                num(sync.get("intervalMinutes"), 0, 0, 7 * 24 * 60), num(sync.get("searchWaitMs"), 500, 0, 60_000),
                num(sessions.get("deltaBytes"), 100_000, 0, Long.MAX_VALUE), num(sessions.get("deltaMessages"), 50, 0, Long.MAX_VALUE));

        double vw = clamp(dbl(hybrid.get("vectorWeight"), 0.7));
        double tw = clamp(dbl(hybrid.get("textWeight"), 0.3));
        double sum = vw + tw;
        if (sum > 0) {
            vw = vw / sum;
            tw = tw / sum;
        } else {
            vw = 0.7;
            tw = 0.3;
        }
        double minScoreDefault = kindOf(provider).equals("local") ? MIN_SCORE_LOCAL : MIN_SCORE;
        Query q = new Query((int) num(query.get("maxResults"), 6, 1, 200), clamp(dbl(query.get("minScore"), minScoreDefault)),
                bool(hybrid.get("enabled"), true), vw, tw, Math.max(1, dbl(hybrid.get("candidateMultiplier"), 4)),
                bool(mmr.get("enabled"), false), clamp(dbl(mmr.get("lambda"), 0.7)),
                bool(decay.get("enabled"), false), Math.max(0, dbl(decay.get("halfLifeDays"), 30)));

        return new MemorySettings(bool(s.get("enabled"), true), List.copyOf(sources), List.copyOf(extra), provider, model, r,
                (int) num(local.get("threads"), 1, 1, 64), tokens, overlap, sy, q, bool(cache.get("enabled"), true),
                (int) num(cache.get("maxEntries"), 0, 0, Integer.MAX_VALUE));
    }

    public boolean indexesSessions() {
        return sources.contains(MemorySearch.SOURCE_SESSIONS);
    }

    public boolean indexesMemory() {
        return sources.contains(MemorySearch.SOURCE_MEMORY);
    }

    /** Which embedder: {@code local}, {@code openai} or {@code none}. */
    public String providerKind() {
        return kindOf(provider);
    }

    private static String kindOf(String provider) {
        return switch (provider) {
            case "openai" -> "openai";
            case "none", "off" -> "none";
            default -> "local";
        };
    }

    /**
     * What the vectors of an index were made with: an index whose key differs answers by words only
     * until it is rebuilt. No secret is part of it.
     */
    public String embedderKey() {
        return switch (providerKind()) {
            case "openai" -> io.gatehouse.memory.embed.OpenAiEmbeddings.keyOf(model, remote.baseUrl());
            case "none" -> "none";
            default -> "local:" + model;
        };
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : Map.of();
    }

    private static String str(Object o, String dflt) {
        return o instanceof String s && !s.isBlank() ? s.trim() : dflt;
    }

    private static boolean bool(Object o, boolean dflt) {
        return o instanceof Boolean b ? b : dflt;
    }

    private static long num(Object o, long dflt, long min, long max) {
        if (!(o instanceof Number n)) {
            return dflt;
        }
        return Math.max(min, Math.min(max, n.longValue()));
    }

    private static double dbl(Object o, double dflt) {
        return o instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : dflt;
    }

    private static double clamp(double d) {
        return Math.max(0, Math.min(1, d));
    }
}
