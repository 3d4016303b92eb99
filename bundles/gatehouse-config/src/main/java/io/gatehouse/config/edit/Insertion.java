package io.gatehouse.config.edit;

import java.util.ArrayList;
import java.util.List;

/** Adding a member to an object, written the way the object's other members are. */
final class Insertion {
    private Insertion() {
    }

    /**
     * Appends {@code key: value} after the last member of {@code object}.
     * <ul>
     * <li>one member per line: on a new line after the last member's line (after its comma and any
     * comment on that line), with its indentation; a comma is added to the former last member if it
     * had none, and the new member gets one if the former last member had one (trailing-comma style);</li>
     * <li>one-line object: after the last member, on the same line;</li>
     * <li>empty object: multi-line when its brackets are on different lines or its parent is
     * multi-line (or it is the root), else {@code { key: value }}.</li>
     * </ul>
     */
    static List<TextEdit> member(Json5Document doc, Layout documentLayout, Json5Object object,
            boolean parentMultiline, String key, Object value) {
        Layout layout = documentLayout.forMembersOf(doc, object);
        Json5Writer writer = new Json5Writer(layout);
        String text = doc.text();
        LineIndex lines = doc.lines();
        List<Json5Member> members = object.members();
        List<TextEdit> edits = new ArrayList<>();

        if (members.isEmpty()) {
            int open = object.start();
            int close = object.end() - 1;
            String comma = layout.trailingCommas() ? "," : "";
            if (lines.line(open) != lines.line(close) && lines.onlyIndentBefore(close)) {
                // A new line just above the closing bracket, below any comments inside.
                String indent = lines.indentOf(close) + layout.indentUnit();
                edits.add(TextEdit.insert(lines.lineStart(close),
                        indent + writer.member(key, value, indent, true) + comma + layout.newline()));
                return edits;
            }
            String base = lines.indentOf(open);
            boolean blank = LineIndex.isBlank(text, open + 1, close);
            int from = blank ? open + 1 : Trivia.skipSpacesBack(text, close);
            if (parentMultiline || Layout.isMultiline(doc, object)) {
                String indent = base + layout.indentUnit();
                edits.add(new TextEdit(from, close, layout.newline() + indent + writer.member(key, value, indent, true)
                        + comma + layout.newline() + base));
            } else {
                edits.add(new TextEdit(from, close, " " + writer.member(key, value, base, false) + " "));
            }
            return edits;
        }

        Json5Member last = members.get(members.size() - 1);
        if (Layout.isMultiline(doc, object)) {
            String indent = lines.indentOf(last.start());
            if (last.comma() < 0) {
                edits.add(TextEdit.insert(last.end(), ","));
            }
            edits.add(TextEdit.insert(Trivia.endOfLineTail(text, last), layout.newline() + indent
                    + writer.member(key, value, indent, true) + (last.comma() >= 0 ? "," : "")));
        } else {
            String member = writer.member(key, value, lines.indentOf(object.start()), false);
            if (last.comma() >= 0) {
                edits.add(TextEdit.insert(last.comma() + 1, " " + member + ","));
            } else {
                edits.add(TextEdit.insert(last.end(), ", " + member));
            }
        }
        return edits;
    }

    /** A document with no value at all (empty, or only comments) gets a multi-line root object. */
    static List<TextEdit> root(Json5Document doc, Layout layout, Object object) {
        String text = doc.text();
        boolean lineStart = text.isEmpty() || text.endsWith("\n") || text.endsWith("\r");
        String body = new Json5Writer(layout).value(object, "", true);
        return List.of(TextEdit.insert(text.length(), (lineStart ? "" : layout.newline()) + body + layout.newline()));
    }
}
