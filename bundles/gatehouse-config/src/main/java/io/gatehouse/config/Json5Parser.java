package io.gatehouse.config;

import java.nio.file.Path;
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

import io.gatehouse.api.config.ConfigError;
import io.gatehouse.api.config.ConfigException;

/**
 * Parses {@code gatehouse.json}: JSON with comments, trailing commas, unquoted keys and single quotes.
 */
public final class Json5Parser {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final int maxDepth;
    private final ObjectMapper mapper;

    /** With the default limits ({@link ConfigLimits#DEFAULTS}). */
    public Json5Parser() {
        this(ConfigLimits.DEFAULT_MAX_DEPTH);
    }

    /** Objects and arrays nested deeper than {@code maxDepth} are refused (with the limit and the position). */
    public Json5Parser(int maxDepth) {
        this.maxDepth = maxDepth;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build()).build();
        this.mapper = JsonMapper.builder(factory)
                .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_YAML_COMMENTS,
                        JsonReadFeature.ALLOW_TRAILING_COMMA, JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES,
                        JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS,
                        JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS,
                        JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS,
                        JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                // Text after the root object is an error, not silently ignored (the editor agrees).
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .build();
    }

    /**
     * Parses a whole document into plain Java values. The document must be one JSON object.
     *
     * @throws ConfigException with the file, line and column of the first error
     */
    public Map<String, Object> parse(Path file, String text) throws ConfigException {
        JsonNode root;
        try (JsonParser p = mapper.createParser(text)) {
            try {
                root = mapper.readTree(p);
            } catch (StreamConstraintsException e) {
                // Jackson's limit errors carry no position: the parser's is where the limit was crossed.
                JsonLocation at = p.currentLocation();
                String reason = e.getOriginalMessage() != null && e.getOriginalMessage().contains("nesting depth")
                        ? "objects and arrays nested deeper than the limit of " + maxDepth + " levels ("
                                + ConfigLimits.MAX_DEPTH_PROPERTY + ")"
                        : e.getOriginalMessage();
                throw new ConfigException(new ConfigError(file, Math.max(1, at.getLineNr()), Math.max(1, at.getColumnNr()),
                        "", reason), e);
            } catch (JsonProcessingException e) {
                JsonLocation at = e.getLocation() != null ? e.getLocation() : p.currentLocation();
                throw new ConfigException(new ConfigError(file, at == null ? 0 : at.getLineNr(),
                        at == null ? 0 : at.getColumnNr(), "", e.getOriginalMessage()), e);
            }
        } catch (java.io.IOException e) {
            throw new ConfigException(new ConfigError(file, 0, 0, "", "cannot parse: " + e.getMessage()), e);
        }
        if (root == null || root.isMissingNode()) {
            // An empty or comment-only file is what a writer leaves between truncating and writing:
            // never a config (applying it as {} would drop every section).
            throw new ConfigException(new ConfigError(file, 1, 1, "", "no JSON object: the file is empty or holds only comments"));
        }
        if (!root.isObject()) {
            throw new ConfigException(new ConfigError(file, 1, 1, "", "the config must be a JSON object, found "
                    + root.getNodeType().name().toLowerCase()));
        }
        return mapper.convertValue(root, MAP);
    }

    /**
     * Line and column of every value, by dotted path ({@code bindings.0.agentId}), so validation
     * errors can point into the file. Call only on text that {@link #parse} accepted.
     */
    public Map<String, int[]> locations(String text) {
        Map<String, int[]> at = new java.util.HashMap<>();
        try (com.fasterxml.jackson.core.JsonParser p = mapper.getFactory().createParser(text)) {
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
                // a value: advance the index when inside an array
                if (!path.isEmpty() && path.peekLast() instanceof int[] idx) {
                    idx[0]++;
                }
                JsonLocation loc = p.currentTokenLocation();
                at.put(dotted(path), new int[] {loc.getLineNr(), loc.getColumnNr()});
                if (t == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                    path.addLast("");
                } else if (t == com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
                    path.addLast(new int[] {-1});
                }
            }
        } catch (java.io.IOException e) {
            // parse() accepted the text; a failure here only costs positions
        }
        return at;
    }

    private static String dotted(java.util.Deque<Object> path) {
        StringBuilder b = new StringBuilder();
        for (Object seg : path) {
            if (b.length() > 0) {
                b.append('.');
            }
            b.append(seg instanceof int[] i ? Integer.toString(i[0]) : (String) seg);
        }
        return b.toString();
    }

    /** Canonical JSON (keys sorted), the input of the config hash. */
    public String canonical(Map<String, Object> config) {
        try {
            return mapper.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("plain Java values always serialise", e);
        }
    }
}
