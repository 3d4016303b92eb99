package io.gatehouse.memory.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.junit.jupiter.api.Test;

/** The hand-written word scanner reads words exactly as the regex {@code [\p{L}\p{N}_]+} does. */
class WordsTest {
    @Test
    void everyCodePointIsClassifiedAsTheRegexDoes() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                continue;
            }
            boolean regex = Words.WORD.matcher(new String(Character.toChars(cp))).matches();
            if (regex != Words.isWordChar(cp)) {
                throw new AssertionError("U+" + Integer.toHexString(cp) + ": regex " + regex);
            }
        }
    }

    @Test
    void wordsAndTermsMatchTheRegexOnMixedText() throws IOException {
        String[] fixed = {"", "   ", "The nightly backup, at 02:00 UTC!", "Crème brûlée — Ünïcödé_snake ２３ Ⅻ ½",
            "emoji 😀 between\uD83D words", "lone \uDC00 low and high\uD800", "日本語のテキスト 한국어", "a_b__c 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 x"};
        List<String> texts = new ArrayList<>(List.of(fixed));
        Random r = new Random(42);
        String alphabet = "aZ9_ .,-\n\tÉéß漢😀\uD800\uDC00½Ⅻ\u0301";
        for (int i = 0; i < 2000; i++) {
            StringBuilder b = new StringBuilder();
            for (int k = r.nextInt(40); k > 0; k--) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            texts.add(b.toString());
        }
        try (Words analyzer = new Words()) {
            for (String t : texts) {
                List<String> regexWords = new ArrayList<>();
                List<String> regexTerms = new ArrayList<>();
                List<int[]> offsets = new ArrayList<>();
                Matcher m = Words.WORD.matcher(t);
                while (m.find()) {
                    regexWords.add(m.group());
                    regexTerms.add(Words.normalize(m.group()));
                    offsets.add(new int[] {m.start(), m.end()});
                }
                assertEquals(regexWords, Words.words(t), t);
                assertEquals(regexTerms, Words.terms(t), t);
                List<String> analyzed = new ArrayList<>();
                List<int[]> analyzedOffsets = new ArrayList<>();
                try (TokenStream ts = analyzer.tokenStream("text", t)) {
                    CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
                    OffsetAttribute off = ts.addAttribute(OffsetAttribute.class);
                    ts.reset();
                    while (ts.incrementToken()) {
                        analyzed.add(term.toString());
                        analyzedOffsets.add(new int[] {off.startOffset(), off.endOffset()});
                    }
                    ts.end();
                }
                assertEquals(regexTerms, analyzed, t);
                for (int i = 0; i < offsets.size(); i++) {
                    assertEquals(offsets.get(i)[0], analyzedOffsets.get(i)[0], t);
                    assertEquals(offsets.get(i)[1], analyzedOffsets.get(i)[1], t);
                }
            }
        }
    }
}
