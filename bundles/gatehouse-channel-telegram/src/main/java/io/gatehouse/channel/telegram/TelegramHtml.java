package io.gatehouse.channel.telegram;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Markdown as Telegram HTML ({@code parse_mode: HTML}): the tags Telegram accepts ({@code b i s u code pre a
 * blockquote tg-spoiler}), properly nested, and {@code & < >} escaped everywhere else. What it does not
 * recognise stays as text, so the result always parses; when Telegram still rejects it, the caller sends
 * the Markdown source as plain text.
 *
 * <ul>
 * <li>blocks: fenced code ({@code ```lang}), headings (bold), quotes ({@code > }), bullets ({@code - * +} as
 * {@code •}), everything else line by line;</li>
 * <li>inline: {@code `code`}, {@code **bold**}, {@code __bold__}, {@code *italic*}, {@code _italic_} (not
 * inside words), {@code ~~strike~~}, {@code ||spoiler||}, {@code [text](http...)}.</li>
 * </ul>
 */
final class TelegramHtml {
    private static final Pattern FENCE = Pattern.compile("^\\s{0,3}(`{3,}|~{3,})\\s*([\\w+#.-]*)\\s*$");
    private static final Pattern HEADING = Pattern.compile("^\\s{0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern BULLET = Pattern.compile("^(\\s*)[-*+]\\s+(.*)$");
    private static final Pattern QUOTE = Pattern.compile("^\\s{0,3}>\\s?(.*)$");
    private static final Pattern RULE = Pattern.compile("^\\s{0,3}([-*_])(\\s*\\1){2,}\\s*$");

    private TelegramHtml() {
    }

    /** The Markdown text as Telegram HTML. */
    static String render(String markdown) {
        String[] lines = markdown.replace("\r\n", "\n").split("\n", -1);
        StringBuilder out = new StringBuilder(markdown.length() + 32);
        List<String> quote = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher fence = FENCE.matcher(line);
            Matcher q = QUOTE.matcher(line);
            if (!quote.isEmpty() && !q.matches()) {
                flushQuote(out, quote);
            }
            if (fence.matches()) {
                String marker = fence.group(1);
                String lang = fence.group(2);
                StringBuilder code = new StringBuilder();
                int j = i + 1;
                String closer = Pattern.quote(String.valueOf(marker.charAt(0))) + "{" + marker.length() + ",}";
                for (; j < lines.length; j++) {
                    if (lines[j].strip().matches(closer)) {
                        break;
                    }
                    if (j > i + 1) {
                        code.append('\n');
                    }
                    code.append(lines[j]);
                }
                out.append(lang.isEmpty() ? "<pre>" : "<pre><code class=\"language-" + escape(lang) + "\">");
                out.append(escape(code.toString()));
                out.append(lang.isEmpty() ? "</pre>" : "</code></pre>");
                i = j; // the closing fence (or the end)
                if (i < lines.length - 1) {
                    out.append('\n');
                }
                continue;
            }
            if (q.matches()) {
                quote.add(q.group(1));
                continue;
            }
            Matcher h = HEADING.matcher(line);
            Matcher b = BULLET.matcher(line);
            if (RULE.matcher(line).matches()) {
                out.append("──────────");
            } else if (h.matches()) {
                out.append("<b>").append(inline(h.group(1))).append("</b>");
            } else if (b.matches()) {
                out.append(b.group(1)).append("• ").append(inline(b.group(2)));
            } else {
                out.append(inline(line));
            }
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        if (!quote.isEmpty()) {
            flushQuote(out, quote);
            if (out.length() > 0 && out.charAt(out.length() - 1) == '\n') {
                out.setLength(out.length() - 1);
            }
        }
        return out.toString();
    }

    private static void flushQuote(StringBuilder out, List<String> quote) {
        out.append("<blockquote>");
        for (int k = 0; k < quote.size(); k++) {
            if (k > 0) {
                out.append('\n');
            }
            out.append(inline(quote.get(k)));
        }
        out.append("</blockquote>\n");
        quote.clear();
    }

    /** Inline Markdown of one line as HTML. */
    static String inline(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        inline(s, 0, s.length(), out);
        return out.toString();
    }

    private static void inline(String s, int from, int to, StringBuilder out) {
        int i = from;
        while (i < to) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < to && "\\`*_~|[]()#+-.!>".indexOf(s.charAt(i + 1)) >= 0) {
                escapeChar(s.charAt(i + 1), out);
                i += 2;
                continue;
            }
            if (c == '`') {
                int ticks = run(s, i, to, '`');
                int close = s.indexOf("`".repeat(ticks), i + ticks);
                if (close >= 0 && close + ticks <= to) {
                    String code = s.substring(i + ticks, close);
                    if (code.length() > 2 && code.startsWith(" ") && code.endsWith(" ")) {
                        code = code.substring(1, code.length() - 1);
                    }
                    out.append("<code>").append(escape(code)).append("</code>");
                    i = close + ticks;
                    continue;
                }
                out.append("`".repeat(ticks));
                i += ticks;
                continue;
            }
            if (c == '[') {
                int end = linkEnd(s, i, to);
                if (end > 0) {
                    int mid = s.indexOf("](", i);
                    String url = s.substring(mid + 2, end).strip();
                    if (url.startsWith("<") && url.endsWith(">")) {
                        url = url.substring(1, url.length() - 1);
                    }
                    out.append("<a href=\"").append(escape(url).replace("\"", "&quot;")).append("\">");
                    inline(s, i + 1, mid, out);
                    out.append("</a>");
                    i = end + 1;
                    continue;
                }
            }
            String tag = null;
            String delim = null;
            if (s.startsWith("**", i) || s.startsWith("__", i)) {
                delim = s.substring(i, i + 2);
                tag = "b";
            } else if (s.startsWith("~~", i)) {
                delim = "~~";
                tag = "s";
            } else if (s.startsWith("||", i)) {
                delim = "||";
                tag = "tg-spoiler";
            } else if (c == '*' || c == '_') {
                delim = String.valueOf(c);
                tag = "i";
            }
            if (delim != null) {
                int close = closing(s, i, to, delim);
                if (close > 0) {
                    out.append('<').append(tag).append('>');
                    inline(s, i + delim.length(), close, out);
                    out.append("</").append(tag).append('>');
                    i = close + delim.length();
                    continue;
                }
                for (int k = 0; k < delim.length(); k++) {
                    escapeChar(delim.charAt(k), out);
                }
                i += delim.length();
                continue;
            }
            escapeChar(c, out);
            i++;
        }
    }

    private static int run(String s, int i, int to, char c) {
        int n = 0;
        while (i + n < to && s.charAt(i + n) == c) {
            n++;
        }
        return n;
    }

    /** The index of the {@code )} ending a link {@code [text](http...)} that starts at {@code i}, or -1. */
    private static int linkEnd(String s, int i, int to) {
        int depth = 0;
        for (int k = i; k < to; k++) {
            char ch = s.charAt(k);
            if (ch == '[') {
                depth++;
            } else if (ch == ']') {
                depth--;
                if (depth == 0) {
                    if (k + 1 < to && s.charAt(k + 1) == '(') {
                        int close = s.indexOf(')', k + 2);
                        if (close < 0 || close >= to) {
                            return -1;
                        }
                        String url = s.substring(k + 2, close).strip().replaceAll("^<|>$", "");
                        String lower = url.toLowerCase(java.util.Locale.ROOT);
                        boolean ok = (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("tg://")
                                || lower.startsWith("mailto:")) && !url.contains(" ");
                        return ok && k > i + 1 ? close : -1;
                    }
                    return -1;
                }
            }
        }
        return -1;
    }

    /**
     * Where the delimiter opened at {@code i} closes, or -1: the opener must be followed by a non-space, the
     * closer preceded by one; {@code _} only at word boundaries (so snake_case stays as it is).
     */
    private static int closing(String s, int i, int to, String delim) {
        int start = i + delim.length();
        if (start >= to || Character.isWhitespace(s.charAt(start))) {
            return -1;
        }
        boolean underscore = delim.charAt(0) == '_';
        if (underscore && i > 0 && Character.isLetterOrDigit(s.charAt(i - 1))) {
            return -1;
        }
        int k = start;
        while (k < to) {
            if (s.charAt(k) == '`') { // code spans bind tighter: skip over them
                int ticks = run(s, k, to, '`');
                int close = s.indexOf("`".repeat(ticks), k + ticks);
                if (close > 0 && close + ticks <= to) {
                    k = close + ticks;
                    continue;
                }
            }
            if (s.charAt(k) == '\\') {
                k += 2;
                continue;
            }
            if (s.startsWith(delim, k) && k > start && !Character.isWhitespace(s.charAt(k - 1))) {
                boolean single = delim.length() == 1;
                // a single * or _ is not the first half of ** or __ (those are bold, handled on their own)
                boolean doubled = single && k + 1 < to && s.charAt(k + 1) == delim.charAt(0);
                boolean wordAfter = underscore && k + delim.length() < to && Character.isLetterOrDigit(s.charAt(k + delim.length()));
                if (!doubled && !wordAfter) {
                    return k;
                }
                if (doubled) {
                    k += 2;
                    continue;
                }
            }
            k++;
        }
        return -1;
    }

    private static void escapeChar(char c, StringBuilder out) {
        switch (c) {
            case '&' -> out.append("&amp;");
            case '<' -> out.append("&lt;");
            case '>' -> out.append("&gt;");
            default -> out.append(c);
        }
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            escapeChar(s.charAt(i), b);
        }
        return b.toString();
    }
}
