package io.gatehouse.channel.telegram;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a reply (Markdown) into messages of at most {@code limit} characters (UTF-16 units, as Telegram
 * counts), on paragraph boundaries where it can: paragraphs are packed greedily; a paragraph longer than
 * the limit is cut between lines, then after a sentence or a word, and only as a last resort inside a word
 * (never inside a surrogate pair). A fenced code block that has to be cut is closed at the end of one part
 * and opened again (same fence and language) at the start of the next, so every part renders on its own.
 *
 * <p>Each part is at most {@code limit} long as Markdown source; the rendered text is never longer than its
 * source, so the HTML message and the plain-text fallback both fit.
 */
final class ReplySplitter {
    private static final Pattern FENCE = Pattern.compile("^\\s{0,3}(`{3,}|~{3,})\\s*([\\w+#.-]*)\\s*$");

    private ReplySplitter() {
    }

    static List<String> split(String text, int limit) {
        if (limit < 16) {
            throw new IllegalArgumentException("limit too small: " + limit);
        }
        String t = text.replace("\r\n", "\n").strip();
        List<String> parts = new ArrayList<>();
        if (t.isEmpty()) {
            return parts;
        }
        if (t.length() <= limit) {
            parts.add(t);
            return parts;
        }
        StringBuilder cur = new StringBuilder();
        for (Block b : blocks(t)) {
            String block = b.text;
            if (cur.length() > 0 && cur.length() + 2 + block.length() <= limit) {
                cur.append("\n\n").append(block);
                continue;
            }
            if (cur.length() > 0) {
                parts.add(cur.toString());
                cur.setLength(0);
            }
            if (block.length() <= limit) {
                cur.append(block);
                continue;
            }
            List<String> pieces = b.fence != null ? splitFence(b, limit) : splitText(block, limit);
            for (int i = 0; i < pieces.size() - 1; i++) {
                parts.add(pieces.get(i));
            }
            cur.append(pieces.get(pieces.size() - 1));
        }
        if (cur.length() > 0) {
            parts.add(cur.toString());
        }
        return parts;
    }

    /** A paragraph, or a fenced code block (with its fences) that may contain blank lines. */
    private record Block(String text, String fence, String lang, List<String> body) {
    }

    private static List<Block> blocks(String t) {
        List<Block> out = new ArrayList<>();
        String[] lines = t.split("\n", -1);
        StringBuilder para = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            Matcher f = FENCE.matcher(lines[i]);
            if (f.matches()) {
                if (para.length() > 0) {
                    out.add(new Block(para.toString(), null, null, null));
                    para.setLength(0);
                }
                String fence = f.group(1);
                String closer = Pattern.quote(String.valueOf(fence.charAt(0))) + "{" + fence.length() + ",}";
                List<String> body = new ArrayList<>();
                int j = i + 1;
                while (j < lines.length && !lines[j].strip().matches(closer)) {
                    body.add(lines[j]);
                    j++;
                }
                StringBuilder b = new StringBuilder(lines[i]);
                for (String l : body) {
                    b.append('\n').append(l);
                }
                b.append('\n').append(fence);
                out.add(new Block(b.toString(), fence, f.group(2), body));
                i = j;
                continue;
            }
            if (lines[i].isBlank()) {
                if (para.length() > 0) {
                    out.add(new Block(para.toString(), null, null, null));
                    para.setLength(0);
                }
                continue;
            }
            if (para.length() > 0) {
                para.append('\n');
            }
            para.append(lines[i]);
        }
        if (para.length() > 0) {
            out.add(new Block(para.toString(), null, null, null));
        }
        return out;
    }

    /** A code block's lines in parts of at most {@code limit}, each part fenced again. */
    private static List<String> splitFence(Block b, int limit) {
        String open = b.fence + b.lang;
        int budget = limit - open.length() - b.fence.length() - 2;
        if (budget < 8) {
            return splitText(b.text, limit);
        }
        List<String> bodies = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean started = false;
        for (String line : b.body) {
            List<String> pieces = line.length() <= budget ? List.of(line) : hardCut(line, budget);
            for (String p : pieces) {
                if (started && cur.length() + 1 + p.length() > budget) {
                    bodies.add(cur.toString());
                    cur.setLength(0);
                    started = false;
                }
                if (started) {
                    cur.append('\n');
                }
                cur.append(p);
                started = true;
            }
        }
        if (started) {
            bodies.add(cur.toString());
        }
        List<String> out = new ArrayList<>();
        for (String body : bodies) {
            out.add(open + "\n" + body + "\n" + b.fence);
        }
        return out;
    }

    /** Text longer than {@code limit}: between lines, then after sentences or words, then anywhere. */
    static List<String> splitText(String text, int limit) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (cur.length() > 0 && cur.length() + 1 + line.length() <= limit) {
                cur.append('\n').append(line);
                continue;
            }
            if (cur.length() > 0) {
                out.add(cur.toString());
                cur.setLength(0);
            }
            if (line.length() <= limit) {
                cur.append(line);
                continue;
            }
            String rest = line;
            while (rest.length() > limit) {
                int cut = cutPoint(rest, limit);
                out.add(rest.substring(0, cut).stripTrailing());
                rest = rest.substring(cut).stripLeading();
            }
            cur.append(rest);
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }

    /** Where to cut {@code s} (longer than limit): after a sentence end, else a space, else at the limit. */
    private static int cutPoint(String s, int limit) {
        int floor = limit / 2;
        for (int k = limit; k > floor; k--) {
            char prev = s.charAt(k - 1);
            if (Character.isWhitespace(s.charAt(k)) && (prev == '.' || prev == '!' || prev == '?' || prev == ';' || prev == ':')) {
                return k;
            }
        }
        for (int k = limit; k > floor; k--) {
            if (Character.isWhitespace(s.charAt(k))) {
                return k;
            }
        }
        return safeCut(s, limit);
    }

    private static List<String> hardCut(String s, int size) {
        List<String> out = new ArrayList<>();
        String rest = s;
        while (rest.length() > size) {
            int cut = safeCut(rest, size);
            out.add(rest.substring(0, cut));
            rest = rest.substring(cut);
        }
        out.add(rest);
        return out;
    }

    private static int safeCut(String s, int at) {
        return Character.isHighSurrogate(s.charAt(at - 1)) && Character.isLowSurrogate(s.charAt(at)) ? at - 1 : at;
    }
}
