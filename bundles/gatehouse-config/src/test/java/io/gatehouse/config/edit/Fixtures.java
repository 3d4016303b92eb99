package io.gatehouse.config.edit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gatehouse.api.config.ConfigException;
import io.gatehouse.config.Json5Parser;

/** Test fixtures, and the gateway's own parser (Jackson with the gateway's flags) as the oracle. */
final class Fixtures {
    /** runtime/src/dist/etc/gatehouse.json, as shipped. */
    static final String DIST = load("dist-gatehouse.json");
    /** A bigger hand-edited file: arrays of bindings, block and # comments, single quotes, inline objects. */
    static final String BIG = load("big-gatehouse.json");

    private static final Json5Parser GATEWAY = new Json5Parser();
    private static final Path FILE = Path.of("etc/gatehouse.json");

    private Fixtures() {
    }

    static String load(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The config as the gateway reads it. */
    static Map<String, Object> gateway(String text) {
        try {
            if (parse(text).root().isEmpty()) {
                return Map.of(); // the gateway refuses a file with no object; as the "before" of an edit it is empty
            }
            return GATEWAY.parse(FILE, text);
        } catch (ConfigException e) {
            throw new AssertionError("the gateway cannot read:\n" + text, e);
        }
    }

    static Json5Document parse(String text) {
        try {
            return Json5Document.parse(text);
        } catch (Json5SyntaxException e) {
            throw new AssertionError(e.getMessage() + " in:\n" + text, e);
        }
    }

    /** {@code text} with {@code from} (which must occur exactly once) replaced by {@code to}. */
    static String replaced(String text, String from, String to) {
        int at = text.indexOf(from);
        assertNotEquals(-1, at, "not in text: " + from);
        assertEquals(-1, text.indexOf(from, at + 1), "more than once in text: " + from);
        return text.substring(0, at) + to + text.substring(at + from.length());
    }

    static List<String> path(String dotted) {
        return dotted.isEmpty() ? List.of() : List.of(dotted.split("\\.", -1));
    }

    /** An independent model of set: deep copy of {@code root} with {@code value} at {@code path}. */
    @SuppressWarnings("unchecked")
    static Object withValue(Object root, List<String> path, Object value) {
        if (path.isEmpty()) {
            return value;
        }
        Object copy = deepCopy(root);
        Object node = copy;
        for (int i = 0; i < path.size() - 1; i++) {
            String s = path.get(i);
            if (node instanceof List<?> list) {
                node = list.get(Integer.parseInt(s));
            } else {
                node = ((Map<String, Object>) node).computeIfAbsent(s, k -> new LinkedHashMap<String, Object>());
            }
        }
        String last = path.get(path.size() - 1);
        if (node instanceof List<?> list) {
            ((List<Object>) list).set(Integer.parseInt(last), value);
        } else {
            ((Map<String, Object>) node).put(last, value);
        }
        return copy;
    }

    @SuppressWarnings("unchecked")
    static Object without(Object root, List<String> path) {
        Object copy = deepCopy(root);
        Object node = copy;
        for (int i = 0; i < path.size() - 1; i++) {
            node = node instanceof List<?> l ? l.get(Integer.parseInt(path.get(i))) : ((Map<String, Object>) node).get(path.get(i));
        }
        String last = path.get(path.size() - 1);
        if (node instanceof List<?> l) {
            l.remove(Integer.parseInt(last));
        } else {
            ((Map<String, Object>) node).remove(last);
        }
        return copy;
    }

    static Object deepCopy(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> c = new LinkedHashMap<>();
            m.forEach((k, x) -> c.put(k, deepCopy(x)));
            return c;
        }
        if (v instanceof List<?> l) {
            List<Object> c = new ArrayList<>();
            l.forEach(x -> c.add(deepCopy(x)));
            return c;
        }
        return v;
    }

    /** The gateway reads {@code edited} as {@code original} with the value at {@code path} replaced. */
    static void assertGatewayReadsSet(String original, String edited, List<String> path, Object value) {
        assertEquals(withValue(gateway(original), path, value), gateway(edited), "as read by the gateway:\n" + edited);
    }

    static void assertGatewayReadsUnset(String original, String edited, List<String> path) {
        assertEquals(without(gateway(original), path), gateway(edited), "as read by the gateway:\n" + edited);
    }
}
