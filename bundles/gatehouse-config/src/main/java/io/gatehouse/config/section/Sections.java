package io.gatehouse.config.section;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.SectionState;
import io.gatehouse.api.config.schema.Issue;
import io.gatehouse.api.config.schema.Shape;
import io.gatehouse.api.config.schema.Suggest;
import io.gatehouse.config.plan.ReloadMode;

/**
 * Who owns which part of {@code gatehouse.json} at one moment, and what follows from it: the schema
 * check of a candidate config, the reload rule table, and the state of every section.
 *
 * <p>Built from the {@link ConfigSection} services registered now ({@link Owned}) and the sections
 * that installed bundles declare in their {@link ConfigSection#MANIFEST_HEADER} without serving them
 * now ({@link Declared}: the bundle is stopped or its component not satisfied). The config bundle
 * itself owns only {@code gateway.reload} and {@code meta}; sections of the reference's schema that
 * Gatehouse does not implement are {@link #IGNORED}: accepted, warned about, never acted on.
 * Anything else is an unknown key: an error with a did-you-mean.
 */
public final class Sections {

    /** A section served now by its owner. */
    public record Owned(String prefix, ConfigSection section, String owner) {
    }

    /** A section an installed bundle declares but does not serve now. */
    public record Declared(String prefix, String owner) {
    }

    /** The config bundle's symbolic name, the owner of its own sections. */
    public static final String SELF = "io.gatehouse.config";

    /**
     * Top-level sections of the reference gateway's schema that Gatehouse does not implement: a reference
     * config file loads, with one warning per section present.
     */
    public static final Set<String> IGNORED = Set.copyOf(new TreeSet<>(List.of(
            "agent", "approvals", "audio", "auth", "broadcast", "browser", "commands", "cron", "diagnostics",
            "discovery", "env", "hooks", "mcp", "messages", "nodeHost", "routing", "secrets", "talk", "tools", "ui",
            "update", "web", "wizard")));

    private static final Shape GATEWAY_RELOAD = Shape.object()
            .field("mode", Shape.oneOf(ReloadMode.NAMES.toArray(String[]::new)))
            .field("debounceMs", Shape.integer(0, 60_000))
            .field("deferralTimeoutMs", Shape.integer(0, Long.MAX_VALUE));
    private static final Shape META = Shape.object().open();

    /** The pipeline's own sections: nothing to reload for either. */
    static final Map<String, Shape> OWN = Map.of("gateway.reload", GATEWAY_RELOAD, "meta", META);

    private final List<Owned> owned;
    private final List<Declared> declared;
    private final Set<String> ignored;

    public Sections(List<Owned> owned, List<Declared> declared) {
        List<Owned> o = new ArrayList<>(owned);
        o.sort(Comparator.comparing(Owned::prefix));
        this.owned = List.copyOf(o);
        // a prefix served now is not also "declared but inactive"; the pipeline's own are never declared
        Set<String> served = new LinkedHashSet<>();
        o.forEach(x -> served.add(x.prefix()));
        this.declared = declared.stream().filter(d -> !served.contains(d.prefix()) && !OWN.containsKey(d.prefix()))
                .sorted(Comparator.comparing(Declared::prefix)).distinct().toList();
        // a reference section that some bundle implements is that bundle's, not ignored
        Set<String> ignored = new TreeSet<>(IGNORED);
        ignored.removeAll(served);
        this.declared.forEach(d -> ignored.remove(d.prefix()));
        this.ignored = Set.copyOf(ignored);
    }

    /** The reference sections ignored here: {@link #IGNORED} less those some bundle owns. */
    public Set<String> ignored() {
        return ignored;
    }

    public List<Owned> owned() {
        return owned;
    }

    public List<Declared> declared() {
        return declared;
    }

    /** Every prefix anyone owns or declares, and the pipeline's own and the ignored ones. */
    private Set<String> allPrefixes() {
        Set<String> all = new TreeSet<>(OWN.keySet());
        owned.forEach(o -> all.add(o.prefix()));
        declared.forEach(d -> all.add(d.prefix()));
        all.addAll(ignored);
        return all;
    }

    // ---- validation

    /**
     * Checks a candidate config: unknown keys outside every section, each served section against its
     * owner's shape (without the keys more specific sections own), ids the owners do not know, and the
     * owners' cross checks. Ignored reference sections get one warning each. Sections whose owner is
     * not active are accepted as they are (their state says so; see {@link #states}).
     */
    public List<Issue> validate(Map<String, Object> config) {
        List<Issue> out = new ArrayList<>();
        Set<String> prefixes = allPrefixes();
        checkUnowned("", config, prefixes, out);
        for (String name : ignored) {
            if (config.containsKey(name)) {
                out.add(Issue.warn(name, "ignored: the reference's \"" + name
                        + "\" section is not implemented by Gatehouse; its settings are kept and have no effect"));
            }
        }
        for (Map.Entry<String, Shape> own : OWN.entrySet()) {
            Object v = valueAt(config, own.getKey());
            if (v != null) {
                own.getValue().check(own.getKey(), v, out);
            }
        }
        for (Owned o : owned) {
            Object v = valueAt(config, o.prefix());
            try {
                if (v != null) {
                    Shape shape = o.section().schema();
                    if (shape != null) {
                        shape.check(o.prefix(), without(o.prefix(), v, prefixes), out);
                    }
                    String idsPath = o.section().idsPath();
                    if (idsPath != null && valueAt(config, idsPath) instanceof Map<?, ?> ids) {
                        Set<String> known = o.section().knownIds();
                        for (Object id : ids.keySet()) {
                            String child = idsPath + "." + id;
                            if (!known.contains(String.valueOf(id)) && !prefixes.contains(child)) {
                                out.add(Issue.warn(child, "\"" + id + "\" is not known to " + o.owner()
                                        + "; its settings are kept and apply once it is installed"));
                            }
                        }
                    }
                }
                out.addAll(o.section().crossCheck(config));
            } catch (RuntimeException e) {
                out.add(Issue.warn(o.prefix(), "the owner " + o.owner() + " could not check this section: " + e));
            }
        }
        return out;
    }

    /**
     * Below {@code path}, which no section owns: every key must lead to a section. A key that does not
     * is unknown, with the closest key that does as a suggestion.
     */
    private static void checkUnowned(String path, Object value, Set<String> prefixes, List<Issue> out) {
        if (!(value instanceof Map<?, ?> map)) {
            if (value != null) {
                out.add(Issue.error(path, "expected an object, got " + Shape.typeOf(value)));
            }
            return;
        }
        Set<String> next = new TreeSet<>();
        for (String p : prefixes) {
            if (path.isEmpty() || p.startsWith(path + ".")) {
                String rest = path.isEmpty() ? p : p.substring(path.length() + 1);
                int dot = rest.indexOf('.');
                next.add(dot < 0 ? rest : rest.substring(0, dot));
            }
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            String child = Shape.child(path, key);
            if (prefixes.contains(child)) {
                continue; // its owner (or the ignore list) decides
            }
            if (next.contains(key)) {
                checkUnowned(child, e.getValue(), prefixes, out);
            } else {
                out.add(Issue.error(child, "unknown key \"" + key + "\""
                        + Suggest.closest(key, next).map(c -> " (did you mean \"" + c + "\"?)").orElse("")));
            }
        }
    }

    /** {@code value} (at {@code prefix}) without the keys that more specific sections own. */
    static Object without(String prefix, Object value, Set<String> prefixes) {
        if (!(value instanceof Map<?, ?> map)) {
            return value;
        }
        Map<Object, Object> copy = new LinkedHashMap<>(map);
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String child = prefix + "." + e.getKey();
            if (prefixes.contains(child)) {
                copy.remove(e.getKey());
            } else if (prefixes.stream().anyMatch(p -> p.startsWith(child + "."))) {
                copy.put(e.getKey(), without(child, e.getValue(), prefixes));
            }
        }
        return copy;
    }

    // ---- rules

    /**
     * The rule table, and for each rule that stands for a section nothing applies now, why. Rules of a
     * section outside its own prefix are dropped (and reported through {@code problems}).
     */
    public record Rules(List<ReloadRule> rules, Map<ReloadRule, String> inert, List<String> problems) {
    }

    public Rules rules() {
        List<ReloadRule> rules = new ArrayList<>();
        Map<ReloadRule, String> inert = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        rules.add(ReloadRule.none("gateway.reload"));
        rules.add(ReloadRule.none("meta"));
        for (Owned o : owned) {
            List<ReloadRule> declaredRules;
            try {
                declaredRules = o.section().reloadRules();
            } catch (RuntimeException e) {
                problems.add(o.owner() + ": reload rules of " + o.prefix() + " unavailable: " + e);
                declaredRules = List.of();
            }
            boolean own = false;
            for (ReloadRule r : declaredRules) {
                if (r == null || r.prefix() == null) {
                    continue;
                }
                if (!(r.prefix().equals(o.prefix()) || r.prefix().startsWith(o.prefix() + "."))) {
                    problems.add(o.owner() + " declares a rule for " + r.prefix() + " outside its section " + o.prefix()
                            + "; ignored");
                    continue;
                }
                own |= r.prefix().equals(o.prefix());
                rules.add(r);
            }
            if (!own) {
                // an owner that says nothing about its own prefix: a change there restarts (the safe default)
                rules.add(ReloadRule.restart(o.prefix()));
            }
        }
        for (Declared d : declared) {
            ReloadRule r = ReloadRule.none(d.prefix());
            rules.add(r);
            inert.put(r, "inert: owner " + d.owner() + " not active");
        }
        for (String name : ignored) {
            ReloadRule r = ReloadRule.none(name);
            rules.add(r);
            inert.put(r, "ignored: not implemented by Gatehouse");
        }
        return new Rules(List.copyOf(rules), inert, problems);
    }

    // ---- states

    /** Every section known now, with its owner and state, for {@code config:sections}. */
    public List<SectionState> states(Map<String, Object> config) {
        List<SectionState> out = new ArrayList<>();
        for (String p : new TreeSet<>(OWN.keySet())) {
            out.add(new SectionState(p, SELF, "config", valueAt(config, p) != null, "the config pipeline's own"));
        }
        for (Owned o : owned) {
            out.add(new SectionState(o.prefix(), o.owner(), "active", valueAt(config, o.prefix()) != null, "served by its owner"));
        }
        for (Declared d : declared) {
            out.add(new SectionState(d.prefix(), d.owner(), "inert", valueAt(config, d.prefix()) != null,
                    "owner " + d.owner() + " not active; settings are kept and apply when it starts"));
        }
        for (String name : ignored) {
            out.add(new SectionState(name, "", "ignored", config.containsKey(name), "not implemented by Gatehouse"));
        }
        out.sort(Comparator.comparing(s -> s.prefix().toLowerCase(Locale.ROOT)));
        return out;
    }

    /** The value at a dotted path of plain keys, or null. */
    public static Object valueAt(Map<String, Object> root, String dotted) {
        Object at = root;
        for (String segment : dotted.split("\\.", -1)) {
            if (!(at instanceof Map<?, ?> m)) {
                return null;
            }
            at = m.get(segment);
        }
        return at;
    }
}
