package io.gatehouse.channel.telegram;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Keeps bot tokens out of everything a person or a log can read. */
final class Secrets {
    static final String REDACTED = "<redacted>";
    /** A bot token anywhere in a text: {@code <bot id>:<35 characters>}, or after {@code /bot} in a URL. */
    private static final Pattern TOKEN = Pattern.compile("\\b\\d{3,}:[A-Za-z0-9_-]{8,}");
    private static final Pattern URL_TOKEN = Pattern.compile("/bot[^/\\s]+");

    private Secrets() {
    }

    /** {@code text} with {@code token} (when given) and anything shaped like a bot token replaced. */
    static String redact(String text, String token) {
        if (text == null) {
            return null;
        }
        String t = text;
        if (token != null && token.length() >= 4) {
            t = t.replace(token, REDACTED);
        }
        t = TOKEN.matcher(t).replaceAll(REDACTED);
        return URL_TOKEN.matcher(t).replaceAll("/bot" + REDACTED);
    }

    /**
     * A name for a bot that is safe to show and to use in file names: its numeric id (the part of the token
     * before {@code :}, which Telegram shows publicly), or a hash of the token when it has no such part.
     */
    static String botKey(String token) {
        int colon = token.indexOf(':');
        if (colon > 0 && token.substring(0, colon).matches("\\d{1,20}")) {
            return token.substring(0, colon);
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return "h" + HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
