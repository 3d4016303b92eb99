package io.gatehouse.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ReplySplitterTest {

    @Test
    void shortTextIsOnePart() {
        assertEquals(List.of("hello"), ReplySplitter.split("  hello \n", 4096));
        assertEquals(List.of(), ReplySplitter.split("  \n ", 4096));
    }

    @Test
    void splitsOnParagraphBoundariesAndPacksGreedily() {
        List<String> paras = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            paras.add(("Paragraph " + i + " ").repeat(45).strip()); // about 550 characters
        }
        String text = String.join("\n\n", paras);
        assertTrue(text.length() > 4000);
        List<String> parts = ReplySplitter.split(text, 4096);
        assertEquals(2, parts.size(), parts.toString());
        for (String p : parts) {
            assertTrue(p.length() <= 4096);
            assertTrue(p.startsWith("Paragraph "), "a part starts with a paragraph: " + p.substring(0, 20));
        }
        assertEquals(text, String.join("\n\n", parts), "nothing lost, cut only between paragraphs");
        // the first part is as full as whole paragraphs allow
        assertTrue(parts.get(0).length() + 2 + paras.get(7).length() > 4096);
    }

    @Test
    void aLongParagraphIsCutBetweenLinesThenAfterSentencesThenWords() {
        String lines = ("line of text ".repeat(20) + "\n").repeat(30).strip();
        for (String p : ReplySplitter.split(lines, 1000)) {
            assertTrue(p.length() <= 1000);
            assertTrue(p.strip().endsWith("text"), "cut at a line end: ..." + p.substring(p.length() - 10));
        }
        String sentences = "This is a sentence that goes on. ".repeat(200).strip();
        List<String> parts = ReplySplitter.split(sentences, 1000);
        for (String p : parts) {
            assertTrue(p.length() <= 1000);
            assertTrue(p.endsWith("."), "cut after a sentence: ..." + p.substring(p.length() - 10));
        }
        assertEquals(sentences.replace(" ", ""), String.join("", parts).replace(" ", ""));
    }

    @Test
    void aWordLongerThanTheLimitIsCutButNotInsideASurrogatePair() {
        String emoji = "😀".repeat(300); // 600 UTF-16 units
        List<String> parts = ReplySplitter.split(emoji, 101);
        for (String p : parts) {
            assertTrue(p.length() <= 101);
            assertTrue(!Character.isLowSurrogate(p.charAt(0)) && !Character.isHighSurrogate(p.charAt(p.length() - 1)), p);
        }
        assertEquals(emoji, String.join("", parts));
    }

    @Test
    void aLongCodeBlockIsClosedAndReopenedInEveryPart() {
        StringBuilder code = new StringBuilder("Here is the code:\n\n```python\n");
        for (int i = 0; i < 200; i++) {
            code.append("print('line ").append(i).append("')\n");
        }
        code.append("```\n\nDone.");
        List<String> parts = ReplySplitter.split(code.toString(), 1000);
        assertTrue(parts.size() > 3);
        int lines = 0;
        for (String p : parts) {
            assertTrue(p.length() <= 1000, p.length() + "");
            long fences = p.lines().filter(l -> l.startsWith("```")).count();
            assertEquals(0, fences % 2, "balanced fences in: " + p);
            lines += (int) p.lines().filter(l -> l.startsWith("print(")).count();
            TelegramHtmlTest.assertWellFormed(p, TelegramHtml.render(p));
        }
        assertEquals(200, lines, "every code line is in some part");
        assertTrue(parts.get(parts.size() - 1).endsWith("Done."));
    }

    @Test
    void randomTextAlwaysFitsAndLosesNothing() {
        Random r = new Random(7);
        String alphabet = "abc def. \n\n```x\n";
        for (int n = 0; n < 100; n++) {
            StringBuilder b = new StringBuilder();
            int len = r.nextInt(6000);
            for (int i = 0; i < len; i++) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            int limit = 100 + r.nextInt(2000);
            List<String> parts = ReplySplitter.split(b.toString(), limit);
            for (String p : parts) {
                assertTrue(p.length() <= limit, "part of " + p.length() + " > " + limit);
            }
            // fence lines are closed and opened again (with their language) where a code block is cut
            String letters = withoutFences(b.toString()).replaceAll("[^abcdef.]", "");
            String got = withoutFences(String.join("\n", parts)).replaceAll("[^abcdef.]", "");
            assertEquals(letters, got, "no letter lost or added");
        }
    }

    private static String withoutFences(String s) {
        return String.join("\n", s.lines().filter(l -> !l.strip().startsWith("```")).toList());
    }
}
