package io.gatehouse.api.config;

/** A config that cannot be parsed or validated. */
public class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient ConfigError error;

    public ConfigException(ConfigError error) {
        super(error.toString());
        this.error = error;
    }

    public ConfigException(ConfigError error, Throwable cause) {
        super(error.toString(), cause);
        this.error = error;
    }

    public ConfigError error() {
        return error;
    }
}
