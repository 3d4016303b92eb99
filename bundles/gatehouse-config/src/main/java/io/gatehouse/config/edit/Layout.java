package io.gatehouse.config.edit;

import java.util.ArrayList;
import java.util.List;

/**
 * How new text is written so that it looks like the file around it: line breaks, indentation,
 * trailing commas, key and string quoting, spacing around colons. Document-wide habits are inferred
 * once; {@link #forMembersOf} narrows them to one object's members, which win when they say anything.
 *
 * @param newline        the file's first line break, else LF
 * @param indentUnit     one level of indentation: the first nesting step found, else two spaces
 * @param trailingCommas whether most multi-line containers end with a comma
 * @param quoteKeys      whether keys that could be unquoted are quoted anyway
 * @param keyQuote       the quote for keys that are quoted
 * @param stringQuote    the quote for strings
 * @param colon          the text from the end of a key to its value, e.g. {@code ": "}
 */
record Layout(String newline, String indentUnit, boolean trailingCommas, boolean quoteKeys, char keyQuote,
        char stringQuote, String colon) {

    static Layout infer(Json5Document doc) {
        String text = doc.text();
        List<Json5Container> containers = new ArrayList<>();
        doc.root().ifPresent(root -> collect(root, containers));

        String unit = null;
        int withComma = 0;
        int withoutComma = 0;
        int quotedNames = 0;
        int unquotedNames = 0;
        int doubleKeys = 0;
        int singleKeys = 0;
        String colon = null;
        for (Json5Container c : containers) {
            List<? extends Json5Item> items = c.items();
            if (items.isEmpty() || !isMultiline(doc, c)) {
                continue;
            }
            if (items.get(items.size() - 1).comma() >= 0) {
                withComma++;
            } else {
                withoutComma++;
            }
            Json5Item first = items.get(0);
            if (unit == null && doc.lines().onlyIndentBefore(first.start())) {
                String outer = doc.lines().indentOf(c.start());
                String inner = doc.lines().indentOf(first.start());
                if (inner.length() > outer.length() && inner.startsWith(outer)) {
                    unit = inner.substring(outer.length());
                }
            }
        }
        for (Json5Container c : containers) {
            if (c instanceof Json5Object o) {
                for (Json5Member m : o.members()) {
                    Json5Key k = m.key();
                    if (k.quote() == '"') {
                        doubleKeys++;
                    } else if (k.quote() == '\'') {
                        singleKeys++;
                    }
                    if (Json5Writer.isIdentifier(k.name())) {
                        if (k.quoted()) {
                            quotedNames++;
                        } else {
                            unquotedNames++;
                        }
                    }
                    if (colon == null) {
                        colon = colonOf(text, m);
                    }
                }
            }
        }
        int[] strings = new int[2];
        doc.root().ifPresent(root -> countStrings(root, strings));
        return new Layout(newlineOf(text), unit == null ? "  " : unit, withComma > withoutComma,
                quotedNames > unquotedNames, singleKeys > doubleKeys ? '\'' : '"',
                strings[1] > strings[0] ? '\'' : '"', colon == null ? ": " : colon);
    }

    /**
     * This layout with key quoting, string quotes and colon spacing taken from {@code object}'s
     * members: keys unquoted when any sibling that could be unquoted is, quoted when such siblings
     * are all quoted; strings quoted like the last sibling string.
     */
    Layout forMembersOf(Json5Document doc, Json5Object object) {
        boolean anyUnquoted = false;
        boolean anyQuotedName = false;
        char quote = 0;
        char siblingString = 0;
        String siblingColon = null;
        for (Json5Member m : object.members()) {
            Json5Key k = m.key();
            if (k.quoted()) {
                quote = k.quote();
                anyQuotedName |= Json5Writer.isIdentifier(k.name());
            } else {
                anyUnquoted = true;
            }
            if (m.value() instanceof Json5Scalar v && v.quote() != 0) {
                siblingString = v.quote();
            }
            String c = colonOf(doc.text(), m);
            if (c != null) {
                siblingColon = c;
            }
        }
        boolean quoteNames = !anyUnquoted && (anyQuotedName || quoteKeys);
        return new Layout(newline, indentUnit, trailingCommas, quoteNames, quote == 0 ? keyQuote : quote,
                siblingString == 0 ? stringQuote : siblingString, siblingColon == null ? colon : siblingColon);
    }

    /** This layout writing strings with {@code quote}. */
    Layout withStringQuote(char quote) {
        return new Layout(newline, indentUnit, trailingCommas, quoteKeys, keyQuote, quote, colon);
    }

    /** The quote most strings in {@code value} use, or 0 when it has no strings or no majority. */
    static char stringQuoteIn(Json5Value value) {
        int[] counts = new int[2];
        countStrings(value, counts);
        return counts[0] > counts[1] ? '"' : counts[1] > counts[0] ? '\'' : 0;
    }

    /** Whether a container's items start on lines below its opening bracket (empty: brackets on two lines). */
    static boolean isMultiline(Json5Document doc, Json5Container c) {
        List<? extends Json5Item> items = c.items();
        int firstToken = items.isEmpty() ? c.end() - 1 : items.get(0).start();
        return doc.lines().line(firstToken) != doc.lines().line(c.start());
    }

    /** Key-to-value text when it is plain spacing (no comment, no line break), else null. */
    private static String colonOf(String text, Json5Member m) {
        String between = text.substring(m.key().end(), m.value().start());
        return between.chars().allMatch(ch -> ch == ' ' || ch == '\t' || ch == ':') ? between : null;
    }

    private static String newlineOf(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                return "\n";
            }
            if (c == '\r') {
                return i + 1 < text.length() && text.charAt(i + 1) == '\n' ? "\r\n" : "\r";
            }
        }
        return "\n";
    }

    private static void collect(Json5Value v, List<Json5Container> out) {
        if (v instanceof Json5Container c) {
            out.add(c);
            c.items().forEach(i -> collect(i.value(), out));
        }
    }

    private static void countStrings(Json5Value v, int[] counts) {
        if (v instanceof Json5Scalar s && s.quote() != 0) {
            counts[s.quote() == '\'' ? 1 : 0]++;
        } else if (v instanceof Json5Container c) {
            c.items().forEach(i -> countStrings(i.value(), counts));
        }
    }
}
