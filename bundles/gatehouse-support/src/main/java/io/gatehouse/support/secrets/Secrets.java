package io.gatehouse.support.secrets;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one rule for credentials in text the gateway shows (the shell, the log, errors sent to clients,
 * transcripts): which keys hold secrets, and free text with URL credentials and authorization values
 * replaced by {@value #REDACTED}.
 */
public final class Secrets {
    public static final String REDACTED = "<redacted>";

    /** Key names (lower case, without {@code - _ .} and spaces) that hold credentials. */
    private static final Pattern SECRET_KEY = Pattern.compile(
            ".*(token|secret|passw|passphrase|apikey|accesskey|privatekey|signingkey|clientkey|credential|bearer|cookie"
                    + "|authorization|signature|sessionid|sessionkey).*|(.*auth)|pwd|key|pin|sig");
    /** Counts and limits that only mention tokens ({@code maxTokens}, {@code contextTokens}). */
    private static final Pattern NOT_SECRET_KEY = Pattern.compile(".*tokens|(max|min).*|.*(limit|count|size)");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}");
    /** scheme://user-info@ in free text; the user-info runs to the last '@' before the host. */
    private static final Pattern URL_USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^/?#\\s\"']+)@");
    /** A credential-like query parameter of a URL. */
    private static final Pattern URL_SECRET_PARAM = Pattern.compile("([?&;])([A-Za-z0-9_.-]+)=([^&#\\s\"']*)");
    /** "Bearer xyz" in free text (an Authorization header value that reached a message). */
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(Bearer)\\s+[A-Za-z0-9._~+/=-]{8,}");
    /**
     * A Telegram bot token ({@code <bot id>:<secret>}): Bot API URLs carry it in their path
     * ({@code https://api.telegram.org/bot123456:AA.../getUpdates}), so an HTTP error may quote it.
     */
    private static final Pattern BOT_TOKEN = Pattern.compile("(?:(?<=/bot)|\\b)\\d{5,}:[A-Za-z0-9_-]{30,}");

    private Secrets() {
    }

    /** Whether a value under this key is a credential ({@code token}, {@code apiKey}, {@code x-api-key}, {@code Authorization}, ...). */
    public static boolean isSecretKey(String key) {
        if (key == null) {
            return false;
        }
        String k = key.toLowerCase(Locale.ROOT).replaceAll("[-_. ]", "");
        return SECRET_KEY.matcher(k).matches() && !NOT_SECRET_KEY.matcher(k).matches();
    }

    /** Whether a string is only an {@code ${ENV_VAR}} reference (it names a secret's source, not the secret). */
    public static boolean isEnvReference(String value) {
        return value != null && ENV_REFERENCE.matcher(value).matches();
    }

    /**
     * Free text (a value, an error message, a log line) with URL credentials and authorization values
     * replaced: {@code http://user:pw@host} becomes {@code http://<redacted>@host}, {@code ?api_key=abc}
     * becomes {@code ?api_key=<redacted>}, {@code Bearer abc...} becomes {@code Bearer <redacted>}, a Telegram bot
     * token ({@code 123456:AA...}, also inside {@code /bot123456:AA.../}) becomes {@code <redacted>}.
     * User-info that is only an {@code ${ENV}} reference is kept.
     */
    public static String scrub(String text) {
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
                String keep = isEnvReference(password) ? m.group(0) : m.group(1) + REDACTED + "@";
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
                String keep = isSecretKey(name) && !value.isEmpty() && !isEnvReference(value)
                        ? m.group(1) + name + "=" + REDACTED : m.group(0);
                m.appendReplacement(b, Matcher.quoteReplacement(keep));
            }
            m.appendTail(b);
            out = b.toString();
        }
        if (out.contains(":")) {
            out = BOT_TOKEN.matcher(out).replaceAll(Matcher.quoteReplacement(REDACTED));
        }
        Matcher m = BEARER.matcher(out);
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
