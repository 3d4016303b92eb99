package io.gatehouse.config.edit;

import java.util.Arrays;

/** Offsets to lines and columns, and the line geometry edits need. CR, LF and CRLF end a line. */
final class LineIndex {
    private final String text;
    private final int[] starts;

    LineIndex(String text) {
        this.text = text;
        int[] s = new int[16];
        int n = 0;
        s[n++] = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'))) {
                if (n == s.length) {
                    s = Arrays.copyOf(s, n * 2);
                }
                s[n++] = i + 1;
            }
        }
        this.starts = Arrays.copyOf(s, n);
    }

    Position position(int offset) {
        int i = Arrays.binarySearch(starts, offset);
        int line = i >= 0 ? i : -i - 2;
        return new Position(offset, line + 1, offset - starts[line] + 1);
    }

    int line(int offset) {
        return position(offset).line();
    }

    /** Offset of the first character of the line holding {@code offset}. */
    int lineStart(int offset) {
        int i = Arrays.binarySearch(starts, offset);
        return starts[i >= 0 ? i : -i - 2];
    }

    /** The spaces and tabs that start the line holding {@code offset}. */
    String indentOf(int offset) {
        int start = lineStart(offset);
        int end = start;
        while (end < text.length() && (text.charAt(end) == ' ' || text.charAt(end) == '\t')) {
            end++;
        }
        return text.substring(start, end);
    }

    /** Whether only spaces and tabs precede {@code offset} on its line. */
    boolean onlyIndentBefore(int offset) {
        return isBlank(text, lineStart(offset), offset);
    }

    static boolean isBlank(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return false;
            }
        }
        return true;
    }
}
