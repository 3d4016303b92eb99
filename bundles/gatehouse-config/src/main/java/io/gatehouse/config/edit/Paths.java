package io.gatehouse.config.edit;

import java.util.List;
import java.util.OptionalInt;

import io.gatehouse.support.config.DottedPath;
import io.gatehouse.support.config.DottedPathException;

/**
 * Dotted paths: {@code gateway.reload.mode}, {@code bindings.0.agentId}, and for keys that contain
 * dots a double-quoted segment: {@code plugins.entries."io.gatehouse.example".enabled}. Inside quotes
 * {@code \"} and {@code \\} escape (and the JSON escapes {@link #display} may write: {@code \n},
 * {@code \t}, backslash-u and four hex digits, ...), so {@link #split} reads back exactly what {@link #display} writes.
 *
 * <p>Public for the rest of the config bundle (snapshot lookups, shell, Config Admin keys); this
 * package is not exported.
 */
public final class Paths {
    private Paths() {
    }

    /**
     * The segments of a dotted path ({@link DottedPath#split}, shared with the config snapshot); {@code ""}
     * is the root.
     *
     * @throws PathSyntaxException for an unterminated quote, a bad escape, a quote inside an unquoted
     *                             segment or text after a closing quote, with the column
     */
    public static List<String> split(String dotted) {
        try {
            return DottedPath.split(dotted);
        } catch (DottedPathException e) {
            throw new PathSyntaxException(e.path(), e.column(), e.reason());
        }
    }

    /** Dotted, with segments that would not split back bare quoted ({@code levels."org.x"}); inverse of {@link #split}. */
    public static String display(List<String> path) {
        StringBuilder s = new StringBuilder();
        boolean first = true;
        for (String segment : path) {
            if (!first) {
                s.append('.');
            }
            first = false;
            boolean plain = !segment.isEmpty() && segment.chars().allMatch(c -> c != '.' && c > ' ' && c != '"');
            s.append(plain ? segment : Json5Writer.quote(segment, '"'));
        }
        return s.toString();
    }

    /** A canonical non-negative decimal index ({@code 0}, {@code 12}; not {@code 01}, {@code -1}, {@code +1}). */
    static OptionalInt index(String segment) {
        if (segment.isEmpty() || segment.length() > 9 || (segment.length() > 1 && segment.charAt(0) == '0')
                || !segment.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(segment));
    }
}
