package io.gatehouse.skills.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code skills} config section as this bundle uses it, read leniently (the section's schema
 * reports wrong types; here they fall back to the defaults).
 *
 * @param watch           {@code load.watch} (true)
 * @param debounceMs      {@code load.watchDebounceMs} (250): quiet time before a change event fires
 * @param extraDirs       {@code load.extraDirs}
 * @param allowBundled    {@code allowBundled}: when set, only these plugin-shipped skills are eligible; null: all
 * @param entries         {@code entries.<key>}
 * @param maxInPrompt     {@code limits.maxSkillsInPrompt} (150)
 * @param maxPromptChars  {@code limits.maxSkillsPromptChars} (18000)
 * @param maxFileBytes    {@code limits.maxSkillFileBytes} (256000)
 * @param maxCandidates   {@code limits.maxCandidatesPerRoot} (1000)
 */
public record Settings(boolean watch, long debounceMs, List<String> extraDirs, List<String> allowBundled,
        Map<String, Entry> entries, int maxInPrompt, int maxPromptChars, long maxFileBytes, int maxCandidates) {

    public static final long DEFAULT_DEBOUNCE_MS = 250;

    /**
     * One {@code skills.entries.<key>}.
     *
     * @param enabled false turns the skill off; null: not set
     * @param apiKey  passed as the skill's {@code primaryEnv}; a secret
     * @param env     variables for the skill; secrets
     */
    public record Entry(Boolean enabled, String apiKey, Map<String, String> env) {
    }

    public static Settings of(Object section) {
        Map<?, ?> s = section instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> load = s.get("load") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> limits = s.get("limits") instanceof Map<?, ?> m ? m : Map.of();
        boolean watch = !(load.get("watch") instanceof Boolean b) || b;
        long debounce = load.get("watchDebounceMs") instanceof Number n ? Math.max(0, n.longValue()) : DEFAULT_DEBOUNCE_MS;
        List<String> extra = strings(load.get("extraDirs"));
        List<String> allow = s.get("allowBundled") instanceof List<?> ? strings(s.get("allowBundled")) : null;
        Map<String, Entry> entries = new TreeMap<>();
        if (s.get("entries") instanceof Map<?, ?> es) {
            es.forEach((k, v) -> {
                if (v instanceof Map<?, ?> e) {
                    Map<String, String> env = new LinkedHashMap<>();
                    if (e.get("env") instanceof Map<?, ?> em) {
                        em.forEach((ek, ev) -> {
                            if (ev != null) {
                                env.put(String.valueOf(ek), String.valueOf(ev));
                            }
                        });
                    }
                    entries.put(String.valueOf(k), new Entry(e.get("enabled") instanceof Boolean b ? b : null,
                            e.get("apiKey") instanceof String key && !key.isEmpty() ? key : null, env));
                }
            });
        }
        return new Settings(watch, debounce, extra, allow, entries, intOf(limits.get("maxSkillsInPrompt"), 150),
                intOf(limits.get("maxSkillsPromptChars"), 18_000), intOf(limits.get("maxSkillFileBytes"), 256_000),
                intOf(limits.get("maxCandidatesPerRoot"), 1000));
    }

    private static int intOf(Object o, int dflt) {
        return o instanceof Number n && n.longValue() >= 0 ? (int) Math.min(Integer.MAX_VALUE, n.longValue()) : dflt;
    }

    static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            for (Object x : l) {
                if (x instanceof String str && !str.isBlank()) {
                    out.add(str.trim());
                }
            }
        }
        return out;
    }

    public Entry entry(String key) {
        return entries.get(key);
    }

    /** Canonical text of what shapes snapshots (not watch settings), for fingerprints. */
    String fingerprintText() {
        StringBuilder b = new StringBuilder();
        b.append("allow=").append(allowBundled).append('\n');
        entries.forEach((k, e) -> b.append("entry ").append(k).append(' ').append(e.enabled()).append(' ')
                .append(e.apiKey() == null ? "-" : RootScanner.hash(e.apiKey().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .append(' ')
                .append(RootScanner.hash(new TreeMap<>(e.env()).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .append('\n'));
        b.append("limits=").append(maxInPrompt).append(',').append(maxPromptChars).append(',').append(maxFileBytes)
                .append(',').append(maxCandidates).append('\n');
        return b.toString();
    }
}
