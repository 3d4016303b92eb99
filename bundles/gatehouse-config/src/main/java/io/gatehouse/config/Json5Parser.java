package io.gatehouse.config;

import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.gatehouse.api.config.ConfigError;
import io.gatehouse.api.config.ConfigException;
import io.gatehouse.support.json5.Json5;
import io.gatehouse.support.json5.Json5Exception;
import io.gatehouse.support.json5.Json5Limits;

/**
 * Parses {@code gatehouse.json} in the gateway's JSON5 dialect ({@link Json5}, shared with the launcher
 * and the plugins bundle), with the file, line and column of errors; also the positions of values and
 * the canonical form the config hash is computed from.
 */
public final class Json5Parser {
    private final ObjectMapper mapper = Json5.mapper();
    private final int maxDepth;

    /** With the default nesting limit ({@link Json5Limits#DEFAULT_MAX_DEPTH}). */
    public Json5Parser() {
        this(Json5Limits.DEFAULT_MAX_DEPTH);
    }

    /** Objects and arrays nested deeper than {@code maxDepth} are refused (with the limit and the position). */
    public Json5Parser(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    /**
     * Parses a whole document into plain Java values. The document must be one JSON object.
     *
     * @throws ConfigException with the file, line and column of the first error
     */
    public Map<String, Object> parse(Path file, String text) throws ConfigException {
        try {
            return Json5.readMap(text, "the config", maxDepth);
        } catch (Json5Exception e) {
            throw new ConfigException(new ConfigError(file, e.line(), e.column(), "", e.reason()),
                    e.getCause() != null ? e.getCause() : e);
        }
    }

    /** Prefix of the entries of {@link #locations} that give a key's position rather than its value's. */
    public static final String KEY = "key:";

    /**
     * Line and column of every value, by dotted path ({@code bindings.0.agentId}), so validation
     * errors can point into the file; the key of a member under {@link #KEY} + path. Call only on
     * text that {@link #parse} accepted.
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
                    JsonLocation key = p.currentTokenLocation();
                    at.put(KEY + dotted(path), new int[] {key.getLineNr(), key.getColumnNr()});
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
