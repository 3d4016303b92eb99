package io.gatehouse.api.config.schema;

/**
 * A validation finding.
 *
 * @param path    dotted JSON path of the value ({@code gateway.port}, {@code bindings.2.agentId})
 * @param reason  what is wrong, for an operator; never the text of a secret value
 * @param warning true for findings that do not stop the config from being applied
 */
public record Issue(String path, String reason, boolean warning) {

    public static Issue error(String path, String reason) {
        return new Issue(path, reason, false);
    }

    public static Issue warn(String path, String reason) {
        return new Issue(path, reason, true);
    }
}
