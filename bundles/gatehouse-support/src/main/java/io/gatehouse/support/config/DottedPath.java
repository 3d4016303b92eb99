package io.gatehouse.support.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Dotted config paths: {@code gateway.reload.mode}, {@code bindings.0.agentId}, and for keys that contain
 * dots a double-quoted segment: {@code plugins.entries."io.gatehouse.example".enabled}. Inside quotes
 * {@code \"} and {@code \\} escape, as do the JSON escapes ({@code \n}, {@code \t}, backslash-u and four
 * hex digits, ...). The config bundle's editor writes paths back in this form.
 */
public final class DottedPath {
    private DottedPath() {
    }

    /**
     * The segments of a dotted path; {@code ""} is the root. An unquoted segment is everything up to
     * the next dot; a segment that starts with {@code "} runs to the matching closing quote, which must
     * be followed by a dot or the end.
     *
     * @throws DottedPathException for an unterminated quote, a bad escape, a quote inside an unquoted
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
                    throw new DottedPathException(dotted, open + 1, "unterminated quote");
                }
                if (i < n && dotted.charAt(i) != '.') {
                    throw new DottedPathException(dotted, i + 1, "expected '.' after the closing quote");
                }
            } else {
                while (i < n && dotted.charAt(i) != '.') {
                    if (dotted.charAt(i) == '"') {
                        // a quote inside a bare segment is almost certainly a typo: refuse rather than guess
                        throw new DottedPathException(dotted, i + 1, "a quote may only open a segment");
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
                    throw new DottedPathException(s, i + 1, "\\u needs four hex digits");
                }
                try {
                    out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                } catch (NumberFormatException bad) {
                    throw new DottedPathException(s, i + 1, "\\u needs four hex digits");
                }
                return i + 6;
            }
            default -> throw new DottedPathException(s, i + 1, "unknown escape \\" + e);
        }
        return i + 2;
    }

}
