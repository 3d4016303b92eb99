package io.gatehouse.config.edit;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The lexical level of JSON5 as the gateway's Jackson reads it (see Json5Parser's JsonReadFeature
 * flags). Where Jackson's lenient modes have quirks, this mirrors them rather than the JSON5 spec,
 * so that a file means the same to the editor as to the gateway:
 * <ul>
 * <li>unquoted keys are runs of Jackson's "JS name" characters: Java identifier parts plus
 * {@code @ # * - +}, digits first allowed ({@code 123}, {@code a-b}, {@code a#b} are keys);</li>
 * <li>{@code \'} is a valid escape in both quote styles, {@code \/} too; nothing else beyond JSON;</li>
 * <li>numbers: leading {@code +}, leading or trailing decimal point, {@code NaN}, {@code Infinity},
 * {@code ±Infinity}, {@code ±INF}; no leading zeros, hex or {@code +NaN};</li>
 * <li>only space, tab, CR and LF separate tokens, plus {@code //}, {@code #} and block comments;
 * other control characters are errors even inside comments.</li>
 * </ul>
 */
final class Json5Scanner {
    /** Jackson's StreamReadConstraints defaults, so that the editor refuses what the gateway refuses. */
    static final int MAX_NAME_LENGTH = 50_000;
    static final int MAX_NUMBER_LENGTH = 1000;

    private final String text;
    private final LineIndex lines;
    private final List<Json5Comment> comments = new ArrayList<>();
    int pos;

    Json5Scanner(String text, LineIndex lines) {
        this.text = text;
        this.lines = lines;
    }

    List<Json5Comment> comments() {
        return comments;
    }

    boolean atEnd() {
        return pos >= text.length();
    }

    /** The current character, or -1 at the end. */
    int peek() {
        return pos < text.length() ? text.charAt(pos) : -1;
    }

    Json5SyntaxException error(int at, String reason) {
        return new Json5SyntaxException(lines.position(at), reason);
    }

    /** Skips whitespace and comments, recording the comments. */
    void skipTrivia() throws Json5SyntaxException {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else if (c == '#') {
                lineComment(Json5Comment.Style.HASH);
            } else if (c == '/') {
                int next = pos + 1 < text.length() ? text.charAt(pos + 1) : -1;
                if (next == '/') {
                    lineComment(Json5Comment.Style.LINE);
                } else if (next == '*') {
                    blockComment();
                } else {
                    throw error(pos, "unexpected '/': comments start with // or /*");
                }
            } else if (c < 0x20) {
                throw error(pos, "illegal control character " + describe(c)
                        + ": only space, tab, CR and LF may separate tokens");
            } else {
                return;
            }
        }
    }

    private void lineComment(Json5Comment.Style style) throws Json5SyntaxException {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) != '\n' && text.charAt(pos) != '\r') {
            checkCommentChar(text.charAt(pos));
            pos++;
        }
        comments.add(new Json5Comment(start, pos, style));
    }

    private void blockComment() throws Json5SyntaxException {
        int start = pos;
        int close = text.indexOf("*/", pos + 2);
        if (close < 0) {
            throw error(start, "unterminated /* comment");
        }
        for (pos += 2; pos < close; pos++) {
            char c = text.charAt(pos);
            if (c != '\n' && c != '\r') {
                checkCommentChar(c);
            }
        }
        pos = close + 2;
        comments.add(new Json5Comment(start, pos, Json5Comment.Style.BLOCK));
    }

    /** Jackson refuses control characters other than tab even inside comments. */
    private void checkCommentChar(char c) throws Json5SyntaxException {
        if (c < 0x20 && c != '\t') {
            throw error(pos, "illegal control character " + describe(c) + " in a comment");
        }
    }

    /** Reads a quoted string at {@code pos}; returns the decoded content. */
    String string() throws Json5SyntaxException {
        int start = pos;
        char quote = text.charAt(pos++);
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error(start, "unterminated string");
            }
            char c = text.charAt(pos);
            if (c == quote) {
                pos++;
                return out.toString();
            }
            if (c == '\\') {
                out.append(escape());
            } else if (c == '\n' || c == '\r') {
                throw error(start, "unterminated string: a string cannot span lines (write \\n)");
            } else if (c < 0x20) {
                throw error(pos, "control character " + describe(c) + " must be escaped in a string");
            } else {
                out.append(c);
                pos++;
            }
        }
    }

    private char escape() throws Json5SyntaxException {
        int at = pos;
        if (pos + 1 >= text.length()) {
            throw error(at, "unterminated string");
        }
        char e = text.charAt(pos + 1);
        pos += 2;
        switch (e) {
            case '"': case '\'': case '\\': case '/':
                return e;
            case 'b':
                return '\b';
            case 'f':
                return '\f';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'u':
                int code = 0;
                for (int i = 0; i < 4; i++) {
                    int d = pos < text.length() ? Character.digit(text.charAt(pos), 16) : -1;
                    if (d < 0) {
                        throw error(pos, "\\u must be followed by 4 hex digits");
                    }
                    code = code * 16 + d;
                    pos++;
                }
                return (char) code;
            default:
                throw error(at, "invalid escape: a backslash before " + kind(e) + " (write \\\\ for a backslash)");
        }
    }

    /** Whether Jackson accepts {@code c} in an unquoted key (its "JS names" table). */
    static boolean isNameChar(int c) {
        if (c < 33) {
            return false;
        }
        if (c < 256 && (c == '@' || c == '#' || c == '*' || c == '-' || c == '+')) {
            return true;
        }
        return Character.isJavaIdentifierPart((char) c);
    }

    /** Reads an unquoted key at {@code pos} (the caller has checked the first character). */
    String name() throws Json5SyntaxException {
        int start = pos;
        while (pos < text.length() && isNameChar(text.charAt(pos))) {
            pos++;
        }
        if (pos - start > MAX_NAME_LENGTH) {
            throw error(start, "key longer than " + MAX_NAME_LENGTH + " characters");
        }
        return text.substring(start, pos);
    }

    /** Reads a number, or a word ({@code true false null NaN Infinity}), at {@code pos}. */
    Object numberOrWord() throws Json5SyntaxException {
        int start = pos;
        int c = peek();
        if (c != '-' && c != '+' && c != '.' && !isDigit(c)) {
            String word = word();
            switch (word) {
                case "true":
                    return Boolean.TRUE;
                case "false":
                    return Boolean.FALSE;
                case "null":
                    return null;
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                default:
                    throw error(start, "unrecognised value: " + bareWord(word)
                            + " (strings must be quoted; values are true, false, null, numbers, strings, objects, arrays)");
            }
        }
        boolean negative = c == '-';
        if (c == '-' || c == '+') {
            pos++;
            if (Character.isLetter(peek())) {
                String word = word();
                if (word.equals("Infinity") || word.equals("INF")) {
                    return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                }
                throw error(start, "unrecognised value: " + bareWord(text.substring(start, pos)));
            }
        }
        return number(start, negative);
    }

    private Object number(int start, boolean negative) throws Json5SyntaxException {
        int intStart = pos;
        boolean integer = true;
        if (peek() == '0') {
            pos++;
            if (isDigit(peek())) {
                throw error(intStart, "leading zeros are not allowed in numbers");
            }
        } else {
            digits();
        }
        int intDigits = pos - intStart;
        if (intDigits == 0 && peek() != '.') {
            throw error(pos, "expected a digit");
        }
        if (peek() == '.') {
            integer = false;
            pos++;
            // "5." is fine (trailing decimal point); ".5" is fine; "." alone is not.
            if (digits() == 0 && intDigits == 0) {
                throw error(pos, "a decimal point must be followed by a digit");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            integer = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (digits() == 0) {
                throw error(pos, "an exponent must have digits");
            }
        }
        if ((integer ? intDigits : pos - intStart) > MAX_NUMBER_LENGTH) {
            throw error(start, "number longer than " + MAX_NUMBER_LENGTH + " characters");
        }
        String literal = (negative ? "-" : "") + text.substring(intStart, pos);
        return integer ? integer(literal) : Double.parseDouble(literal);
    }

    /** Jackson's types for integers: the smallest of Integer, Long, BigInteger that holds it. */
    static Number integer(String literal) {
        BigInteger big = new BigInteger(literal);
        if (big.bitLength() < 32) {
            return big.intValue();
        }
        return big.bitLength() < 64 ? (Number) big.longValue() : big;
    }

    private int digits() {
        int start = pos;
        while (isDigit(peek())) {
            pos++;
        }
        return pos - start;
    }

    private String word() {
        int start = pos;
        while (pos < text.length() && Character.isJavaIdentifierPart(text.charAt(pos))
                && !Character.isIdentifierIgnorable(text.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            pos++; // a lone odd character: report it
        }
        return text.substring(start, pos);
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    static String describe(int c) {
        return String.format("U+%04X", c);
    }

    /**
     * What a bare word is, without its text: it may be a secret written without quotes, and parse
     * errors reach the log, the history and gateway:status. A near miss of a keyword is named.
     */
    static String bareWord(String word) {
        String bare = word.startsWith("+") || word.startsWith("-") ? word.substring(1) : word;
        for (String keyword : java.util.List.of("true", "false", "null", "NaN", "Infinity")) {
            if (!bare.equals(keyword) && bare.length() <= keyword.length() + 2 && distance(bare.toLowerCase(java.util.Locale.ROOT),
                    keyword.toLowerCase(java.util.Locale.ROOT)) <= 2) {
                return "a bare word (did you mean " + keyword + "?)";
            }
        }
        return "a bare word of " + word.length() + (word.length() == 1 ? " character" : " characters");
    }

    /** The kind of a character, for messages that must not show text: a letter, a digit, or the symbol itself. */
    static String kind(int c) {
        if (Character.isLetter(c)) {
            return "a letter";
        }
        if (Character.isDigit(c)) {
            return "a digit";
        }
        if (Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0xFEFF || c > 0x7E) {
            return describe(c);
        }
        return "'" + (char) c + "'";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
