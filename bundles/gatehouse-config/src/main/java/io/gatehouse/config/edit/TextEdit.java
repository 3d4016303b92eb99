package io.gatehouse.config.edit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Replace {@code [start, end)} of a text with {@code replacement}. */
record TextEdit(int start, int end, String replacement) {

    static TextEdit insert(int at, String text) {
        return new TextEdit(at, at, text);
    }

    static TextEdit delete(int start, int end) {
        return new TextEdit(start, end, "");
    }

    /** Applies non-overlapping edits; everything outside them is copied unchanged. */
    static String apply(String text, List<TextEdit> edits) {
        List<TextEdit> sorted = new ArrayList<>(edits);
        sorted.sort(Comparator.comparingInt(TextEdit::start).thenComparingInt(TextEdit::end));
        StringBuilder out = new StringBuilder(text.length() + 64);
        int copied = 0;
        for (TextEdit e : sorted) {
            if (e.start < copied || e.end < e.start) {
                throw new IllegalStateException("overlapping edits " + sorted);
            }
            out.append(text, copied, e.start).append(e.replacement);
            copied = e.end;
        }
        return out.append(text, copied, text.length()).toString();
    }
}
