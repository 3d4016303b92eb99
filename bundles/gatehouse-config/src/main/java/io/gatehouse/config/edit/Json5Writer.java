package io.gatehouse.config.edit;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Renders normalised values (see {@link Values#normalize}) as JSON5 text in a {@link Layout}.
 * Objects are written one member per line when multi-line; arrays stay on one line unless they hold
 * non-empty objects or arrays. Non-ASCII characters are written as they are; control characters,
 * the quote and unpaired surrogates (which UTF-8 cannot carry) are escaped.
 */
final class Json5Writer {
    private final Layout layout;

    Json5Writer(Layout layout) {
        this.layout = layout;
    }

    /**
     * @param indent    the indentation of the line the value starts on; nested lines add one unit
     * @param multiline whether non-empty objects may span lines (false inside one-line objects)
     */
    String value(Object value, String indent, boolean multiline) {
        if (value instanceof Map<?, ?> map) {
            return object(map, indent, multiline);
        }
        if (value instanceof List<?> list) {
            return array(list, indent, multiline);
        }
        if (value instanceof String s) {
            return quote(s, layout.stringQuote());
        }
        if (value instanceof Number n) {
            return number(n);
        }
        return String.valueOf(value); // true, false, null
    }

    /** {@code key: value} without a comma. */
    String member(String key, Object value, String indent, boolean multiline) {
        return key(key) + layout.colon() + value(value, indent, multiline);
    }

    String key(String name) {
        return !layout.quoteKeys() && isIdentifier(name) ? name : quote(name, layout.keyQuote());
    }

    private String object(Map<?, ?> map, String indent, boolean multiline) {
        if (map.isEmpty()) {
            return "{}";
        }
        StringBuilder s = new StringBuilder("{");
        String inner = indent + layout.indentUnit();
        int i = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            boolean last = ++i == map.size();
            if (multiline) {
                s.append(layout.newline()).append(inner).append(member((String) e.getKey(), e.getValue(), inner, true));
                s.append(last && !layout.trailingCommas() ? "" : ",");
            } else {
                s.append(' ').append(member((String) e.getKey(), e.getValue(), indent, false)).append(last ? " " : ",");
            }
        }
        return s.append(multiline ? layout.newline() + indent : "").append('}').toString();
    }

    private String array(List<?> list, String indent, boolean multiline) {
        boolean nested = list.stream().anyMatch(v -> (v instanceof Map<?, ?> m && !m.isEmpty())
                || (v instanceof List<?> l && !l.isEmpty()));
        StringBuilder s = new StringBuilder("[");
        String inner = indent + layout.indentUnit();
        for (int i = 0; i < list.size(); i++) {
            boolean last = i == list.size() - 1;
            if (multiline && nested) {
                s.append(layout.newline()).append(inner).append(value(list.get(i), inner, true));
                s.append(last && !layout.trailingCommas() ? "" : ",");
            } else {
                s.append(value(list.get(i), indent, false)).append(last ? "" : ", ");
            }
        }
        return s.append(multiline && nested ? layout.newline() + indent : "").append(']').toString();
    }

    /** A name Jackson reads unquoted and a person reads as a plain word: letters, digits, _ and $, not first a digit. */
    static boolean isIdentifier(String name) {
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            return false;
        }
        return name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '$');
    }

    static String number(Number n) {
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (Double.isNaN(d)) {
                return "NaN";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? "Infinity" : "-Infinity";
            }
            return n.toString(); // Float.toString keeps 0.1f as 0.1, not 0.10000000149011612
        }
        if (n instanceof BigDecimal b) {
            return b.toString();
        }
        return n.toString();
    }

    static String quote(String s, char quote) {
        StringBuilder out = new StringBuilder(s.length() + 2).append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c == quote) {
                        out.append('\\').append(c);
                    } else if (c < 0x20 || c == 0x7F || isUnpairedSurrogate(s, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append(quote).toString();
    }

    private static boolean isUnpairedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
    }
}
