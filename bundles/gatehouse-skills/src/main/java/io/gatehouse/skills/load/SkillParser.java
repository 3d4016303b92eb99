package io.gatehouse.skills.load;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads a SKILL.md: a YAML front matter block between a first line {@code ---} and the next line
 * {@code ---}, then the Markdown body. The front matter is parsed with a real YAML 1.2 parser (so the
 * reference's one-line JSON {@code metadata} is just a YAML flow mapping, and block style works too);
 * duplicate keys and aliases bombs are refused. Errors name the file's line and column.
 */
public final class SkillParser {
    static final List<String> META_KEYS = List.of("openclaw", "clawdbot");
    /** Immutable, shared: no duplicate keys, no alias bombs, small documents. */
    private static final LoadSettings SETTINGS = LoadSettings.builder().setAllowDuplicateKeys(false)
            .setMaxAliasesForCollections(20).setCodePointLimit(1_000_000).build();

    private SkillParser() {
    }

    /** Parses the text of a SKILL.md ({@code label} names it in YAML messages). */
    public static ParsedSkill parse(String text, String label) throws SkillFormatException {
        String s = text.startsWith("\uFEFF") ? text.substring(1) : text;
        if (s.isBlank()) {
            throw new SkillFormatException(1, 1, "the file is empty: a SKILL.md starts with a YAML front matter block"
                    + " (a line ---, name and description, a line ---)", true);
        }
        // lines up to the closing ---; the body is the rest of the text as it is (line ends normalised)
        int firstEnd = lineEnd(s, 0);
        if (!s.substring(0, firstEnd).stripTrailing().equals("---")) {
            throw new SkillFormatException(1, 1, "no front matter: the first line must be --- (got \""
                    + cut(s.substring(0, firstEnd), 40) + "\")", false);
        }
        StringBuilder yaml = new StringBuilder();
        int close = -1;
        int line = 1;
        int pos = next(s, firstEnd);
        while (pos >= 0) {
            int end = lineEnd(s, pos);
            line++;
            String l = s.substring(pos, end);
            if (l.stripTrailing().equals("---")) {
                close = line - 1; // 0-based index of the closing line
                pos = next(s, end);
                break;
            }
            yaml.append(l).append('\n');
            pos = next(s, end);
        }
        if (close < 0) {
            throw new SkillFormatException(line, 1, "front matter not closed: no line --- after line 1", true);
        }
        String body = pos < 0 ? "" : s.substring(pos).replace("\r\n", "\n");
        if (yaml.toString().isBlank()) {
            throw new SkillFormatException(2, 1, "the front matter is empty: name and description are required", false);
        }
        Object loaded;
        Map<String, int[]> keyMarks = new HashMap<>();
        try {
            // one parse: the node tree gives the keys' lines, then it is constructed into plain values
            Optional<Node> root = new Compose(SETTINGS).composeString(yaml.toString());
            if (root.isPresent() && root.get() instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode k) {
                        Optional<Mark> mark = k.getStartMark();
                        keyMarks.put(k.getValue(), new int[] {mark.map(Mark::getLine).orElse(0) + 2,
                                mark.map(Mark::getColumn).orElse(0) + 1});
                    }
                }
            }
            loaded = new StandardConstructor(SETTINGS).constructSingleDocument(root);
        } catch (MarkedYamlEngineException e) {
            // a construct left open is reported at the end of the stream: where it opened says more
            int yamlLines = close - 1;
            Optional<Mark> mark = e.getProblemMark().isPresent()
                    && !(e.getProblemMark().get().getLine() >= yamlLines && e.getContextMark().isPresent())
                            ? e.getProblemMark() : e.getContextMark();
            int at = mark.map(m -> m.getLine() + 2).orElse(2);
            int column = mark.map(m -> m.getColumn() + 1).orElse(1);
            String what = e.getProblem() != null ? e.getProblem() : e.getClass().getSimpleName();
            String context = e.getContext() != null ? e.getContext() + ": " : "";
            throw new SkillFormatException(at, column, "invalid YAML front matter: " + context + what, false);
        } catch (YamlEngineException e) {
            throw new SkillFormatException(2, 1, "invalid YAML front matter: " + e.getMessage(), false);
        }
        if (!(loaded instanceof Map<?, ?> fm)) {
            throw new SkillFormatException(2, 1, "the front matter must be a mapping of keys (name: ..., description: ...), got "
                    + kind(loaded), false);
        }
        Fields f = new Fields(fm, keyMarks, close + 1);
        String name = f.requiredString("name");
        if (name.contains("\n") || name.contains("/") || name.contains("\\")) {
            throw f.error("name", "name must be one line without / or \\ (got \"" + cut(name, 40) + "\")");
        }
        String description = f.requiredString("description").replaceAll("\\s*\\n\\s*", " ");
        String homepage = f.optionalString("homepage");
        boolean userInvocable = f.bool("user-invocable", true);
        boolean disableModel = f.bool("disable-model-invocation", false);
        String dispatch = f.optionalString("command-dispatch");
        String tool = f.optionalString("command-tool");
        f.optionalString("command-arg-mode");
        SkillMeta meta = meta(f);
        if (homepage == null) {
            homepage = meta.homepage();
        }
        return new ParsedSkill(name, description, homepage, userInvocable, disableModel,
                dispatch == null ? null : dispatch.trim().toLowerCase(Locale.ROOT), tool, meta, body);
    }

    private static SkillMeta meta(Fields f) throws SkillFormatException {
        Object raw = f.fm.get("metadata");
        if (raw == null) {
            return SkillMeta.NONE;
        }
        if (raw instanceof String text) {
            // the reference's metadata is a one-line JSON object; a quoted one is JSON inside a string
            try {
                raw = new Load(SETTINGS).loadFromString(text);
            } catch (YamlEngineException e) {
                throw f.error("metadata", "metadata: not a JSON or YAML object (" + cut(String.valueOf(e.getMessage()), 80) + ")");
            }
        }
        if (!(raw instanceof Map<?, ?> metadata)) {
            throw f.error("metadata", "metadata: expected an object like {\"openclaw\": {...}}, got " + kind(raw));
        }
        Object oc = null;
        for (String k : META_KEYS) {
            if (metadata.get(k) != null) {
                oc = metadata.get(k);
                break;
            }
        }
        if (oc == null) {
            return SkillMeta.NONE;
        }
        if (!(oc instanceof Map<?, ?> o)) {
            throw f.error("metadata", "metadata.openclaw: expected an object, got " + kind(oc));
        }
        Map<?, ?> requires = Map.of();
        if (o.get("requires") != null) {
            if (!(o.get("requires") instanceof Map<?, ?> r)) {
                throw f.error("metadata", "metadata.openclaw.requires: expected an object, got " + kind(o.get("requires")));
            }
            requires = r;
        }
        Object always = o.get("always");
        if (always != null && !(always instanceof Boolean)) {
            throw f.error("metadata", "metadata.openclaw.always: expected true or false, got " + kind(always));
        }
        return new SkillMeta(Boolean.TRUE.equals(always), str(f, o, "emoji"), str(f, o, "homepage"),
                strings(f, o, "os", "metadata.openclaw.os"), strings(f, requires, "bins", "metadata.openclaw.requires.bins"),
                strings(f, requires, "anyBins", "metadata.openclaw.requires.anyBins"),
                strings(f, requires, "env", "metadata.openclaw.requires.env"),
                strings(f, requires, "config", "metadata.openclaw.requires.config"), str(f, o, "primaryEnv"),
                str(f, o, "skillKey"));
    }

    private static String str(Fields f, Map<?, ?> m, String key) throws SkillFormatException {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw f.error("metadata", "metadata.openclaw." + key + ": expected a string, got " + kind(v));
        }
        return s.isBlank() ? null : s.trim();
    }

    private static List<String> strings(Fields f, Map<?, ?> m, String key, String path) throws SkillFormatException {
        Object v = m.get(key);
        if (v == null) {
            return List.of();
        }
        if (v instanceof String s) {
            return s.isBlank() ? List.of() : List.of(s.trim());
        }
        if (!(v instanceof List<?> list)) {
            throw f.error("metadata", path + ": expected a list of strings, got " + kind(v));
        }
        List<String> out = new ArrayList<>();
        for (Object x : list) {
            if (!(x instanceof String s)) {
                throw f.error("metadata", path + ": expected a list of strings, found " + kind(x));
            }
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    /** The end (exclusive, before {@code \r\n} or {@code \n}) of the line starting at {@code from}. */
    private static int lineEnd(String s, int from) {
        int nl = s.indexOf('\n', from);
        int end = nl < 0 ? s.length() : nl;
        return end > from && s.charAt(end - 1) == '\r' ? end - 1 : end;
    }

    /** The start of the line after the one ending at {@code end}, or -1 at the end of the text. */
    private static int next(String s, int end) {
        int nl = s.indexOf('\n', end);
        return nl < 0 ? -1 : nl + 1;
    }

    static String kind(Object v) {
        if (v == null) {
            return "nothing";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "a list";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        if (v instanceof Number) {
            return "a number";
        }
        return v.getClass().getSimpleName();
    }

    static String cut(String s, int max) {
        return s.length() > max ? s.substring(0, max) + "..." : s;
    }

    /** The top-level front matter with the line and column of each key. */
    private record Fields(Map<?, ?> fm, Map<String, int[]> marks, int closeLine) {
        SkillFormatException error(String key, String reason) {
            int[] at = marks.get(key);
            return at == null ? new SkillFormatException(2, 1, reason, false)
                    : new SkillFormatException(at[0], at[1], reason, false);
        }

        String requiredString(String key) throws SkillFormatException {
            Object v = fm.get(key);
            if (v == null) {
                throw new SkillFormatException(closeLine, 1, "missing required front matter key \"" + key + "\"", false);
            }
            if (!(v instanceof String s)) {
                throw error(key, key + ": expected a string, got " + kind(v));
            }
            if (s.isBlank()) {
                throw error(key, key + ": must not be empty");
            }
            return s.strip();
        }

        String optionalString(String key) throws SkillFormatException {
            Object v = fm.get(key);
            if (v == null) {
                return null;
            }
            if (!(v instanceof String s)) {
                throw error(key, key + ": expected a string, got " + kind(v));
            }
            return s.isBlank() ? null : s.strip();
        }

        boolean bool(String key, boolean dflt) throws SkillFormatException {
            Object v = fm.get(key);
            if (v == null) {
                return dflt;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            if (v instanceof String s) {
                switch (s.trim().toLowerCase(Locale.ROOT)) {
                    case "true", "yes", "1", "on":
                        return true;
                    case "false", "no", "0", "off":
                        return false;
                    default:
                        break;
                }
            }
            throw error(key, key + ": expected true or false, got " + (v instanceof String s ? "\"" + cut(s, 40) + "\"" : kind(v)));
        }
    }
}
