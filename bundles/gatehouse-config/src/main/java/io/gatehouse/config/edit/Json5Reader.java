package io.gatehouse.config.edit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The grammar: builds the syntax tree over {@link Json5Scanner}. Trailing commas are allowed after
 * the last member or element, never alone ({@code {,}}, {@code [1,,2]}). Duplicate keys are errors,
 * as the gateway enables FAIL_ON_READING_DUP_TREE_KEY (and an edit could not know which one to change).
 *
 * <p>Unlike Jackson's ObjectMapper (which stops reading after the root value), anything but comments
 * after the root value is an error: a stray {@code }} there usually means the file's structure is not
 * what its author thinks, and an edit should not proceed on a guess.
 */
final class Json5Reader {
    /**
     * The deepest nesting the gateway's parser can be set to accept ({@code gatehouse.config.maxDepth} is
     * capped there); the pipeline refuses text over its own limit before the editor reads it.
     */
    static final int MAX_DEPTH = io.gatehouse.support.json5.Json5Limits.CEILING_DEPTH;

    private final String text;
    private final LineIndex lines;
    private final Json5Scanner in;

    private Json5Reader(String text) {
        this.text = text;
        this.lines = new LineIndex(text);
        this.in = new Json5Scanner(text, lines);
    }

    static Json5Document read(String text) throws Json5SyntaxException {
        Json5Reader reader = new Json5Reader(text);
        return reader.document();
    }

    private Json5Document document() throws Json5SyntaxException {
        in.skipTrivia();
        Json5Value root = null;
        if (!in.atEnd()) {
            root = value(1);
            try {
                in.skipTrivia();
            } catch (Json5SyntaxException e) {
                throw in.error(e.offset(), "after the end of the root value: " + e.reason());
            }
            if (!in.atEnd()) {
                throw in.error(in.pos, "unexpected " + found() + " after the end of the root value");
            }
        }
        return new Json5Document(text, root, in.comments(), lines);
    }

    private Json5Value value(int depth) throws Json5SyntaxException {
        int c = in.peek();
        int start = in.pos;
        if (c == '{') {
            return object(depth);
        }
        if (c == '[') {
            return array(depth);
        }
        if (c == '"' || c == '\'') {
            String s = in.string();
            return new Json5Scalar(start, in.pos, s, (char) c);
        }
        if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9') || (c >= 0 && Character.isLetter(c))) {
            Object v = in.numberOrWord();
            return new Json5Scalar(start, in.pos, v, (char) 0);
        }
        throw in.error(start, "expected a value but found " + found());
    }

    private Json5Object object(int depth) throws Json5SyntaxException {
        int start = in.pos;
        checkDepth(depth);
        in.pos++;
        List<Json5Member> members = new ArrayList<>();
        Map<String, Json5Key> seen = new HashMap<>();
        in.skipTrivia();
        while (in.peek() != '}') {
            Json5Key key = key(start);
            Json5Key earlier = seen.putIfAbsent(key.name(), key);
            if (earlier != null) {
                throw in.error(key.start(), "duplicate key '" + key.name() + "' (first at "
                        + lines.position(earlier.start()) + ")");
            }
            in.skipTrivia();
            if (in.peek() != ':') {
                throw in.error(in.pos, "expected ':' after key '" + key.name() + "' but found " + found());
            }
            int colon = in.pos++;
            in.skipTrivia();
            Json5Value value = value(depth + 1);
            in.skipTrivia();
            int comma = -1;
            if (in.peek() == ',') {
                comma = in.pos++;
                in.skipTrivia();
            } else if (in.peek() != '}') {
                throw unclosedOr(start, "expected ',' or '}' after the value of '" + key.name() + "' but found " + found());
            }
            members.add(new Json5Member(key, colon, value, comma));
        }
        in.pos++;
        return new Json5Object(start, in.pos, members);
    }

    private Json5Key key(int objectStart) throws Json5SyntaxException {
        int start = in.pos;
        int c = in.peek();
        if (c == '"' || c == '\'') {
            String name = in.string();
            if (name.length() > Json5Scanner.MAX_NAME_LENGTH) {
                throw in.error(start, "key longer than " + Json5Scanner.MAX_NAME_LENGTH + " characters");
            }
            return new Json5Key(start, in.pos, name, (char) c);
        }
        if (c >= 0 && Json5Scanner.isNameChar(c)) {
            String name = in.name();
            return new Json5Key(start, in.pos, name, (char) 0);
        }
        throw unclosedOr(objectStart, "expected a key or '}' but found " + found());
    }

    private Json5Array array(int depth) throws Json5SyntaxException {
        int start = in.pos;
        checkDepth(depth);
        in.pos++;
        List<Json5Element> elements = new ArrayList<>();
        in.skipTrivia();
        while (in.peek() != ']') {
            if (in.atEnd()) {
                throw unclosedOr(start, "");
            }
            Json5Value value = value(depth + 1);
            in.skipTrivia();
            int comma = -1;
            if (in.peek() == ',') {
                comma = in.pos++;
                in.skipTrivia();
            } else if (in.peek() != ']') {
                throw unclosedOr(start, "expected ',' or ']' after an array element but found " + found());
            }
            elements.add(new Json5Element(value, comma));
        }
        in.pos++;
        return new Json5Array(start, in.pos, elements);
    }

    private void checkDepth(int depth) throws Json5SyntaxException {
        if (depth > MAX_DEPTH) {
            throw in.error(in.pos, "nesting deeper than " + MAX_DEPTH + " levels");
        }
    }

    /** At the end of the text the useful message names the bracket left open, not the end. */
    private Json5SyntaxException unclosedOr(int open, String reason) {
        if (in.atEnd()) {
            return in.error(in.pos, "unexpected end of input: the " + (text.charAt(open) == '{' ? "object" : "array")
                    + " opened at " + lines.position(open) + " is not closed");
        }
        return in.error(in.pos, reason);
    }

    private String found() {
        int c = in.peek();
        if (c < 0) {
            return "end of input";
        }
        return Json5Scanner.kind(c); // a letter or digit may start a secret: its kind, never its text
    }
}
