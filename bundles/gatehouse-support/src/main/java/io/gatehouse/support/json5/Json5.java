package io.gatehouse.support.json5;

import java.util.Locale;
import java.util.Map;

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
                throw new Json5Exception(at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
                        e.getOriginalMessage(), e);
            }
        } catch (java.io.IOException e) {
            throw new Json5Exception(0, 0, "cannot parse: " + e.getMessage(), e);
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
