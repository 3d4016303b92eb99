package io.gatehouse.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    static final String REDACTED = "<redacted>";

    /** Key names (lower case, without {@code - _ .} and spaces) that hold credentials. */
    private static final Pattern SECRET_KEY = Pattern.compile(
            ".*(token|secret|passw|passphrase|apikey|accesskey|privatekey|signingkey|clientkey|credential|bearer|cookie"
                    + "|authorization|signature|sessionid|sessionkey).*|(.*auth)|pwd|key|pin|sig");
    /** Counts and limits that only mention tokens ({@code maxTokens}, {@code contextTokens}). */
    private static final Pattern NOT_SECRET_KEY = Pattern.compile(".*tokens|(max|min).*|.*(limit|count|size)");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}");
    /** scheme://user-info@ in free text; the user-info ends at the first '@' before the host. */
    private static final Pattern URL_USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^/?#\\s\"']+)@");
    /** A credential-like query parameter of a URL. */
    private static final Pattern URL_SECRET_PARAM = Pattern.compile("([?&;])([A-Za-z0-9_.-]+)=([^&#\\s\"']*)");
    /** "Bearer xyz" in free text (an Authorization header value that reached a message). */
    private static final Pattern AUTH_SCHEME = Pattern.compile("(?i)\\b(Bearer)\\s+[A-Za-z0-9._~+/=-]{8,}");

    private Redaction() {
    }

    static boolean isSecretKey(String key) {
        if (key == null) {
            return false;
        }
        String k = key.toLowerCase(Locale.ROOT).replaceAll("[-_. ]", "");
        return SECRET_KEY.matcher(k).matches() && !NOT_SECRET_KEY.matcher(k).matches();
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
            if (s.isEmpty() || ENV_REFERENCE.matcher(s).matches()) {
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

    /**
     * Free text (a value, an error message, a log line) with URL credentials and authorization
     * header values replaced: {@code http://user:pw@host} becomes {@code http://<redacted>@host},
     * {@code ?api_key=abc} becomes {@code ?api_key=<redacted>}, {@code Bearer abc} becomes
     * {@code Bearer <redacted>}. User-info that is only an {@code ${ENV}} reference is kept.
     */
    static String scrub(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        if (out.contains("@")) {
            Matcher m = URL_USER_INFO.matcher(out);
            StringBuilder b = new StringBuilder();
            while (m.find()) {
                String userInfo = m.group(2);
                String password = userInfo.contains(":") ? userInfo.substring(userInfo.indexOf(':') + 1) : userInfo;
                String keep = ENV_REFERENCE.matcher(password).matches() ? m.group(0) : m.group(1) + REDACTED + "@";
                m.appendReplacement(b, Matcher.quoteReplacement(keep));
            }
            m.appendTail(b);
            out = b.toString();
        }
        if (out.contains("=")) {
            Matcher m = URL_SECRET_PARAM.matcher(out);
            StringBuilder b = new StringBuilder();
            while (m.find()) {
                String name = m.group(2);
                String value = m.group(3);
                String keep = isSecretKey(name) && !value.isEmpty() && !ENV_REFERENCE.matcher(value).matches()
                        ? m.group(1) + name + "=" + REDACTED : m.group(0);
                m.appendReplacement(b, Matcher.quoteReplacement(keep));
            }
            m.appendTail(b);
            out = b.toString();
        }
        Matcher m = AUTH_SCHEME.matcher(out);
        if (m.find()) {
            StringBuilder b = new StringBuilder();
            do {
                m.appendReplacement(b, Matcher.quoteReplacement(m.group(1) + " " + REDACTED));
            } while (m.find());
            m.appendTail(b);
            out = b.toString();
        }
        return out;
    }
}
