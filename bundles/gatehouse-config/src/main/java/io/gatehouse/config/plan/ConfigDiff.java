package io.gatehouse.config.plan;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The dotted paths that differ between two configs, exactly as the reference gateway's
 * {@code diffConfigPaths} reports them.
 *
 * <ul>
 * <li>Objects ({@link Map}s) on both sides are recursed into, key by key; every other difference is
 * reported at the path where it occurs, so an added or removed subtree is reported once at its root
 * key, and an object replaced by a scalar at that key.</li>
 * <li>Arrays ({@link List}s) are reported by their own path, never an index, and only when they
 * differ by deep equality (an unchanged array of objects is not reported).</li>
 * <li>A key present with {@code null} differs from an absent key.</li>
 * <li>Keys are visited in the order the reference visits them: the keys of {@code before}, then
 * the keys only {@code after} has, each object's keys in JavaScript property order (keys that are
 * array indices, such as {@code "42"}, in ascending numeric order, then the others in insertion
 * order).</li>
 * <li>Numbers are compared by value: {@code 1}, {@code 1L} and {@code 1.0} are equal (JSON numbers
 * are one type in the reference); {@code NaN} equals {@code NaN}.</li>
 * <li>Paths are not deduplicated: a key that contains a dot ({@code "a.b"}) can produce the same
 * string as a nested key, and both are reported, as the reference does.</li>
 * <li>A difference at the root that is not between two objects is reported as {@code <root>}.</li>
 * </ul>
 */
public final class ConfigDiff {

    /** The path reported for a difference at the root itself. */
    public static final String ROOT = "<root>";

    private ConfigDiff() {
    }

    /** The changed paths between two configs, in the reference's order, duplicates kept. */
    public static List<String> changedPaths(Map<String, Object> before, Map<String, Object> after) {
        return changedValuePaths(before, after);
    }

    /**
     * The changed paths between two arbitrary values (plain Java values as the config parser
     * produces them: {@link Map}, {@link List}, {@link String}, {@link Number}, {@link Boolean},
     * {@code null}).
     */
    public static List<String> changedValuePaths(Object before, Object after) {
        List<String> paths = new ArrayList<>();
        for (List<String> segments : changedSegments(before, after)) {
            paths.add(segments.isEmpty() ? ROOT : String.join(".", segments));
        }
        return paths;
    }

    /**
     * As {@link #changedValuePaths}, each path as its list of keys (the root is the empty list), so
     * keys that contain dots stay distinguishable from nesting; an editor needs that, the reference's
     * dotted strings cannot say it.
     */
    public static List<List<String>> changedSegments(Object before, Object after) {
        List<List<String>> paths = new ArrayList<>();
        diff(before, true, after, true, List.of(), paths);
        return paths;
    }

    private static void diff(Object prev, boolean prevPresent, Object next, boolean nextPresent, List<String> prefix,
            List<List<String>> out) {
        if (prevPresent == nextPresent && (prev == next || scalarEquals(prev, next))) {
            return;
        }
        if (prevPresent && nextPresent && prev instanceof Map<?, ?> p && next instanceof Map<?, ?> n) {
            for (String key : unionKeys(p, n)) {
                boolean inPrev = p.containsKey(key);
                boolean inNext = n.containsKey(key);
                List<String> child = new ArrayList<>(prefix.size() + 1);
                child.addAll(prefix);
                child.add(key);
                diff(p.get(key), inPrev, n.get(key), inNext, child, out);
            }
            return;
        }
        if (prevPresent && nextPresent && prev instanceof List<?> && next instanceof List<?>
                && deepEquals(prev, next)) {
            return;
        }
        out.add(List.copyOf(prefix));
    }

    /** The reference's {@code ===} on the values it does not recurse into (no objects, no arrays). */
    private static boolean scalarEquals(Object a, Object b) {
        if (a instanceof Map<?, ?> || a instanceof List<?> || b instanceof Map<?, ?> || b instanceof List<?>) {
            return false;
        }
        if (a instanceof Number x && b instanceof Number y) {
            return numbersEqual(x, y);
        }
        return Objects.equals(a, b);
    }

    /** Structural equality: maps by key set and values, lists element-wise, numbers by value. */
    static boolean deepEquals(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !deepEquals(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            Iterator<?> i = x.iterator();
            Iterator<?> j = y.iterator();
            while (i.hasNext()) {
                if (!deepEquals(i.next(), j.next())) {
                    return false;
                }
            }
            return true;
        }
        return scalarEquals(a, b);
    }

    private static boolean numbersEqual(Number a, Number b) {
        if (a.getClass() == b.getClass()) {
            return a.equals(b);
        }
        BigDecimal x = toBigDecimal(a);
        BigDecimal y = toBigDecimal(b);
        if (x == null || y == null) {
            return Double.compare(a.doubleValue(), b.doubleValue()) == 0;
        }
        return x.compareTo(y) == 0;
    }

    /** The exact value, or null for NaN and infinities. */
    private static BigDecimal toBigDecimal(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? new BigDecimal(d) : null;
        }
        return BigDecimal.valueOf(n.longValue());
    }

    /** The keys of {@code prev} then those only {@code next} has, each in JavaScript property order. */
    private static Set<String> unionKeys(Map<?, ?> prev, Map<?, ?> next) {
        Set<String> keys = new LinkedHashSet<>(jsKeyOrder(prev));
        keys.addAll(jsKeyOrder(next));
        return keys;
    }

    /** {@code Object.keys} order: array-index keys ascending, then the others in insertion order. */
    private static List<String> jsKeyOrder(Map<?, ?> map) {
        List<String> indices = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (Object k : map.keySet()) {
            String key = String.valueOf(k);
            (isArrayIndex(key) ? indices : others).add(key);
        }
        if (indices.isEmpty()) {
            return others;
        }
        indices.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
        indices.addAll(others);
        return indices;
    }

    /** A canonical decimal integer in [0, 2^32 - 2], as JavaScript orders it first. */
    private static boolean isArrayIndex(String key) {
        int len = key.length();
        if (len == 0 || len > 10 || (len > 1 && key.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return Long.parseLong(key) <= 4_294_967_294L;
    }
}
