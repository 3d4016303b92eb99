package io.gatehouse.config.edit;

import java.util.ArrayList;
import java.util.List;

/**
 * Removing a member or element with its comma and the comments that belong to it.
 *
 * <p>An item on lines of its own (comments before or after it on those lines count as its own)
 * loses those whole lines, and the comment lines directly above it: a block of own-line comments is
 * attached when no blank line separates it from the item, and the walk up stops at a blank line or
 * at a line holding anything but comments. Comments separated by a blank line, comments on other
 * items' lines and comments outside the brackets stay. When this leaves two blank lines together, or
 * a blank line next to a bracket, one blank line goes too.
 *
 * <p>An item sharing its line with others is cut out of the line with its comma and the spaces
 * after it; comments on that line stay.
 *
 * <p>Commas keep the container's style: removing the last item of a container without trailing
 * comma removes the comma of the item before it.
 */
final class Removal {
    private Removal() {
    }

    static List<TextEdit> item(Json5Document doc, Json5Container container, int index) {
        String text = doc.text();
        LineIndex lines = doc.lines();
        List<? extends Json5Item> items = container.items();
        Json5Item item = items.get(index);
        Json5Item previous = index > 0 ? items.get(index - 1) : null;
        boolean last = index == items.size() - 1;
        List<TextEdit> edits = new ArrayList<>();

        int tail = Trivia.endOfLineTail(text, item);
        int lineEnd = Trivia.skipSpaces(text, tail);
        int head = lineHead(doc, item.start(), floor(container, index));
        if (head >= 0 && Trivia.atLineBreakOrEnd(text, lineEnd)) {
            int start = lines.lineStart(attachedCommentsStart(doc, head, floor(container, index)));
            int end = Trivia.afterLineBreak(text, lineEnd);
            int[] span = tidyBlankLines(text, lines, container, start, end);
            edits.add(TextEdit.delete(span[0], span[1]));
        } else if (item.comma() >= 0) {
            int after = Trivia.skipSpaces(text, item.comma() + 1);
            if (Trivia.atLineBreakOrEnd(text, after)) {
                // Last on a shared line: take the spaces before it, leave no trailing space.
                edits.add(TextEdit.delete(Trivia.skipSpacesBack(text, item.start()), item.comma() + 1));
            } else {
                edits.add(TextEdit.delete(item.start(), after));
            }
        } else if (previous != null) {
            edits.add(TextEdit.delete(previous.comma(), item.end()));
            return edits; // the previous comma is gone already
        } else {
            edits.add(TextEdit.delete(item.start(), item.end()));
        }
        if (last && item.comma() < 0 && previous != null) {
            edits.add(TextEdit.delete(previous.comma(), previous.comma() + 1));
        }
        return edits;
    }

    /** Where comments belonging to the item may start: after the previous item's comma, or the bracket. */
    private static int floor(Json5Container container, int index) {
        if (index == 0) {
            return container.start() + 1;
        }
        Json5Item previous = container.items().get(index - 1);
        return previous.comma() >= 0 ? previous.comma() + 1 : previous.end();
    }

    /**
     * Start of the comment lines directly above the line starting at {@code head}: walks up while the
     * line above ends in a comment, holds only comments, and no blank line comes between.
     */
    private static int attachedCommentsStart(Json5Document doc, int head, int floor) {
        String text = doc.text();
        LineIndex lines = doc.lines();
        int start = head;
        while (true) {
            int lineStart = lines.lineStart(start);
            Json5Comment above = lastEndingBy(doc.comments(), lineStart, floor);
            if (above == null || Trivia.lineBreaks(text, above.end(), lineStart) != 1) {
                return start;
            }
            int first = lineHead(doc, above.start(), floor);
            if (first < 0) {
                return start;
            }
            start = first;
        }
    }

    /**
     * The start of the comments that precede {@code offset} on its line when only comments and
     * spaces do ({@code offset} itself when nothing does), else -1.
     */
    private static int lineHead(Json5Document doc, int offset, int floor) {
        String text = doc.text();
        int start = offset;
        while (true) {
            int before = Trivia.skipSpacesBack(text, start);
            if (before == doc.lines().lineStart(start)) {
                return start;
            }
            Json5Comment left = lastEndingBy(doc.comments(), before, floor);
            if (left == null || left.end() != before) {
                return -1;
            }
            start = left.start();
        }
    }

    private static Json5Comment lastEndingBy(List<Json5Comment> comments, int limit, int floor) {
        for (int i = comments.size() - 1; i >= 0; i--) {
            Json5Comment c = comments.get(i);
            if (c.end() <= limit) {
                return c.start() >= floor ? c : null;
            }
        }
        return null;
    }

    /** Widens whole-line deletion {@code [start, end)} so that no doubled or bracket-side blank line remains. */
    private static int[] tidyBlankLines(String text, LineIndex lines, Json5Container container, int start, int end) {
        boolean blankAbove = start > 0 && LineIndex.isBlank(text, lines.lineStart(start - 1), start)
                && lines.lineStart(start - 1) > container.start();
        int nextEnd = Trivia.skipSpaces(text, end);
        boolean blankBelow = nextEnd < text.length() && Trivia.atLineBreakOrEnd(text, nextEnd);
        boolean atOpen = LineIndex.isBlank(text, container.start() + 1, start);
        boolean atClose = LineIndex.isBlank(text, end, container.end() - 1);
        if (blankAbove && (blankBelow || atClose)) {
            return new int[] {lines.lineStart(start - 1), end};
        }
        if (blankBelow && atOpen) {
            return new int[] {start, Trivia.afterLineBreak(text, nextEnd)};
        }
        return new int[] {start, end};
    }
}
