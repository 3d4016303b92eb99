package io.gatehouse.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class TelegramHtmlTest {

    @Test
    void escapesTheThreeCharactersTelegramParses() {
        assertEquals("a &lt; b &amp;&amp; c &gt; d", TelegramHtml.render("a < b && c > d"));
        assertEquals("&lt;b&gt;not bold&lt;/b&gt;", TelegramHtml.render("<b>not bold</b>"));
    }

    @Test
    void inlineMarkup() {
        assertEquals("<b>bold</b> and <i>it</i> and <s>gone</s> and <code>x &lt; 1</code>",
                TelegramHtml.render("**bold** and *it* and ~~gone~~ and `x < 1`"));
        assertEquals("<b>bold</b> <i>it</i>", TelegramHtml.render("__bold__ _it_"));
        assertEquals("<tg-spoiler>secret</tg-spoiler>", TelegramHtml.render("||secret||"));
        assertEquals("<b>bold <i>and italic</i></b>", TelegramHtml.render("**bold _and italic_**"));
    }

    @Test
    void snakeCaseAndLoneStarsStayText() {
        assertEquals("snake_case_name and 2 * 3 * 4", TelegramHtml.render("snake_case_name and 2 * 3 * 4"));
        assertEquals("a ** b", TelegramHtml.render("a ** b"));
        assertEquals("unclosed *star", TelegramHtml.render("unclosed *star"));
        assertEquals("`unclosed code", TelegramHtml.render("`unclosed code"));
    }

    @Test
    void markupInsideCodeIsText() {
        assertEquals("<code>**not bold**</code>", TelegramHtml.render("`**not bold**`"));
        assertEquals("<b>a <code>*b*</code> c</b>", TelegramHtml.render("**a `*b*` c**"));
    }

    @Test
    void links() {
        assertEquals("see <a href=\"https://example.com/a?b=1&amp;c=2\">the <b>docs</b></a>",
                TelegramHtml.render("see [the **docs**](https://example.com/a?b=1&c=2)"));
        assertEquals("[not a link](javascript:alert(1))", TelegramHtml.render("[not a link](javascript:alert(1))"));
        assertEquals("<a href=\"https://x.y/&quot;q\">q</a>", TelegramHtml.render("[q](https://x.y/\"q)"));
    }

    @Test
    void blocks() {
        String md = "# Title\n\nSome text\n- one\n* two\n\n> quoted **b**\n> more\n\nafter";
        assertEquals("<b>Title</b>\n\nSome text\n• one\n• two\n\n<blockquote>quoted <b>b</b>\nmore</blockquote>\n\nafter",
                TelegramHtml.render(md));
    }

    @Test
    void fencedCode() {
        String md = "before\n```java\nif (a < b && c) {\n  **x**;\n}\n```\nafter";
        assertEquals("before\n<pre><code class=\"language-java\">if (a &lt; b &amp;&amp; c) {\n  **x**;\n}</code></pre>\nafter",
                TelegramHtml.render(md));
        assertEquals("<pre>plain</pre>", TelegramHtml.render("```\nplain\n```"));
        assertEquals("<pre>unterminated\nstill code</pre>", TelegramHtml.render("```\nunterminated\nstill code"));
    }

    @Test
    void escapedMarkdownCharacters() {
        assertEquals("*not italic*", TelegramHtml.render("\\*not italic\\*"));
    }

    /** Whatever the input, the output has only Telegram's tags, properly nested, and no bare < or &. */
    @Test
    void randomInputAlwaysGivesWellFormedTelegramHtml() {
        Random r = new Random(42);
        String alphabet = "ab _*~|`[]()<>&#>-\nhttps://x.y \\";
        for (int n = 0; n < 5000; n++) {
            StringBuilder b = new StringBuilder();
            int len = r.nextInt(60);
            for (int i = 0; i < len; i++) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String html = TelegramHtml.render(b.toString());
            assertWellFormed(b.toString(), html);
        }
    }

    private static final Pattern TAG = Pattern.compile("<(/?)([a-z-]+)((?: [a-z]+=\"[^\"<>]*\")?)>");
    private static final Set<String> ALLOWED = Set.of("b", "i", "s", "u", "code", "pre", "a", "blockquote", "tg-spoiler");

    static void assertWellFormed(String input, String html) {
        Deque<String> open = new ArrayDeque<>();
        int i = 0;
        Matcher m = TAG.matcher(html);
        while (i < html.length()) {
            char c = html.charAt(i);
            if (c == '<') {
                assertTrue(m.find(i) && m.start() == i, "bare < in " + html + " from " + input);
                String name = m.group(2);
                assertTrue(ALLOWED.contains(name), "tag " + name + " in " + html);
                if (m.group(1).isEmpty()) {
                    open.push(name);
                } else {
                    assertFalse(open.isEmpty(), "close without open in " + html + " from " + input);
                    assertEquals(open.pop(), name, "nesting in " + html + " from " + input);
                }
                i = m.end();
            } else if (c == '&') {
                assertTrue(html.startsWith("&amp;", i) || html.startsWith("&lt;", i) || html.startsWith("&gt;", i)
                        || html.startsWith("&quot;", i), "bare & in " + html);
                i++;
            } else {
                assertFalse(c == '>', "bare > in " + html + " from " + input);
                i++;
            }
        }
        assertTrue(open.isEmpty(), "unclosed " + open + " in " + html + " from " + input);
    }
}
