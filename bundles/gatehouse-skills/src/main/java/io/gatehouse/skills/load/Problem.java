package io.gatehouse.skills.load;

/**
 * A SKILL.md (or root) that could not be loaded.
 *
 * @param file   the file (or plugin entry) it is about
 * @param line   1-based line, 0 when not about a line
 * @param column 1-based column, 0 when not about a column
 * @param reason what is wrong
 */
public record Problem(String file, int line, int column, String reason) {

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line + (column > 0 ? ":" + column : "") : "") + ": " + reason;
    }
}
