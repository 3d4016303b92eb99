package io.gatehouse.memory.index;

import java.io.IOException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;

/**
 * The words BM25 sees, the same for text and query: runs of letters, digits and {@code _} (the
 * reference's FTS query tokens), lower-cased and without diacritics (as FTS5's unicode61 tokenizer).
 */
public final class Words extends Analyzer {
    /** The word pattern the scanner below implements (kept for the tests that compare the two). */
    static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}_]+");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    /** The words of a text as written (not normalized), in order: the matches of {@code [\\p{L}\\p{N}_]+}. */
    public static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            int start = wordStart(text, i, n);
            if (start >= n) {
                break;
            }
            int end = wordEnd(text, start, n);
            out.add(text.substring(start, end));
            i = end;
        }
        return out;
    }

    /** The terms of a text, in order. */
    public static List<String> terms(String text) {
        List<String> out = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            int start = wordStart(text, i, n);
            if (start >= n) {
                break;
            }
            int end = wordEnd(text, start, n);
            out.add(normalize(text.substring(start, end)));
            i = end;
        }
        return out;
    }

    /**
     * Whether a code point is part of a word: {@code [\p{L}\p{N}_]} as java.util.regex reads it (general
     * categories L* and N*), without the regex engine's per-character predicate chain on the hot path.
     */
    static boolean isWordChar(int cp) {
        if (cp < 0x80) {
            return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_';
        }
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER, Character.MODIFIER_LETTER,
                    Character.OTHER_LETTER, Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER:
                return true;
            default:
                return false;
        }
    }

    /** The index of the first word character at or after {@code i}, or {@code n}. */
    static int wordStart(CharSequence s, int i, int n) {
        while (i < n) {
            char c = s.charAt(i);
            int cp = c;
            int len = 1;
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                cp = Character.toCodePoint(c, s.charAt(i + 1));
                len = 2;
            }
            if (isWordChar(cp)) {
                return i;
            }
            i += len;
        }
        return n;
    }

    /** The index after the word that starts at {@code i}. */
    static int wordEnd(CharSequence s, int i, int n) {
        while (i < n) {
            char c = s.charAt(i);
            int cp = c;
            int len = 1;
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                cp = Character.toCodePoint(c, s.charAt(i + 1));
                len = 2;
            }
            if (!isWordChar(cp)) {
                return i;
            }
            i += len;
        }
        return n;
    }

    static String normalize(String word) {
        if (isLowerAscii(word)) {
            return word;
        }
        String lower = word.toLowerCase(Locale.ROOT);
        for (int i = 0; i < lower.length(); i++) {
            if (lower.charAt(i) > 0x7f) {
                String folded = MARKS.matcher(Normalizer.normalize(lower, Normalizer.Form.NFD)).replaceAll("");
                return Normalizer.normalize(folded, Normalizer.Form.NFC);
            }
        }
        return lower;
    }

    private static boolean isLowerAscii(String w) {
        for (int i = 0; i < w.length(); i++) {
            char c = w.charAt(i);
            if (c > 0x7f || (c >= 'A' && c <= 'Z')) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        return new TokenStreamComponents(new WordTokenizer());
    }

    /** Reads the whole field value (a chunk: a few KB), then emits its words. */
    static final class WordTokenizer extends Tokenizer {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        private final OffsetAttribute offset = addAttribute(OffsetAttribute.class);
        private final StringBuilder text = new StringBuilder();
        private final char[] buf = new char[4096];
        private boolean read;
        private int pos;

        @Override
        public boolean incrementToken() throws IOException {
            if (!read) {
                text.setLength(0);
                for (int n; (n = input.read(buf)) > 0;) {
                    text.append(buf, 0, n);
                }
                read = true;
                pos = 0;
            }
            clearAttributes();
            int n = text.length();
            int start = wordStart(text, pos, n);
            if (start >= n) {
                pos = n;
                return false;
            }
            int end = wordEnd(text, start, n);
            pos = end;
            boolean plain = true;
            for (int i = start; i < end; i++) {
                char c = text.charAt(i);
                if (c > 0x7f || (c >= 'A' && c <= 'Z')) {
                    plain = false;
                    break;
                }
            }
            if (plain) {
                term.setEmpty().append(text, start, end);
            } else {
                term.setEmpty().append(normalize(text.substring(start, end)));
            }
            offset.setOffset(correctOffset(start), correctOffset(end));
            return true;
        }

        @Override
        public void end() throws IOException {
            super.end();
            int end = correctOffset(text.length());
            offset.setOffset(end, end);
        }

        @Override
        public void reset() throws IOException {
            super.reset();
            read = false;
            pos = 0;
            text.setLength(0);
        }

        @Override
        public void close() throws IOException {
            super.close();
            if (text.capacity() > 64 * 1024) {
                text.setLength(0);
                text.trimToSize();
            }
        }
    }
}
