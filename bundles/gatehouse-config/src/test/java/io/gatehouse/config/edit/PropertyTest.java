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

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random edits of the fixtures, checked against an independent model of the config as the gateway
 * reads it: the edited path has the new value, every other path keeps its value, and the text
 * around the edit is untouched.
 */
class PropertyTest {
    private static final String[] STRINGS = {"", "plain", "with space", "it's", "say \"hi\"", "back\\slash",
        "line\nbreak", "tab\t", "ctrl\u0001\u001f", "Grüß dich", "日本語", "emoji 😀", "\u2028sep", "/* not a comment */",
        "// nor this", "# nor this", "{ \"a\": 1 }", "x\ud800y"};
    private static final String[] KEYS = {"a", "port", "new_key", "$k", "größe", "with.dot", "with space", "1st", "",
        "a-b", "quote\"d", "it's", "true", "NaN"};

    @ParameterizedTest
    @ValueSource(strings = {"dist-gatehouse.json", "big-gatehouse.json"})
    void randomSetsChangeOnlyTheirPathAndKeepAllComments(String fixture) throws Exception {
        String text = Fixtures.load(fixture);
        Json5Document doc = parse(text);
        Object original = gateway(text);
        List<String> comments = doc.comments().stream().map(c -> text.substring(c.start(), c.end())).toList();
        Random random = new Random(fixture.hashCode());
        for (int i = 0; i < 600; i++) {
            List<String> path = randomTarget(random, original);
            Object value = randomValue(random, 0);
            String edited = doc.set(path, value);
            Object read = gateway(edited);
            assertEquals(withValue(original, path, value), read, () -> "set " + path + " = " + value + ":\n" + edited);
            assertEquals(normalizedForJackson(value), valueAt(read, path));
            for (String comment : comments) {
                assertTrue(edited.contains(comment), () -> "lost " + comment + " setting " + path + ":\n" + edited);
            }
            doc.find(path).ifPresent(old -> {
                // An existing scalar: only its own text changed.
                assertTrue(edited.startsWith(text.substring(0, old.start())), edited);
                assertTrue(edited.endsWith(text.substring(old.end())), edited);
            });
            assertTrue(parse(edited).locate(path).isPresent());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dist-gatehouse.json", "big-gatehouse.json"})
    void randomUnsetsRemoveOnlyTheirItem(String fixture) throws Exception {
        String text = Fixtures.load(fixture);
        Json5Document doc = parse(text);
        Object original = gateway(text);
        List<List<String>> paths = new ArrayList<>();
        collectPaths(original, new ArrayList<>(), paths);
        for (List<String> path : paths) {
            String edited = doc.unset(path);
            assertEquals(without(original, path), gateway(edited), () -> "unset " + path + ":\n" + edited);
            // Text before the previous item and from the next item (or closing bracket) on is untouched.
            Json5Container container = (Json5Container) doc.find(path.subList(0, path.size() - 1)).orElseThrow();
            List<? extends Json5Item> items = container.items();
            int index = indexOf(container, path.get(path.size() - 1));
            int keepBefore = index > 0 ? items.get(index - 1).end() : container.start() + 1;
            int keepFrom = index + 1 < items.size() ? items.get(index + 1).start() : container.end() - 1;
            assertTrue(edited.startsWith(text.substring(0, keepBefore)), () -> "unset " + path + ":\n" + edited);
            assertTrue(edited.endsWith(text.substring(keepFrom)), () -> "unset " + path + ":\n" + edited);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dist-gatehouse.json", "big-gatehouse.json"})
    void longRandomEditSessionsStayConsistent(String fixture) throws Exception {
        Random random = new Random(fixture.hashCode() * 31L);
        for (int session = 0; session < 20; session++) {
            String text = Fixtures.load(fixture);
            Object model = gateway(text);
            for (int step = 0; step < 25; step++) {
                Json5Document doc = parse(text);
                List<List<String>> existing = new ArrayList<>();
                collectPaths(model, new ArrayList<>(), existing);
                if (random.nextInt(3) == 0 && !existing.isEmpty()) {
                    List<String> path = existing.get(random.nextInt(existing.size()));
                    text = doc.unset(path);
                    model = without(model, path);
                } else {
                    List<String> path = randomTarget(random, model);
                    Object value = randomValue(random, 0);
                    text = doc.set(path, value);
                    model = withValue(model, path, normalizedForJackson(value));
                }
                assertEquals(model, gateway(text), text);
            }
        }
    }

    /** An existing scalar, or a new key (possibly nested further) under an existing object. */
    private static List<String> randomTarget(Random random, Object root) {
        List<String> path = new ArrayList<>();
        Object node = root;
        while (true) {
            if (node instanceof Map<?, ?> map) {
                List<?> keys = new ArrayList<>(map.keySet());
                if (keys.isEmpty() || random.nextInt(4) == 0) {
                    String key;
                    do {
                        key = KEYS[random.nextInt(KEYS.length)] + (random.nextBoolean() ? "" : random.nextInt(5));
                    } while (map.containsKey(key));
                    path.add(key);
                    for (int extra = random.nextInt(3); extra > 0; extra--) {
                        path.add(KEYS[random.nextInt(KEYS.length)]);
                    }
                    return path;
                }
                String key = (String) keys.get(random.nextInt(keys.size()));
                path.add(key);
                node = map.get(key);
            } else if (node instanceof List<?> list) {
                if (list.isEmpty()) {
                    return randomTarget(random, root); // nothing to address in an empty array; start over
                }
                int index = random.nextInt(list.size());
                path.add(Integer.toString(index));
                node = list.get(index);
            } else {
                return path;
            }
        }
    }

    private static Object randomValue(Random random, int depth) {
        switch (random.nextInt(depth < 2 ? 9 : 7)) {
            case 0:
                return random.nextInt(2000) - 1000;
            case 1:
                return random.nextLong();
            case 2:
                return List.of(0.5, -0.0, 1e300, 3.0, Double.NaN, Double.POSITIVE_INFINITY, 0.1).get(random.nextInt(7));
            case 3:
            case 4:
                return STRINGS[random.nextInt(STRINGS.length)];
            case 5:
                return random.nextBoolean();
            case 6:
                return null;
            case 7: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    map.put(KEYS[random.nextInt(KEYS.length)], randomValue(random, depth + 1));
                }
                return map;
            }
            default: {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    list.add(randomValue(random, depth + 1));
                }
                return list;
            }
        }
    }

    /** Jackson reads a long that fits an int as an Integer. */
    private static Object normalizedForJackson(Object value) {
        if (value instanceof Long l && l == l.intValue()) {
            return l.intValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, normalizedForJackson(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(PropertyTest::normalizedForJackson).collect(ArrayList::new, ArrayList::add, ArrayList::addAll);
        }
        return value;
    }

    private static Object valueAt(Object root, List<String> path) {
        Object node = root;
        for (String s : path) {
            node = node instanceof List<?> l ? l.get(Integer.parseInt(s)) : ((Map<?, ?>) node).get(s);
        }
        return node;
    }

    private static void collectPaths(Object node, List<String> prefix, List<List<String>> out) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                List<String> p = new ArrayList<>(prefix);
                p.add((String) k);
                out.add(p);
                collectPaths(v, p, out);
            });
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                List<String> p = new ArrayList<>(prefix);
                p.add(Integer.toString(i));
                out.add(p);
                collectPaths(list.get(i), p, out);
            }
        }
    }

    private static int indexOf(Json5Container container, String segment) {
        if (container instanceof Json5Array) {
            return Integer.parseInt(segment);
        }
        List<Json5Member> members = ((Json5Object) container).members();
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).key().name().equals(segment)) {
                return i;
            }
        }
        throw new AssertionError(segment);
    }
}
