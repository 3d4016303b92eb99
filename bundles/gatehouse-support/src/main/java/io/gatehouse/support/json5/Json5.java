package io.gatehouse.support.json5;

import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonLocation;
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

    private Json5() {
    }

    /** A mapper builder with the dialect's read features (callers may add write features). */
    public static JsonMapper.Builder builder() {
        return JsonMapper.builder()
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
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new Json5Exception(at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
                    e.getOriginalMessage(), e);
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

    /** An object node as plain Java values. */
    public static Map<String, Object> toMap(JsonNode object) {
        return MAPPER.convertValue(object, MAP);
    }
}
