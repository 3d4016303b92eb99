package io.gatehouse.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.gatehouse.support.secrets.Secrets;

/**
 * What the shell, Config Admin's descriptions and the log may show of a config: the file's own
 * values, with every secret replaced by {@value #REDACTED}. Secret are:
 * <ul>
 * <li>values under a key that looks like a credential ({@code token}, {@code secret}, {@code password},
 * {@code apiKey}, {@code x-api-key}, {@code Authorization}, {@code auth}, {@code cookie}, ...);</li>
 * <li>every value of a {@code headers} object (HTTP header values carry credentials under any name);</li>
 * <li>the user-info of a URL ({@code https://user:pass@host} shows as {@code https://<redacted>@host})
 * and URL query parameters with credential-like names ({@code ?api_key=}, {@code &token=}).</li>
 * </ul>
 * A value that is only an {@code ${ENV_VAR}} reference stays visible: it names the secret's source,
 * not the secret.
 */
final class Redaction {
    static final String REDACTED = Secrets.REDACTED;

    private Redaction() {
    }

    static boolean isSecretKey(String key) {
        return Secrets.isSecretKey(key);
    }

    /** Whether the value at a dotted path is secret: a credential-like key, or a value under {@code headers}. */
    static boolean isSecretPath(String dottedPath) {
        if (dottedPath == null || dottedPath.isEmpty()) {
            return false;
        }
        String[] segments = dottedPath.split("\\.");
        for (int i = 0; i < segments.length - 1; i++) {
            if (isHeaders(segments[i])) {
                return true;
            }
        }
        int last = segments.length - 1;
        while (last > 0 && segments[last].matches("\\d+")) {
            last--; // an element of a secret list
        }
        return isSecretKey(segments[last]);
    }

    private static boolean isHeaders(String key) {
        return key != null && key.toLowerCase(Locale.ROOT).endsWith("headers");
    }

    /** A redacted deep copy of a raw (not substituted) value. */
    static Object redact(String key, Object value) {
        return redact(key, value, false);
    }

    private static Object redact(String key, Object value, boolean secretContext) {
        if (value instanceof Map<?, ?> m) {
            boolean headers = secretContext || isHeaders(key);
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), redact(String.valueOf(k), v, headers)));
            return copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            for (Object v : l) {
                copy.add(redact(key, v, secretContext));
            }
            return copy;
        }
        if (value instanceof String s) {
            if (s.isEmpty() || Secrets.isEnvReference(s)) {
                return s;
            }
            if (secretContext || isSecretKey(key)) {
                return REDACTED;
            }
            return scrub(s);
        }
        if (value instanceof Number && secretContext) {
            return REDACTED; // a header value written as a number
        }
        return value;
    }

    /** Free text with URL credentials and authorization values replaced (the shared rule, {@link Secrets#scrub}). */
    static String scrub(String text) {
        return Secrets.scrub(text);
    }
}
