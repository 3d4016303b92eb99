package io.gatehouse.config.plan;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The reference gateway's conformance data (a copy of the shared file, in test resources). */
final class Conformance {
    static final String RESOURCE = "/conformance/openclaw-reference.json";

    private static Map<String, Object> data;

    private Conformance() {
    }

    static synchronized Map<String, Object> data() {
        if (data == null) {
            try (InputStream in = Conformance.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing test resource " + RESOURCE);
                }
                data = new ObjectMapper().readValue(in, new TypeReference<Map<String, Object>>() {
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return data;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> section(String name) {
        return (List<Map<String, Object>>) data().get(name);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return value == null ? List.of() : (List<Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<String> strings(Object value) {
        return value == null ? List.of() : (List<String>) value;
    }
}
