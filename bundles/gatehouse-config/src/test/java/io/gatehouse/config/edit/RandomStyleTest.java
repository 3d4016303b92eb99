package io.gatehouse.config.edit;

import static io.gatehouse.config.edit.Fixtures.gateway;
import static io.gatehouse.config.edit.Fixtures.parse;
import static io.gatehouse.config.edit.Fixtures.withValue;
import static io.gatehouse.config.edit.Fixtures.without;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Random documents written in random styles (one-line and multi-line containers, trailing commas or
 * not, comments in every slot the grammar allows, blank lines, tab or space indentation, CRLF or CR, all
 * quoting styles and number spellings), edited at random. Every edit must be accepted, read by the
 * gateway as intended, keep every comment outside the replaced value, and leave the text outside
 * a removed item alone.
 */
class RandomStyleTest {
    private static final Object[][] NUMBERS = {{"1", 1}, {"+2", 2}, {".5", 0.5}, {"5.", 5.0}, {"-0.25", -0.25},
        {"1e3", 1000.0}, {"12345678901", 12345678901L}, {"NaN", Double.NaN}, {"-Infinity", Double.NEGATIVE_INFINITY},
        {"0", 0}, {"true", true}, {"false", false}, {"null", null}};
    private static final Object[][] STRINGS = {{"'it\\'s'", "it's"}, {"\"a\\u00e9\"", "aé"}, {"'x'", "x"},
        {"\"\"", ""}, {"\"say \\\"hi\\\"\"", "say \"hi\""}, {"'Grüß'", "Grüß"}, {"\"tab\\t\"", "tab\t"}};
    private static final String[] NAMES = {"a", "b", "port", "bind", "mode", "x1", "$y", "größe", "with.dot", "a-b",
        "two words", "", "123"};

    private final Random random = new Random(4242);
    private int counter;
    private String nl;
    private String unit;

    @Test
    void randomEditsOfRandomlyStyledDocuments() throws Exception {
        for (int d = 0; d < 400; d++) {
            nl = List.of("\n", "\n", "\n", "\r\n", "\r").get(random.nextInt(5));
            unit = List.of("  ", "    ", "\t").get(random.nextInt(3));
            Map<String, Object> model = new LinkedHashMap<>();
            String text = (random.nextBoolean() ? "// header" + nl : "") + object(model, 0, "", false, true) + nl;
            assertEquals(model, gateway(text), text);

            for (int step = 0; step < 8; step++) {
                Json5Document doc = parse(text);
                List<List<String>> existing = new ArrayList<>();
                collect(model, new ArrayList<>(), existing);
                String before = text;
                if (random.nextInt(3) == 0 && !existing.isEmpty()) {
                    List<String> path = existing.get(random.nextInt(existing.size()));
                    text = doc.unset(path);
                    model = cast(without(model, path));
                    // Text before the previous item and from the next item (or the bracket) on is untouched.
                    Json5Container container = (Json5Container) doc.find(path.subList(0, path.size() - 1)).orElseThrow();
                    Json5Value removed = doc.find(path).orElseThrow();
                    List<? extends Json5Item> items = container.items();
                    int index = 0;
                    while (items.get(index).value() != removed) {
                        index++;
                    }
                    int keepBefore = index > 0 ? items.get(index - 1).end() : container.start() + 1;
                    int keepFrom = index + 1 < items.size() ? items.get(index + 1).start() : container.end() - 1;
                    String context = "unset " + path + ":\n" + before + "\n---\n" + text;
                    assertTrue(text.startsWith(before.substring(0, keepBefore)), context);
                    assertTrue(text.endsWith(before.substring(keepFrom)), context);
                } else {
                    List<String> path = target(model);
                    Object value = random.nextBoolean() ? (Object) ("v" + counter++)
                            : Map.of("k" + counter++, List.of(1, "s"));
                    text = doc.set(path, value);
                    model = cast(withValue(model, path, value));
                    // Comments inside a value replaced as a whole (an empty array, say) go with it.
                    int[] replaced = doc.find(path).map(v -> new int[] {v.start(), v.end()}).orElse(new int[] {0, 0});
                    for (Json5Comment c : doc.comments()) {
                        String comment = before.substring(c.start(), c.end());
                        boolean inside = c.start() >= replaced[0] && c.end() <= replaced[1];
                        assertTrue(inside || text.contains(comment),
                                "set " + path + " lost " + comment + ":\n" + before + "\n---\n" + text);
                    }
                }
                assertEquals(model, gateway(text), before + "\n---\n" + text);
                if (!nl.equals("\n")) {
                    assertTrue(!text.replace(nl, "").contains("\n"), text);
                }
            }
        }
    }

    // --- generator -------------------------------------------------------------------------------

    private String object(Map<String, Object> model, int depth, String indent, boolean inline, boolean root) {
        int size = random.nextInt(depth == 0 ? 5 : 4);
        List<String> names = new ArrayList<>();
        while (names.size() < size) {
            String n = NAMES[random.nextInt(NAMES.length)];
            if (!names.contains(n)) {
                names.add(n);
            }
        }
        boolean multiline = !inline && (root || random.nextInt(3) != 0);
        List<String> items = new ArrayList<>();
        String inner = indent + unit;
        for (String name : names) {
            Object[] value = new Object[1];
            String valueText = value(value, depth, multiline ? inner : indent, !multiline);
            model.put(name, value[0]);
            items.add(key(name) + maybeBlock(8) + ":" + maybeBlock(8) + " " + valueText);
        }
        return container('{', '}', items, indent, multiline);
    }

    private String array(List<Object> model, int depth, String indent, boolean inline) {
        boolean multiline = !inline && random.nextBoolean();
        List<String> items = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            Object[] value = new Object[1];
            items.add(value(value, depth, multiline ? indent + unit : indent, !multiline));
            model.add(value[0]);
        }
        return container('[', ']', items, indent, multiline);
    }

    private String container(char open, char close, List<String> items, String indent, boolean multiline) {
        boolean trailing = random.nextBoolean();
        StringBuilder s = new StringBuilder().append(open);
        if (items.isEmpty()) {
            return s.append(multiline && random.nextBoolean() ? nl + indent : random.nextBoolean() ? " " : "")
                    .append(close).toString();
        }
        if (!multiline) {
            for (int i = 0; i < items.size(); i++) {
                s.append(' ').append(maybeBlock(6)).append(items.get(i)).append(maybeBlock(6));
                s.append(i < items.size() - 1 || trailing ? "," : "");
            }
            return s.append(' ').append(close).toString();
        }
        String inner = indent + unit;
        if (random.nextInt(5) == 0) {
            s.append(' ').append(lineComment());
        }
        for (int i = 0; i < items.size(); i++) {
            if (i > 0 && random.nextInt(5) == 0) {
                s.append(nl);
            }
            s.append(nl);
            if (random.nextInt(4) == 0) {
                s.append(inner).append(random.nextInt(3) == 0 ? "/* about" + nl + inner + " it " + counter++ + " */"
                        : lineComment()).append(nl);
                if (random.nextInt(4) == 0) {
                    s.append(nl); // a detached comment
                }
            }
            s.append(inner).append(maybeBlock(10)).append(items.get(i)).append(maybeBlock(8));
            s.append(i < items.size() - 1 || trailing ? "," : "");
            if (random.nextInt(4) == 0) {
                s.append(random.nextBoolean() ? "  " : " ").append(random.nextInt(3) == 0 ? "/* t" + counter++ + " */"
                        : lineComment());
            }
        }
        if (random.nextInt(5) == 0) {
            s.append(nl).append(inner).append(lineComment());
        }
        return s.append(nl).append(indent).append(close).toString();
    }

    private String value(Object[] out, int depth, String indent, boolean inline) {
        int kind = random.nextInt(depth < 3 ? 6 : 4);
        if (kind <= 1) {
            Object[] n = NUMBERS[random.nextInt(NUMBERS.length)];
            out[0] = n[1];
            return (String) n[0];
        }
        if (kind <= 3) {
            Object[] s = STRINGS[random.nextInt(STRINGS.length)];
            out[0] = s[1];
            return (String) s[0];
        }
        if (kind == 4) {
            Map<String, Object> m = new LinkedHashMap<>();
            out[0] = m;
            return object(m, depth + 1, indent, inline, false);
        }
        List<Object> l = new ArrayList<>();
        out[0] = l;
        return array(l, depth + 1, indent, inline);
    }

    private String key(String name) {
        boolean plain = name.matches("[A-Za-z$_][A-Za-z0-9$_]*") || name.equals("größe");
        int style = random.nextInt(3);
        if (plain && style == 0) {
            return name;
        }
        return style == 1 ? "'" + name + "'" : "\"" + name + "\"";
    }

    private String maybeBlock(int oneIn) {
        if (random.nextInt(oneIn) != 0) {
            return "";
        }
        return random.nextInt(4) == 0 ? "/* b" + counter++ + nl + " spans lines */ " : "/* b" + counter++ + " */ ";
    }

    private String lineComment() {
        return (random.nextBoolean() ? "// c" : "# h") + counter++;
    }

    // --- edits -----------------------------------------------------------------------------------

    private List<String> target(Object root) {
        List<String> path = new ArrayList<>();
        Object node = root;
        while (true) {
            if (node instanceof Map<?, ?> map) {
                if (map.isEmpty() || random.nextInt(3) == 0) {
                    path.add("n" + counter++);
                    if (random.nextBoolean()) {
                        path.add(NAMES[random.nextInt(NAMES.length)]);
                    }
                    return path;
                }
                List<?> keys = new ArrayList<>(map.keySet());
                String key = (String) keys.get(random.nextInt(keys.size()));
                path.add(key);
                node = map.get(key);
            } else if (node instanceof List<?> list && !list.isEmpty()) {
                int i = random.nextInt(list.size());
                path.add(Integer.toString(i));
                node = list.get(i);
            } else {
                return path.isEmpty() ? List.of("n" + counter++) : path;
            }
        }
    }

    private static void collect(Object node, List<String> prefix, List<List<String>> out) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                List<String> p = new ArrayList<>(prefix);
                p.add((String) k);
                out.add(p);
                collect(v, p, out);
            });
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                List<String> p = new ArrayList<>(prefix);
                p.add(Integer.toString(i));
                out.add(p);
                collect(list.get(i), p, out);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }
}
