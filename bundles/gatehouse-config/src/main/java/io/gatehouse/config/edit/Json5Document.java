package io.gatehouse.config.edit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A parsed {@code gatehouse.json}: the exact text and its syntax tree. Immutable; edits return the
 * new text, in which everything outside the edited value is byte-for-byte the old text: comments,
 * key order, quoting, indentation, line breaks.
 *
 * <p>Paths are lists of keys; a segment addressing an array is an element index ({@code 0}, not
 * {@code 00}). In the dotted form ({@code bindings.0.agentId}) a key containing dots is written
 * double-quoted: {@code plugins.entries."io.x.y".enabled} (see {@link Paths#split}).
 *
 * <p>Every edit is checked before it is returned: the new text must parse, and read to exactly the
 * old value with the one change. Anything else is refused with an {@link EditException} naming the
 * path and the reason; the caller then leaves the file alone.
 */
public final class Json5Document {
    private final String text;
    private final Json5Value root;
    private final List<Json5Comment> comments;
    private final LineIndex lines;

    Json5Document(String text, Json5Value root, List<Json5Comment> comments, LineIndex lines) {
        this.text = text;
        this.root = root;
        this.comments = List.copyOf(comments);
        this.lines = lines;
    }

    /**
     * Parses JSON5 as the gateway reads it (see {@link Json5Scanner} for the exact dialect). An empty
     * text, or one with only comments, is a document without a root value.
     *
     * @throws Json5SyntaxException with the line and column of the first error
     */
    public static Json5Document parse(String text) throws Json5SyntaxException {
        return Json5Reader.read(Objects.requireNonNull(text, "text"));
    }

    /** The text, exactly as given. */
    public String text() {
        return text;
    }

    /** The root value; empty when the text holds only whitespace and comments. */
    public Optional<Json5Value> root() {
        return Optional.ofNullable(root);
    }

    /** All comments, in text order. */
    public List<Json5Comment> comments() {
        return comments;
    }

    /** Line and column of an offset. */
    public Position position(int offset) {
        return lines.position(offset);
    }

    /** The whole value as Jackson reads it; an empty map for a document without a root value. */
    public Object toJava() {
        return root == null ? new LinkedHashMap<String, Object>() : root.toJava();
    }

    /** The value at a path, if there is one. */
    public Optional<Json5Value> find(List<String> path) {
        Json5Value node = root;
        for (String segment : path) {
            Json5Item item = node == null ? null : item(node, segment);
            node = item == null ? null : item.value();
        }
        return Optional.ofNullable(node);
    }

    /**
     * {@link #locate(List)} of a dotted path ({@code gateway.port}, {@code bindings.0.agentId}; "" is the root).
     *
     * @throws PathSyntaxException for a malformed path (an unterminated quote)
     */
    public Optional<Location> locate(String dottedPath) {
        return locate(Paths.split(dottedPath));
    }

    /** Where the value at {@code path}, and its key if it is an object member, are written. */
    public Optional<Location> locate(List<String> path) {
        if (root == null) {
            return Optional.empty();
        }
        Json5Value node = root;
        Json5Item item = null;
        for (String segment : path) {
            item = item(node, segment);
            if (item == null) {
                return Optional.empty();
            }
            node = item.value();
        }
        Optional<Position> key = item instanceof Json5Member m ? Optional.of(position(m.key().start())) : Optional.empty();
        return Optional.of(new Location(position(node.start()), key));
    }

    /** {@link #set(List, Object)} with a dotted path. */
    public String set(String dottedPath, Object value) throws EditException {
        return set(split("set", dottedPath), value);
    }

    /**
     * The text with the value at {@code path} set to {@code value}.
     *
     * <p>{@code value} is plain Java: Map (String keys), List, String, Number, Boolean or null.
     * A missing member is appended after the last member of its object, in that object's style;
     * missing intermediate objects are created. An existing value is brought to {@code value} with
     * the fewest changes: objects member by member (members absent from a map value are removed),
     * arrays of the same length element by element, and a scalar that already has the value keeps
     * its text ({@code 1.50}, {@code 'x'} stay). Comments inside a value that is replaced as a whole
     * go with it.
     *
     * @throws EditException for a path through a non-object value, an array segment that is not an
     *                       index in range, a non-object root, or an unsupported value
     */
    public String set(List<String> path, Object value) throws EditException {
        String shown = Paths.display(path);
        Object normalized;
        try {
            normalized = Values.normalize(value);
        } catch (IllegalArgumentException e) {
            throw new EditException("set", shown, e.getMessage());
        }
        if (path.isEmpty() && !(normalized instanceof Map)) {
            throw new EditException("set", shown, "the root must be an object");
        }
        Editor editor = new Editor(this, "set", List.copyOf(path));
        editor.set(List.copyOf(path), normalized);
        return verified("set", path, editor.text(), Values.with(toJava(), path, normalized));
    }

    /** {@link #unset(List)} with a dotted path. */
    public String unset(String dottedPath) throws EditException {
        return unset(split("unset", dottedPath));
    }

    /**
     * The text without the member (or array element) at {@code path}, with its comma and its
     * comments as described in {@link Removal}. Unchanged when there is nothing at the path.
     *
     * @throws EditException for the root, or a path through a non-object value or with a non-index
     *                       segment for an array
     */
    public String unset(List<String> path) throws EditException {
        Editor editor = new Editor(this, "unset", List.copyOf(path));
        if (!editor.unset(List.copyOf(path))) {
            return text;
        }
        return verified("unset", path, editor.text(), Values.without(toJava(), path));
    }

    private static List<String> split(String operation, String dottedPath) throws EditException {
        try {
            return Paths.split(dottedPath);
        } catch (PathSyntaxException e) {
            throw new EditException(operation, dottedPath, "malformed path: " + e.reason() + " at column " + e.column());
        }
    }

    /** The edited text, after checking that it reads as exactly the intended value. */
    private static String verified(String operation, List<String> path, String edited, Object expected)
            throws EditException {
        Object actual;
        try {
            actual = parse(edited).toJava();
        } catch (Json5SyntaxException e) {
            throw new EditException(operation, Paths.display(path), "internal error, the result would not parse: "
                    + e.getMessage());
        }
        if (!actual.equals(expected)) {
            throw new EditException(operation, Paths.display(path),
                    "internal error, the result would not read as intended; the file was not changed");
        }
        return edited;
    }

    LineIndex lines() {
        return lines;
    }

    /** The member or element of a container named by {@code segment}, or null. */
    private static Json5Item item(Json5Value node, String segment) {
        if (node instanceof Json5Object object) {
            return object.member(segment).orElse(null);
        }
        if (node instanceof Json5Array array) {
            OptionalInt index = Paths.index(segment);
            return index.isPresent() && index.getAsInt() < array.elements().size()
                    ? array.elements().get(index.getAsInt()) : null;
        }
        return null;
    }

    @Override
    public String toString() {
        return text;
    }
}
