package io.gatehouse.api.config.schema;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The expected shape of a config value, checked by {@link #check}. Build one with the static factories:
 *
 * <pre>
 * Shape.object()
 *      .field("load", Shape.object().field("watch", Shape.bool()).field("extraDirs", Shape.arrayOf(Shape.string())))
 *      .field("entries", Shape.mapOf(Shape.object().field("enabled", Shape.bool()).field("env", Shape.mapOf(Shape.string()))))
 * </pre>
 *
 * <p>Objects are <em>strict</em>: a key that is not a declared field is an error naming the closest
 * declared field as a suggestion. {@link Obj#open()} allows free keys (a reference section whose inner
 * shape this project does not check). A {@code null} value of an optional field means "not set" and is
 * accepted. Messages never contain the text of a value longer than 40 characters and never that of a
 * field marked {@link Obj#secret}.
 */
public abstract class Shape {

    /** Checks {@code value} at {@code path}, adding findings to {@code out}. */
    public abstract void check(String path, Object value, List<Issue> out);

    /** What the value should be, for messages ("an integer 0-65535"). */
    public abstract String describe();

    /** The kind of a value for messages: "an object", "a string", ... */
    public static String typeOf(Object v) {
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

    /** {@code path.key}, or {@code key} at the top. */
    public static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    // ---- factories

    /** Any value, unchecked. */
    public static Shape any() {
        return new Shape() {
            @Override
            public void check(String path, Object value, List<Issue> out) {
            }

            @Override
            public String describe() {
                return "any value";
            }
        };
    }

    public static Shape string() {
        return simple("a string", v -> v instanceof String);
    }

    /** A string that is not blank. */
    public static Shape nonEmptyString() {
        return simple("a non-empty string", v -> v instanceof String s && !s.isBlank());
    }

    public static Shape bool() {
        return simple("a boolean", v -> v instanceof Boolean);
    }

    /** An integer in {@code [min, max]}; {@code Long.MAX_VALUE} as max means unbounded. */
    public static Shape integer(long min, long max) {
        String what = max == Long.MAX_VALUE ? "an integer >= " + min : "an integer " + min + "-" + max;
        return new Shape() {
            @Override
            public void check(String path, Object value, List<Issue> out) {
                boolean integral = value instanceof Integer || value instanceof Long || value instanceof Short
                        || value instanceof Byte
                        // a BigInteger beyond 64 bits would wrap around in longValue(): 2^64 + 80 is not 80
                        || (value instanceof BigInteger b && b.bitLength() < 64);
                if (!integral || ((Number) value).longValue() < min || ((Number) value).longValue() > max) {
                    out.add(Issue.error(path, "expected " + what + ", got " + render(value)));
                }
            }

            @Override
            public String describe() {
                return what;
            }
        };
    }

    /** A number (integral or not) in {@code [min, max]}. */
    public static Shape number(double min, double max) {
        String what = "a number " + trim(min) + "-" + trim(max);
        return new Shape() {
            @Override
            public void check(String path, Object value, List<Issue> out) {
                if (!(value instanceof Number n) || Double.isNaN(n.doubleValue()) || n.doubleValue() < min
                        || n.doubleValue() > max) {
                    out.add(Issue.error(path, "expected " + what + ", got " + render(value)));
                }
            }

            @Override
            public String describe() {
                return what;
            }
        };
    }

    /** One of the given strings; a near miss gets a did-you-mean. */
    public static Shape oneOf(String... allowed) {
        Set<String> set = Set.of(allowed);
        String what = "one of " + String.join(", ", allowed);
        return new Shape() {
            @Override
            public void check(String path, Object value, List<Issue> out) {
                if (!(value instanceof String s) || !set.contains(s)) {
                    String hint = value instanceof String s
                            ? Suggest.closest(s, set).map(c -> " (did you mean \"" + c + "\"?)").orElse("")
                            : "";
                    out.add(Issue.error(path, "expected " + what + ", got " + render(value) + hint));
                }
            }

            @Override
            public String describe() {
                return what;
            }
        };
    }

    /** The first of {@code shapes} the value fits; else the error of the first one. */
    public static Shape either(Shape... shapes) {
        List<Shape> all = List.of(shapes);
        String what = String.join(" or ", all.stream().map(Shape::describe).toList());
        return new Shape() {
            @Override
            public void check(String path, Object value, List<Issue> out) {
                List<Issue> first = null;
                for (Shape s : all) {
                    List<Issue> found = new ArrayList<>();
                    s.check(path, value, found);
                    if (found.stream().noneMatch(i -> !i.warning())) {
                        out.addAll(found);
                        return;
                    }
                    if (first == null) {
                        first = found;
                    }
                }
                if (all.size() > 1 && first != null && first.size() == 1 && first.get(0).path().equals(path)) {
                    out.add(Issue.error(path, "expected " + what + ", got " + render(value)));
                } else if (first != null) {
                    out.addAll(first);
                }
            }

            @Override
            public String describe() {
                return what;
            }
        };
    }

    public static Shape arrayOf(Shape item) {
        return new Shape() {
            @Override
            public void check(String path, Object value, List<Issue> out) {
                if (!(value instanceof List<?> list)) {
                    out.add(Issue.error(path, "expected an array of " + item.describe() + ", got " + typeOf(value)));
                    return;
                }
                for (int i = 0; i < list.size(); i++) {
                    item.check(child(path, Integer.toString(i)), list.get(i), out);
                }
            }

            @Override
            public String describe() {
                return "an array of " + item.describe();
            }
        };
    }

    /** An object whose keys are free (ids) and whose values all have one shape. */
    public static Shape mapOf(Shape value) {
        return new Shape() {
            @Override
            public void check(String path, Object v, List<Issue> out) {
                if (!(v instanceof Map<?, ?> m)) {
                    out.add(Issue.error(path, "expected an object, got " + typeOf(v)));
                    return;
                }
                m.forEach((k, x) -> {
                    if (x != null) {
                        value.check(child(path, String.valueOf(k)), x, out);
                    }
                });
            }

            @Override
            public String describe() {
                return "an object";
            }
        };
    }

    /** A strict object with no fields yet: add them with {@link Obj#field}. */
    public static Obj object() {
        return new Obj();
    }

    /** An object with declared fields. */
    public static final class Obj extends Shape {
        private final Map<String, Shape> fields = new LinkedHashMap<>();
        private final List<String> required = new ArrayList<>();
        private final List<String> secret = new ArrayList<>();
        private boolean open;
        private AlsoCheck also;

        /** A check of the whole object after its fields ({@code path}, the object, findings). */
        @FunctionalInterface
        public interface AlsoCheck {
            void check(String path, Map<?, ?> value, List<Issue> out);
        }

        Obj() {
        }

        public Obj field(String name, Shape shape) {
            fields.put(name, shape);
            return this;
        }

        public Obj required(String name, Shape shape) {
            required.add(name);
            return field(name, shape);
        }

        /** A field whose value is never echoed in a message (tokens, keys, passwords). */
        public Obj secret(String name, Shape shape) {
            secret.add(name);
            return field(name, shape);
        }

        /** Unknown keys are accepted (the default is strict: unknown keys are errors with a did-you-mean). */
        public Obj open() {
            open = true;
            return this;
        }

        /** An additional whole-object check (cross-field rules), run after the fields were checked. */
        public Obj also(AlsoCheck check) {
            also = check;
            return this;
        }

        /** The declared field names, in declaration order. */
        public Set<String> known() {
            return Collections.unmodifiableSet(fields.keySet());
        }

        /** The shape of a declared field, or null. */
        public Shape fieldShape(String name) {
            return fields.get(name);
        }

        public boolean isOpen() {
            return open;
        }

        @Override
        public void check(String path, Object value, List<Issue> out) {
            if (!(value instanceof Map<?, ?> m)) {
                out.add(Issue.error(path, "expected an object, got " + typeOf(value)));
                return;
            }
            for (String r : required) {
                if (m.get(r) == null) {
                    out.add(Issue.error(path, "missing required field \"" + r + "\""));
                }
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = String.valueOf(e.getKey());
                Shape s = fields.get(key);
                if (s != null) {
                    if (e.getValue() != null) {
                        if (secret.contains(key)) {
                            List<Issue> found = new ArrayList<>();
                            s.check(child(path, key), e.getValue(), found);
                            found.forEach(i -> out.add(new Issue(i.path(), redactGot(i.reason()), i.warning())));
                        } else {
                            s.check(child(path, key), e.getValue(), out);
                        }
                    }
                } else if (!open) {
                    out.add(Issue.error(child(path, key), "unknown key \"" + key + "\""
                            + Suggest.closest(key, fields.keySet()).map(c -> " (did you mean \"" + c + "\"?)")
                                    .orElse(fields.isEmpty() || fields.size() > 8 ? "" : " (known: " + String.join(", ", fields.keySet()) + ")")));
                }
            }
            if (also != null) {
                also.check(path, m, out);
            }
        }

        @Override
        public String describe() {
            return "an object";
        }
    }

    private static String redactGot(String reason) {
        int got = reason.indexOf(", got ");
        return got > 0 ? reason.substring(0, got) + " (value redacted)" : reason;
    }

    private static Shape simple(String what, Predicate<Object> ok) {
        return new Shape() {
            @Override
            public void check(String path, Object value, List<Issue> out) {
                if (!ok.test(value)) {
                    out.add(Issue.error(path, "expected " + what + ", got " + render(value)));
                }
            }

            @Override
            public String describe() {
                return what;
            }
        };
    }

    /** A value for a message: short strings quoted, long ones cut, containers by kind. */
    public static String render(Object v) {
        if (v instanceof String s) {
            return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        }
        if (v instanceof Map || v instanceof List) {
            return typeOf(v);
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return String.valueOf(v);
    }

    private static String trim(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
