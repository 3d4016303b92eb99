package io.gatehouse.config.edit;

import io.gatehouse.support.config.DottedPathException;

/**
 * A dotted path that cannot be split ({@code plugins.entries."io.x.enabled}: the quote is not closed):
 * {@link DottedPathException}, under the name the config bundle's callers catch.
 */
public final class PathSyntaxException extends DottedPathException {
    private static final long serialVersionUID = 1L;

    PathSyntaxException(String path, int column, String reason) {
        super(path, column, reason);
    }
}
