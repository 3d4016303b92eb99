package io.gatehouse.config.schema;

/**
 * A validation finding.
 *
 * @param path    dotted JSON path of the value ({@code gateway.port}, {@code bindings.2.agentId})
 * @param reason  what is wrong, for an operator
 * @param warning true for findings that do not stop the config from being applied
 */
public record Issue(String path, String reason, boolean warning) {

    static Issue error(String path, String reason) {
        return new Issue(path, reason, false);
    }

    static Issue warn(String path, String reason) {
        return new Issue(path, reason, true);
    }
}
