package io.gatehouse.skills.load;

/** A SKILL.md that cannot be loaded: where (1-based line and column, 0 when unknown) and why. */
public final class SkillFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;
    private final String reason;
    /** True when the file may still be being written (no end of front matter yet, empty). */
    private final boolean maybeIncomplete;

    public SkillFormatException(int line, int column, String reason, boolean maybeIncomplete) {
        super(reason);
        this.line = line;
        this.column = column;
        this.reason = reason;
        this.maybeIncomplete = maybeIncomplete;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    public String reason() {
        return reason;
    }

    public boolean maybeIncomplete() {
        return maybeIncomplete;
    }
}
