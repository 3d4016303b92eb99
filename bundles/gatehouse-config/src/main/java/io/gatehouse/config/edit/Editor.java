package io.gatehouse.config.edit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Carries out one set or unset as a sequence of small text edits. After each edit the text is parsed
 * again, so every step works on exact offsets; config files are small, so this costs nothing worth
 * optimising and keeps each step simple.
 */
final class Editor {
    private final String operation;
    private final List<String> target;
    private Json5Document doc;
    private Layout layout;

    Editor(Json5Document doc, String operation, List<String> target) {
        this.doc = doc;
        this.operation = operation;
        this.target = target;
        this.layout = Layout.infer(doc);
    }

    String text() {
        return doc.text();
    }

    /** Makes the value at {@code path} equal {@code value} (normalised), creating missing objects. */
    void set(List<String> path, Object value) throws EditException {
        if (doc.root().isEmpty()) {
            apply(Insertion.root(doc, layout, nest(path, value)));
            return;
        }
        Json5Value node = doc.root().get();
        for (int i = 0; i < path.size(); i++) {
            List<String> here = path.subList(0, i);
            String segment = path.get(i);
            if (node instanceof Json5Object object) {
                var member = object.member(segment);
                if (member.isEmpty()) {
                    insert(here, segment, nest(path.subList(i + 1, path.size()), value));
                    return;
                }
                node = member.get().value();
            } else if (node instanceof Json5Array array) {
                node = array.elements().get(index(here, array, segment)).value();
            } else {
                throw refuse(display(here) + " is " + article(node.kind()) + ", not an object");
            }
        }
        reconcile(new ArrayList<>(path), value);
    }

    /**
     * Removes the member or element at {@code path}.
     *
     * @return false when there is nothing there (a missing key or an index past the end)
     */
    boolean unset(List<String> path) throws EditException {
        if (path.isEmpty()) {
            throw refuse("the root cannot be removed");
        }
        if (doc.root().isEmpty()) {
            return false;
        }
        Json5Value node = doc.root().get();
        for (int i = 0; i < path.size(); i++) {
            List<String> here = path.subList(0, i);
            String segment = path.get(i);
            int found;
            if (node instanceof Json5Object object) {
                found = indexOf(object, segment);
            } else if (node instanceof Json5Array array) {
                OptionalInt index = Paths.index(segment);
                if (index.isEmpty()) {
                    throw refuse(notAnIndex(here, segment));
                }
                found = index.getAsInt() < array.elements().size() ? index.getAsInt() : -1;
            } else {
                throw refuse(display(here) + " is " + article(node.kind()) + ", not an object");
            }
            if (found < 0) {
                return false;
            }
            if (i == path.size() - 1) {
                remove(here, found);
                return true;
            }
            node = ((Json5Container) node).items().get(found).value();
        }
        throw new AssertionError("unreachable");
    }

    /**
     * Brings the existing value at {@code path} to {@code value} touching as little text as possible:
     * objects member by member, arrays of the same length element by element, equal scalars not at
     * all. So a write-back of a whole section keeps the comments and formatting of what did not change.
     */
    private void reconcile(List<String> path, Object value) throws EditException {
        Json5Value node = at(path);
        if (node instanceof Json5Object object && value instanceof Map<?, ?> map) {
            for (Json5Member m : object.members()) {
                if (!map.containsKey(m.key().name())) {
                    remove(path, indexOf((Json5Object) at(path), m.key().name()));
                }
            }
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = (String) e.getKey();
                if (((Json5Object) at(path)).member(key).isPresent()) {
                    reconcile(child(path, key), e.getValue());
                } else {
                    insert(path, key, e.getValue());
                }
            }
        } else if (node instanceof Json5Array array && value instanceof List<?> list
                && array.elements().size() == list.size()) {
            for (int i = 0; i < list.size(); i++) {
                reconcile(child(path, Integer.toString(i)), list.get(i));
            }
        } else if (!(node instanceof Json5Scalar) || !Objects.equals(node.toJava(), value)) {
            replace(path, node, value);
        }
    }

    private void replace(List<String> path, Json5Value node, Object value) throws EditException {
        Json5Value parent = path.isEmpty() ? null : at(path.subList(0, path.size() - 1));
        Layout here = parent instanceof Json5Object o ? layout.forMembersOf(doc, o) : layout;
        char quote = Layout.stringQuoteIn(node);
        if (quote != 0) {
            // New strings are quoted like the strings of the value they replace.
            here = here.withStringQuote(quote);
        }
        boolean multiline = parent == null || Layout.isMultiline(doc, (Json5Container) parent);
        String rendered = new Json5Writer(here).value(value, doc.lines().indentOf(node.start()), multiline);
        apply(List.of(new TextEdit(node.start(), node.end(), rendered)));
    }

    private void insert(List<String> objectPath, String key, Object value) throws EditException {
        Json5Object object = (Json5Object) at(objectPath);
        boolean parentMultiline = objectPath.isEmpty()
                || Layout.isMultiline(doc, (Json5Container) at(objectPath.subList(0, objectPath.size() - 1)));
        apply(Insertion.member(doc, layout, object, parentMultiline, key, value));
    }

    private void remove(List<String> containerPath, int index) throws EditException {
        apply(Removal.item(doc, (Json5Container) at(containerPath), index));
        // An object or array left with only whitespace inside becomes {} or [].
        Json5Container container = (Json5Container) at(containerPath);
        if (container.items().isEmpty() && container.end() - container.start() > 2
                && LineIndex.isBlank(doc.text(), container.start() + 1, container.end() - 1)) {
            apply(List.of(TextEdit.delete(container.start() + 1, container.end() - 1)));
        }
    }

    private void apply(List<TextEdit> edits) throws EditException {
        String text = TextEdit.apply(doc.text(), edits);
        try {
            doc = Json5Reader.read(text);
        } catch (Json5SyntaxException e) {
            // A bug, not the user's fault; refusing keeps the file intact.
            throw refuse("internal error, the edit would not parse (" + e.getMessage() + ")");
        }
        layout = Layout.infer(doc);
    }

    /** The value at a path known to exist in the current text. */
    private Json5Value at(List<String> path) {
        return doc.find(path).orElseThrow(() -> new IllegalStateException("lost " + path + " while editing"));
    }

    private static int indexOf(Json5Object object, String key) {
        List<Json5Member> members = object.members();
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).key().name().equals(key)) {
                return i;
            }
        }
        return -1;
    }

    private int index(List<String> here, Json5Array array, String segment) throws EditException {
        OptionalInt index = Paths.index(segment);
        if (index.isEmpty()) {
            throw refuse(notAnIndex(here, segment));
        }
        if (index.getAsInt() >= array.elements().size()) {
            throw refuse("index " + index.getAsInt() + " is out of range: " + display(here) + " has "
                    + array.elements().size() + " element" + (array.elements().size() == 1 ? "" : "s")
                    + " (appending to arrays is not supported)");
        }
        return index.getAsInt();
    }

    private String notAnIndex(List<String> here, String segment) {
        return display(here) + " is an array; '" + segment + "' is not an element index (use "
                + display(child(here, "0")) + ")";
    }

    /** {@code value} under objects named by {@code path}: (a, b), 1 gives {a: {b: 1}}. */
    private static Object nest(List<String> path, Object value) {
        Object nested = value;
        for (int i = path.size() - 1; i >= 0; i--) {
            Map<String, Object> parent = new LinkedHashMap<>();
            parent.put(path.get(i), nested);
            nested = parent;
        }
        return nested;
    }

    private static List<String> child(List<String> path, String segment) {
        List<String> c = new ArrayList<>(path);
        c.add(segment);
        return c;
    }

    private static String display(List<String> path) {
        return path.isEmpty() ? "the root" : Paths.display(path);
    }

    private static String article(String kind) {
        if (kind.equals("null")) {
            return "null";
        }
        return (kind.startsWith("a") || kind.startsWith("o") ? "an " : "a ") + kind;
    }

    private EditException refuse(String reason) {
        return new EditException(operation, Paths.display(target), reason);
    }
}
