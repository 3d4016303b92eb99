package io.gatehouse.channel.openai;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The types of the request fields the channel reads or that an OpenAI client commonly sends: a field of
 * the wrong type is refused (400 {@code invalid_type}, naming the field) instead of being coerced
 * ({@code "stream": "yes"} used to mean "not streaming"). Fields the channel does not know are ignored,
 * as the OpenAI API does with extensions.
 */
final class RequestFields {
    private RequestFields() {
    }

    /** Field name to the JSON type it must have when present and not null. */
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("model", "string"), Map.entry("messages", "array"), Map.entry("stream", "boolean"),
            Map.entry("user", "string"), Map.entry("stream_options", "object"), Map.entry("temperature", "number"),
            Map.entry("top_p", "number"), Map.entry("max_tokens", "integer"), Map.entry("max_completion_tokens", "integer"),
            Map.entry("n", "integer"), Map.entry("presence_penalty", "number"), Map.entry("frequency_penalty", "number"),
            Map.entry("seed", "integer"), Map.entry("metadata", "object"));

    /** Why the body's fields have the wrong types ({@code field: expected T, got U}), or null when they are fine. */
    static String problem(JsonNode body) {
        for (Map.Entry<String, String> e : TYPES.entrySet()) {
            JsonNode v = body.get(e.getKey());
            if (v != null && !v.isNull() && !is(v, e.getValue())) {
                return e.getKey() + ": expected " + article(e.getValue()) + ", got " + describe(v);
            }
        }
        JsonNode messages = body.get("messages");
        if (messages != null && messages.isArray()) {
            for (int i = 0; i < messages.size(); i++) {
                JsonNode m = messages.get(i);
                String at = "messages[" + i + "]";
                if (!m.isObject()) {
                    return at + ": expected an object, got " + describe(m);
                }
                if (!m.path("role").isTextual()) {
                    return at + ".role: expected a string, got " + describe(m.path("role"));
                }
                JsonNode content = m.get("content");
                if (content != null && !content.isNull() && !content.isTextual() && !content.isArray()) {
                    return at + ".content: expected a string or an array of parts, got " + describe(content);
                }
                if (content != null && content.isArray()) {
                    for (int j = 0; j < content.size(); j++) {
                        JsonNode part = content.get(j);
                        if (!part.isObject() || !part.path("type").isTextual()) {
                            return at + ".content[" + j + "]: expected an object with a string \"type\", got " + describe(part);
                        }
                        if ("text".equals(part.path("type").asText()) && !part.path("text").isTextual()) {
                            return at + ".content[" + j + "].text: expected a string, got " + describe(part.path("text"));
                        }
                    }
                }
            }
        }
        return null;
    }

    private static boolean is(JsonNode v, String type) {
        return switch (type) {
            case "string" -> v.isTextual();
            case "array" -> v.isArray();
            case "object" -> v.isObject();
            case "boolean" -> v.isBoolean();
            case "integer" -> v.isIntegralNumber();
            case "number" -> v.isNumber();
            default -> true;
        };
    }

    private static String article(String type) {
        return type.startsWith("a") || type.startsWith("i") || type.startsWith("o") ? "an " + type : "a " + type;
    }

    /** The JSON type of a value (never the value itself: it may be anything a client sent). */
    private static String describe(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "nothing";
        }
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> v.isIntegralNumber() ? "an integer" : "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
