package io.gatehouse.memory.index;

import java.io.IOException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
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
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}_]+");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    /** The terms of a text, in order. */
    public static List<String> terms(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            out.add(normalize(m.group()));
        }
        return out;
    }

    static String normalize(String word) {
        String lower = word.toLowerCase(Locale.ROOT);
        for (int i = 0; i < lower.length(); i++) {
            if (lower.charAt(i) > 0x7f) {
                String folded = MARKS.matcher(Normalizer.normalize(lower, Normalizer.Form.NFD)).replaceAll("");
                return Normalizer.normalize(folded, Normalizer.Form.NFC);
            }
        }
        return lower;
    }

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        return new TokenStreamComponents(new WordTokenizer());
    }

    /** Reads the whole field value (a chunk: a few KB), then emits its words. */
    static final class WordTokenizer extends Tokenizer {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        private final OffsetAttribute offset = addAttribute(OffsetAttribute.class);
        private Matcher matcher;
        private int length;

        @Override
        public boolean incrementToken() throws IOException {
            if (matcher == null) {
                StringBuilder b = new StringBuilder();
                char[] buf = new char[4096];
                for (int n; (n = input.read(buf)) > 0;) {
                    b.append(buf, 0, n);
                }
                length = b.length();
                matcher = WORD.matcher(b);
            }
            clearAttributes();
            if (!matcher.find()) {
                return false;
            }
            term.setEmpty().append(normalize(matcher.group()));
            offset.setOffset(correctOffset(matcher.start()), correctOffset(matcher.end()));
            return true;
        }

        @Override
        public void end() throws IOException {
            super.end();
            int end = correctOffset(length);
            offset.setOffset(end, end);
        }

        @Override
        public void reset() throws IOException {
            super.reset();
            matcher = null;
            length = 0;
        }
    }
}
