package io.gatehouse.support.json5;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON5-style dialect of {@code gatehouse.json} and the feature files, the one every reader uses
 * (the launcher, the config bundle, the plugins bundle): JSON plus {@code //}, {@code /* *}{@code /} and
 * {@code #} comments, trailing commas, unquoted keys, single-quoted strings, {@code +1}, {@code .5},
 * {@code 5.}, {@code NaN}/{@code Infinity}. Duplicate keys and anything but comments after the root value
 * are errors. The config editor's own syntax tree (gatehouse-config, {@code io.gatehouse.config.edit}) is
 * tested against this dialect.
 */
public final class Json5 {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final ObjectMapper MAPPER = builder().build();
    /** Mappers whose parser refuses nesting deeper than their limit, by limit (few distinct limits exist). */
    private static final java.util.concurrent.ConcurrentMap<Integer, ObjectMapper> LIMITED =
            new java.util.concurrent.ConcurrentHashMap<>();

    private Json5() {
    }

    /** A mapper builder with the dialect's read features (callers may add write features). */
    public static JsonMapper.Builder builder() {
        return builder(JsonMapper.builder());
    }

    private static JsonMapper.Builder builder(JsonMapper.Builder b) {
        return b
                .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_YAML_COMMENTS,
                        JsonReadFeature.ALLOW_TRAILING_COMMA, JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES,
                        JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS,
                        JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS,
                        JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS,
                        JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                // Text after the root value is an error, not silently ignored (the config editor agrees).
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // Canonical output (the config hash): keys sorted.
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    }

    /** The shared mapper (thread-safe; do not reconfigure it). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Parses a document whose root must be an object.
     *
     * @param what how errors name the document's kind, e.g. {@code "the config"}, {@code "a feature file"}
     * @throws Json5Exception with line and column (1-based; 1:1 for an empty document or a wrong root)
     */
    public static JsonNode readObject(String text, String what) throws Json5Exception {
        return readObject(text, what, Json5Limits.fromSystem().maxDepth());
    }

    /**
     * As {@link #readObject(String, String)}, refusing objects and arrays nested deeper than {@code maxDepth}
     * (an error naming the limit, at the position where it is crossed): every reader after the parser
     * (substitution, schema checks, diffs) may then recurse without endangering its stack.
     */
    public static JsonNode readObject(String text, String what, int maxDepth) throws Json5Exception {
        int depth = Math.max(2, Math.min(maxDepth, Json5Limits.CEILING_DEPTH));
        ObjectMapper mapper = LIMITED.computeIfAbsent(depth, d -> builder(JsonMapper.builder(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(d).build()).build())).build());
        JsonNode root;
        try (JsonParser p = mapper.createParser(text)) {
            try {
                root = mapper.readTree(p);
            } catch (StreamConstraintsException e) {
                // Jackson's limit errors carry no position: the parser's is where the limit was crossed.
                JsonLocation at = p.currentLocation();
                String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
                String reason = m.contains("nesting depth") ? "objects and arrays nested deeper than the limit of " + depth
                        + " levels (" + Json5Limits.MAX_DEPTH_PROPERTY + ")" : m;
                throw new Json5Exception(Math.max(1, at.getLineNr()), Math.max(1, at.getColumnNr()), reason, e);
            } catch (JsonProcessingException e) {
                JsonLocation at = e.getLocation() != null ? e.getLocation() : p.currentLocation();
                // Not chained: the parser's own message quotes the offending token, which may be a secret
                // written without quotes; the reason names its kind instead (see safeReason).
                throw new Json5Exception(at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
                        safeReason(e.getOriginalMessage()), null);
            }
        } catch (java.io.IOException e) {
            throw new Json5Exception(0, 0, "cannot parse: " + e.getClass().getSimpleName(), null);
        }
        if (root == null || root.isMissingNode()) {
            // An empty or comment-only file is what a writer leaves between truncating and writing:
            // never a document (reading it as {} would drop everything).
            throw new Json5Exception(1, 1, "no JSON object: the file is empty or holds only comments", null);
        }
        if (!root.isObject()) {
            throw new Json5Exception(1, 1, what + " must be a JSON object, found "
                    + root.getNodeType().name().toLowerCase(Locale.ROOT), null);
        }
        return root;
    }

    private static final Pattern UNRECOGNIZED_TOKEN = Pattern.compile("^Unrecognized token '(.*?)': (.*)$", Pattern.DOTALL);
    private static final Pattern UNEXPECTED_CHAR = Pattern.compile("Unexpected character \\('(.{1,2})' \\(code (\\d+)\\)\\)");
    private static final Pattern CHAR_ESCAPE = Pattern.compile("Unrecognized character escape '(.{1,2})' \\(code (\\d+)\\)");
    private static final Pattern NUMERIC = Pattern.compile("Numeric value \\((.*?)\\) out of range");
    private static final Pattern INVALID_NUMERIC = Pattern.compile("(Invalid numeric value: [^']*)'[^']*'");
    private static final String STRUCTURAL = "{}[]:,\"'/#";

    /**
     * The parser's message without the text of what it read: parse errors reach the log, the reload
     * history and gateway:status, and a secret written without quotes ({@code token: sk_live_...}) is
     * exactly the token the parser stops at. The kind of token stays (a bare word of N characters, a
     * letter, a digit; structural characters such as {@code '}'} are shown as they are).
     */
    public static String safeReason(String message) {
        if (message == null) {
            return "not valid JSON5";
        }
        String m = message;
        Matcher t = UNRECOGNIZED_TOKEN.matcher(m);
        if (t.matches()) {
            m = "unrecognized token (a bare word of " + t.group(1).length() + " characters; text values need quotes): "
                    + t.group(2);
        }
        Matcher c = UNEXPECTED_CHAR.matcher(m);
        StringBuilder b = new StringBuilder();
        while (c.find()) {
            String ch = c.group(1);
            String kind = ch.length() == 1 && STRUCTURAL.indexOf(ch.charAt(0)) >= 0 ? "'" + ch + "'" : kindOf(Integer.parseInt(c.group(2)));
            c.appendReplacement(b, Matcher.quoteReplacement("Unexpected character (" + kind + ")"));
        }
        c.appendTail(b);
        m = b.toString();
        m = CHAR_ESCAPE.matcher(m).replaceAll("Unrecognized character escape (a backslash before a character that cannot follow it)");
        m = NUMERIC.matcher(m).replaceAll("Numeric value out of range");
        m = INVALID_NUMERIC.matcher(m).replaceAll("$1(value not shown)");
        return m;
    }

    private static String kindOf(int code) {
        if (Character.isLetter(code)) {
            return "a letter";
        }
        if (Character.isDigit(code)) {
            return "a digit";
        }
        if (Character.isISOControl(code) || Character.isWhitespace(code)) {
            return String.format("U+%04X", code);
        }
        return "a symbol";
    }

    /** {@link #readObject} as plain Java values (Map, List, String, Number, Boolean, null). */
    public static Map<String, Object> readMap(String text, String what) throws Json5Exception {
        return toMap(readObject(text, what));
    }

    /** {@link #readObject(String, String, int)} as plain Java values. */
    public static Map<String, Object> readMap(String text, String what, int maxDepth) throws Json5Exception {
        return toMap(readObject(text, what, maxDepth));
    }

    /**
     * The 1-based line and column of the value at a dotted path ({@code gateway.port}; array elements by
     * index), or null when the text has no such value or does not parse. For error messages.
     */
    public static int[] locate(String text, String dottedPath) {
        try (JsonParser p = MAPPER.getFactory().createParser(text)) {
            java.util.ArrayDeque<Object> path = new java.util.ArrayDeque<>(); // String key or int[] {index}
            com.fasterxml.jackson.core.JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                    path.removeLast();
                    path.addLast(p.currentName());
                    continue;
                }
                if (t == com.fasterxml.jackson.core.JsonToken.END_OBJECT || t == com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
                    path.removeLast();
                    continue;
                }
                if (!path.isEmpty() && path.peekLast() instanceof int[] idx) {
                    idx[0]++;
                }
                StringBuilder b = new StringBuilder();
                for (Object seg : path) {
                    b.append(b.length() > 0 ? "." : "").append(seg instanceof int[] i ? Integer.toString(i[0]) : (String) seg);
                }
                if (b.toString().equals(dottedPath)) {
                    JsonLocation loc = p.currentTokenLocation();
                    return new int[] {loc.getLineNr(), loc.getColumnNr()};
                }
                if (t == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                    path.addLast("");
                } else if (t == com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
                    path.addLast(new int[] {-1});
                }
            }
        } catch (java.io.IOException e) {
            // no position
        }
        return null;
    }

    /** An object node as plain Java values. */
    public static Map<String, Object> toMap(JsonNode object) {
        return MAPPER.convertValue(object, MAP);
    }
}
