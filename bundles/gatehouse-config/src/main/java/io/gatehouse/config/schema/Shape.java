package io.gatehouse.config.schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The expected shape of a config value: a small declarative schema, checked by {@link #check}.
 * Objects are open (unknown keys allowed) unless {@link #strict()}; strict objects report unknown
 * keys with the closest known key as a suggestion.
 */
abstract class Shape {

    /** Checks {@code value} at {@code path}, reporting findings to {@code out}. */
    abstract void check(String path, Object value, List<Issue> out);

    /** What the value should be, for messages ("an integer 0-65535"). */
    abstract String describe();

    static String typeOf(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "an array";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        if (v instanceof Number) {
            return "a number";
        }
        return v.getClass().getSimpleName();
    }

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    // ---- factories

    static Shape any() {
        return new Shape() {
            @Override
            void check(String path, Object value, List<Issue> out) {
            }

            @Override
            String describe() {
                return "any value";
            }
        };
    }

    static Shape string() {
        return simple("a string", v -> v instanceof String);
    }

    static Shape bool() {
        return simple("a boolean", v -> v instanceof Boolean);
    }

    static Shape integer(long min, long max) {
        String what = max == Long.MAX_VALUE ? "an integer >= " + min : "an integer " + min + "-" + max;
        return new Shape() {
            @Override
            void check(String path, Object value, List<Issue> out) {
                boolean integral = value instanceof Integer || value instanceof Long
                        || value instanceof java.math.BigInteger;
                if (!integral || ((Number) value).longValue() < min || ((Number) value).longValue() > max) {
                    out.add(Issue.error(path, "expected " + what + ", got " + render(value)));
                }
            }

            @Override
            String describe() {
                return what;
            }
        };
    }

    static Shape oneOf(String... allowed) {
        Set<String> set = Set.of(allowed);
        String what = "one of " + String.join(", ", allowed);
        return new Shape() {
            @Override
            void check(String path, Object value, List<Issue> out) {
                if (!(value instanceof String s) || !set.contains(s)) {
                    String hint = value instanceof String s ? Suggest.closest(s, set).map(c -> " (did you mean \"" + c + "\"?)").orElse("") : "";
                    out.add(Issue.error(path, "expected " + what + ", got " + render(value) + hint));
                }
            }

            @Override
            String describe() {
                return what;
            }
        };
    }

    static Shape arrayOf(Shape item) {
        return new Shape() {
            @Override
            void check(String path, Object value, List<Issue> out) {
                if (!(value instanceof List<?> list)) {
                    out.add(Issue.error(path, "expected an array of " + item.describe() + ", got " + typeOf(value)));
                    return;
                }
                for (int i = 0; i < list.size(); i++) {
                    item.check(child(path, Integer.toString(i)), list.get(i), out);
                }
            }

            @Override
            String describe() {
                return "an array";
            }
        };
    }

    /** An object whose keys are free (ids) and whose values all have one shape. */
    static Shape mapOf(Shape value) {
        return new Shape() {
            @Override
            void check(String path, Object v, List<Issue> out) {
                if (!(v instanceof Map<?, ?> m)) {
                    out.add(Issue.error(path, "expected an object, got " + typeOf(v)));
                    return;
                }
                m.forEach((k, x) -> value.check(child(path, String.valueOf(k)), x, out));
            }

            @Override
            String describe() {
                return "an object";
            }
        };
    }

    static Obj object() {
        return new Obj();
    }

    /** An object with known fields. */
    static final class Obj extends Shape {
        private final Map<String, Shape> fields = new LinkedHashMap<>();
        private final List<String> required = new ArrayList<>();
        private boolean strict;
        private BiConsumer<String, Map<?, ?>> extra;

        Obj field(String name, Shape shape) {
            fields.put(name, shape);
            return this;
        }

        Obj required(String name, Shape shape) {
            required.add(name);
            return field(name, shape);
        }

        /** Unknown keys are errors, with a did-you-mean. */
        Obj strict() {
            strict = true;
            return this;
        }

        /** An additional whole-object check (e.g. cross-field rules). */
        Obj also(BiConsumer<String, Map<?, ?>> check) {
            extra = check;
            return this;
        }

        Set<String> known() {
            return fields.keySet();
        }

        @Override
        void check(String path, Object value, List<Issue> out) {
            if (!(value instanceof Map<?, ?> m)) {
                out.add(Issue.error(path, "expected an object, got " + typeOf(value)));
                return;
            }
            for (String r : required) {
                if (!m.containsKey(r)) {
                    out.add(Issue.error(path, "missing required field \"" + r + "\""));
                }
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = String.valueOf(e.getKey());
                Shape s = fields.get(key);
                if (s != null) {
                    if (e.getValue() != null || required.contains(key)) {
                        s.check(child(path, key), e.getValue(), out);
                    }
                } else if (strict) {
                    out.add(Issue.error(child(path, key), "unknown key \"" + key + "\""
                            + Suggest.closest(key, fields.keySet()).map(c -> " (did you mean \"" + c + "\"?)").orElse("")));
                }
            }
            if (extra != null) {
                extra.accept(path, m);
            }
        }

        @Override
        String describe() {
            return "an object";
        }
    }

    private static Shape simple(String what, java.util.function.Predicate<Object> ok) {
        return new Shape() {
            @Override
            void check(String path, Object value, List<Issue> out) {
                if (!ok.test(value)) {
                    out.add(Issue.error(path, "expected " + what + ", got " + render(value)));
                }
            }

            @Override
            String describe() {
                return what;
            }
        };
    }

    static String render(Object v) {
        if (v instanceof String s) {
            return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        }
        if (v instanceof Map || v instanceof List) {
            return typeOf(v);
        }
        return String.valueOf(v);
    }
}
