package io.gatehouse.config.edit;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/** Dotted paths: {@code gateway.reload.mode}, {@code bindings.0.agentId}. */
final class Paths {
    private Paths() {
    }

    /** {@code ""} is the root; every dot separates, so keys containing dots need the list form. */
    static List<String> split(String dotted) {
        return dotted.isEmpty() ? List.of() : Arrays.asList(dotted.split("\\.", -1));
    }

    /** For messages: dotted, with segments that would not split back quoted ({@code levels."org.x"}). */
    static String display(List<String> path) {
        StringBuilder s = new StringBuilder();
        for (String segment : path) {
            if (s.length() > 0) {
                s.append('.');
            }
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
