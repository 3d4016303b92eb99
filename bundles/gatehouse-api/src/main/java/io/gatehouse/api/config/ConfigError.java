package io.gatehouse.api.config;

import java.nio.file.Path;

/**
 * Why a config could not be used: the file, the position and the reason.
 *
 * @param file   the file read
 * @param line   1-based line, or 0 when unknown
 * @param column 1-based column, or 0 when unknown
 * @param path   JSON path of the offending value ({@code gateway.port}), or empty
 * @param reason what is wrong, for an operator
 */
public record ConfigError(Path file, int line, int column, String path, String reason) {

    /** {@code file:line:col: reason} as in compiler messages. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder().append(file);
        if (line > 0) {
            s.append(':').append(line).append(':').append(column);
        }
        s.append(": ");
        if (path != null && !path.isEmpty()) {
            s.append(path).append(": ");
        }
        return s.append(reason).toString();
    }
}
