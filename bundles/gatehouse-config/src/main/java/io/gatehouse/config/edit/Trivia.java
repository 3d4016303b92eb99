package io.gatehouse.config.edit;

/**
 * Scanning of the whitespace and comments between tokens of a document that has parsed, where a
 * {@code /} or {@code #} can only start a comment.
 */
final class Trivia {
    private Trivia() {
    }

    /**
     * After an item (past its comma, if any): the end of the last comment on the same line, or of the
     * item or comma itself. A block comment that starts on the line counts, even if it spans lines.
     */
    static int endOfLineTail(String text, Json5Item item) {
        int end = item.comma() >= 0 ? item.comma() + 1 : item.end();
        int pos = skipSpaces(text, end);
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '#' || text.startsWith("//", pos)) {
                pos = lineEnd(text, pos);
            } else if (text.startsWith("/*", pos)) {
                pos = text.indexOf("*/", pos + 2) + 2;
            } else {
                break;
            }
            end = pos;
            pos = skipSpaces(text, pos);
        }
        return end;
    }

    static int skipSpaces(String text, int pos) {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
        return pos;
    }

    static int skipSpacesBack(String text, int pos) {
        while (pos > 0 && (text.charAt(pos - 1) == ' ' || text.charAt(pos - 1) == '\t')) {
            pos--;
        }
        return pos;
    }

    /** Offset of the line break (or the end of text) at or after {@code pos}. */
    static int lineEnd(String text, int pos) {
        while (pos < text.length() && text.charAt(pos) != '\n' && text.charAt(pos) != '\r') {
            pos++;
        }
        return pos;
    }

    static boolean atLineBreakOrEnd(String text, int pos) {
        return pos >= text.length() || text.charAt(pos) == '\n' || text.charAt(pos) == '\r';
    }

    /** Past the line break at {@code pos} (CRLF counts as one); {@code pos} itself at the end of text. */
    static int afterLineBreak(String text, int pos) {
        if (text.startsWith("\r\n", pos)) {
            return pos + 2;
        }
        return pos < text.length() ? pos + 1 : pos;
    }

    static int lineBreaks(String text, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && !(i + 1 < to && text.charAt(i + 1) == '\n'))) {
                n++;
            }
        }
        return n;
    }
}
