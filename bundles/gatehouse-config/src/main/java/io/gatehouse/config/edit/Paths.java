package io.gatehouse.config.edit;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

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
     * The segments of a dotted path; {@code ""} is the root. An unquoted segment is everything up to
     * the next dot; a segment that starts with {@code "} runs to the matching closing quote, which must
     * be followed by a dot or the end.
     *
     * @throws PathSyntaxException for an unterminated quote, a bad escape, a quote inside an unquoted
     *                             segment or text after a closing quote, with the column
     */
    public static List<String> split(String dotted) {
        if (dotted.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = dotted.length();
        while (true) {
            StringBuilder segment = new StringBuilder();
            if (i < n && dotted.charAt(i) == '"') {
                int open = i++;
                boolean closed = false;
                while (i < n) {
                    char c = dotted.charAt(i);
                    if (c == '"') {
                        closed = true;
                        i++;
                        break;
                    }
                    if (c == '\\') {
                        i = escape(dotted, i, segment);
                    } else {
                        segment.append(c);
                        i++;
                    }
                }
                if (!closed) {
                    throw new PathSyntaxException(dotted, open + 1, "unterminated quote");
                }
                if (i < n && dotted.charAt(i) != '.') {
                    throw new PathSyntaxException(dotted, i + 1, "expected '.' after the closing quote");
                }
            } else {
                while (i < n && dotted.charAt(i) != '.') {
                    if (dotted.charAt(i) == '"') {
                        // a quote inside a bare segment is almost certainly a typo: refuse rather than guess
                        throw new PathSyntaxException(dotted, i + 1, "a quote may only open a segment");
                    }
                    segment.append(dotted.charAt(i++));
                }
            }
            out.add(segment.toString());
            if (i >= n) {
                return List.copyOf(out);
            }
            i++; // the dot; a trailing dot yields a last empty segment, as before quoting existed
            if (i == n) {
                out.add("");
                return List.copyOf(out);
            }
        }
    }

    /** Appends the escape at {@code i} (a backslash) to {@code out}; returns the index after it. */
    private static int escape(String s, int i, StringBuilder out) {
        if (i + 1 >= s.length()) {
            return i + 1; // the caller reports the unterminated quote at its opening
        }
        char e = s.charAt(i + 1);
        switch (e) {
            case '"', '\\', '/' -> out.append(e);
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'u' -> {
                if (i + 6 > s.length()) {
                    throw new PathSyntaxException(s, i + 1, "\\u needs four hex digits");
                }
                try {
                    out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                } catch (NumberFormatException bad) {
                    throw new PathSyntaxException(s, i + 1, "\\u needs four hex digits");
                }
                return i + 6;
            }
            default -> throw new PathSyntaxException(s, i + 1, "unknown escape \\" + e);
        }
        return i + 2;
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
