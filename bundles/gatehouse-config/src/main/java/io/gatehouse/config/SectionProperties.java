package io.gatehouse.config;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.gatehouse.config.edit.PathSyntaxException;
import io.gatehouse.config.edit.Paths;

/**
 * A config section as Config Admin properties, and back. Config Admin allows only scalars and
 * arrays of one scalar type, so nested objects become dotted keys ({@code reload.mode}); arrays of
 * objects, mixed arrays, objects whose keys contain dots (logger names) and sections that are
 * arrays ({@code bindings}, under the key {@link #VALUE}) are JSON text.
 */
final class SectionProperties {
    static final String VALUE = "value";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Keys Config Admin adds itself. */
    private static final List<String> FRAMEWORK_KEYS = List.of("service.pid", "service.factoryPid",
            "service.bundleLocation", "felix.fileinstall.filename");

    private SectionProperties() {
    }

    static Hashtable<String, Object> flatten(Object section) {
        Hashtable<String, Object> out = new Hashtable<>();
        if (section instanceof Map<?, ?> m) {
            flattenInto("", m, out);
        } else if (section != null) {
            out.put(VALUE, json(section));
        }
        return out;
    }

    private static void flattenInto(String prefix, Map<?, ?> m, Hashtable<String, Object> out) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v == null) {
                continue;
            }
            if (v instanceof Map<?, ?> child) {
                boolean dotted = child.keySet().stream().anyMatch(k -> String.valueOf(k).contains("."));
                if (child.isEmpty() || dotted) {
                    out.put(key, json(child));
                } else {
                    flattenInto(key + ".", child, out);
                }
            } else if (v instanceof List<?> list) {
                Object array = scalarArray(list);
                out.put(key, array != null ? array : json(list));
            } else if (v instanceof Integer i) {
                out.put(key, i.longValue());
            } else {
                out.put(key, v);
            }
        }
    }

    /** A typed array when every element is the same scalar type, else null. */
    private static Object scalarArray(List<?> list) {
        if (list.isEmpty() || list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toArray(String[]::new);
        }
        if (list.stream().allMatch(x -> x instanceof Integer || x instanceof Long)) {
            return list.stream().map(x -> ((Number) x).longValue()).toArray(Long[]::new);
        }
        if (list.stream().allMatch(Boolean.class::isInstance)) {
            return list.stream().map(Boolean.class::cast).toArray(Boolean[]::new);
        }
        return null;
    }

    /** Properties back to a section value (a map, or the array under {@link #VALUE}). */
    static Object unflatten(Dictionary<String, ?> props) {
        Map<String, Object> root = new LinkedHashMap<>();
        Enumeration<String> keys = props.keys();
        List<String> sorted = new ArrayList<>();
        while (keys.hasMoreElements()) {
            sorted.add(keys.nextElement());
        }
        sorted.sort(null);
        for (String key : sorted) {
            if (FRAMEWORK_KEYS.contains(key)) {
                continue;
            }
            Object v = fromProperty(props.get(key));
            if (VALUE.equals(key) && v instanceof List) {
                return v;
            }
            String[] parts = keyPath(key);
            Map<String, Object> at = root;
            for (int i = 0; i < parts.length - 1; i++) {
                Object next = at.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
                if (!(next instanceof Map)) {
                    next = new LinkedHashMap<String, Object>();
                    at.put(parts[i], next);
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> n = (Map<String, Object>) next;
                at = n;
            }
            at.put(parts[parts.length - 1], v);
        }
        return root;
    }

    /** A property key's path: dotted, with quoted segments for keys that contain dots. */
    private static String[] keyPath(String key) {
        try {
            return Paths.split(key).toArray(String[]::new);
        } catch (PathSyntaxException e) {
            return new String[] {key}; // a key someone else wrote that is not a path: keep it whole
        }
    }

    private static Object fromProperty(Object v) {
        if (v instanceof String s) {
            String t = s.trim();
            if ((t.startsWith("[") && t.endsWith("]")) || (t.startsWith("{") && t.endsWith("}"))) {
                try {
                    return JSON.readValue(t, Object.class);
                } catch (JsonProcessingException notJson) {
                    return s;
                }
            }
            return s;
        }
        if (v != null && v.getClass().isArray()) {
            List<Object> list = new ArrayList<>();
            int n = java.lang.reflect.Array.getLength(v);
            for (int i = 0; i < n; i++) {
                list.add(java.lang.reflect.Array.get(v, i));
            }
            return list;
        }
        if (v instanceof java.util.Collection<?> c) {
            return new ArrayList<>(c);
        }
        return v;
    }

    private static String json(Object v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Dictionary<String, Object> withoutFrameworkKeys(Dictionary<String, ?> props) {
        Hashtable<String, Object> out = new Hashtable<>();
        Enumeration<String> keys = props.keys();
        while (keys.hasMoreElements()) {
            String k = keys.nextElement();
            if (!FRAMEWORK_KEYS.contains(k)) {
                out.put(k, props.get(k));
            }
        }
        return out;
    }
}
