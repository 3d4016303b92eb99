package io.gatehouse.config.edit;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain Java values as the editor accepts them, brought to the form Jackson reads back, so that "is
 * this already the value in the file?" and "did the edit produce what was asked?" are plain equals().
 */
final class Values {
    private Values() {
    }

    /**
     * A deep copy with numbers as Jackson would read their rendering (Integer/Long/BigInteger or
     * Double), maps as LinkedHashMap, lists as ArrayList.
     *
     * @throws IllegalArgumentException naming the offending type
     */
    static Object normalize(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Number n) {
            return readBack(n);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("object keys must be strings, found "
                            + (e.getKey() == null ? "null" : e.getKey().getClass().getName()));
                }
                copy.put(key, normalize(e.getValue()));
            }
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(normalize(v)));
            return copy;
        }
        throw new IllegalArgumentException("unsupported value type " + value.getClass().getName()
                + " (use Map, List, String, Number, Boolean or null)");
    }

    /** The number Jackson reads from the writer's rendering of {@code n}: 5L reads back as Integer 5. */
    private static Object readBack(Number n) {
        if (!isSupportedNumber(n)) {
            throw new IllegalArgumentException("unsupported number type " + n.getClass().getName());
        }
        String literal = Json5Writer.number(n);
        boolean integral = literal.chars().allMatch(c -> c == '-' || (c >= '0' && c <= '9'));
        return integral ? Json5Scanner.integer(literal) : (Object) Double.parseDouble(literal);
    }

    private static boolean isSupportedNumber(Number n) {
        return n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
                || n instanceof BigInteger || n instanceof Double || n instanceof Float || n instanceof BigDecimal;
    }

    /** {@code root} (deep-copied) with {@code value} at {@code path}, creating missing objects. */
    static Object with(Object root, List<String> path, Object value) {
        if (path.isEmpty()) {
            return value;
        }
        Object copy = copy(root == null ? new LinkedHashMap<String, Object>() : root);
        Object node = copy;
        for (int i = 0; i < path.size(); i++) {
            String segment = path.get(i);
            boolean last = i == path.size() - 1;
            if (node instanceof List<?>) {
                @SuppressWarnings("unchecked")
                List<Object> list = (List<Object>) node;
                int index = Integer.parseInt(segment);
                if (last) {
                    list.set(index, value);
                }
                node = list.get(index);
            } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) node;
                if (last) {
                    map.put(segment, value);
                } else if (!map.containsKey(segment)) {
                    map.put(segment, new LinkedHashMap<String, Object>());
                }
                node = map.get(segment);
            }
        }
        return copy;
    }

    /** {@code root} (deep-copied) without the member or element at {@code path} (which exists). */
    static Object without(Object root, List<String> path) {
        Object copy = copy(root);
        Object node = copy;
        for (int i = 0; i < path.size() - 1; i++) {
            node = node instanceof List<?> list ? list.get(Integer.parseInt(path.get(i))) : ((Map<?, ?>) node).get(path.get(i));
        }
        String last = path.get(path.size() - 1);
        if (node instanceof List<?> list) {
            list.remove(Integer.parseInt(last));
        } else {
            ((Map<?, ?>) node).remove(last);
        }
        return copy;
    }

    private static Object copy(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, copy(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(v -> copy.add(copy(v)));
            return copy;
        }
        return value;
    }
}
