package io.gatehouse.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the shell and the log may show of a config: the file's own values, where a value under a
 * secret-looking key is replaced unless it is only an {@code ${ENV_VAR}} reference (which names the
 * secret's source, not the secret).
 */
final class Redaction {
    static final String REDACTED = "<redacted>";
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(token|secret|password|passwd|apikey|api_key|credential|privatekey|private_key|bearer).*");

    private Redaction() {
    }

    static boolean isSecretKey(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    /** A redacted deep copy of a raw (not substituted) value. */
    static Object redact(String key, Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), redact(String.valueOf(k), v)));
            return copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            for (Object v : l) {
                copy.add(redact(key, v));
            }
            return copy;
        }
        if (key != null && isSecretKey(key) && value instanceof String s && !s.isEmpty()
                && !s.matches("\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}")) {
            return REDACTED;
        }
        return value;
    }
}
