package io.gatehouse.agents.session;

import java.nio.charset.StandardCharsets;

import io.gatehouse.support.files.Sha256;

/** File names for session keys and folder names for agent ids: path-safe, reversible for short keys. */
public final class SessionFiles {
    private static final int MAX_NAME = 180;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private SessionFiles() {
    }

    /**
     * The transcript file name of a session key: {@code a-z 0-9 _ -} kept, {@code :} becomes {@code .},
     * every other byte {@code %XX} (so {@code agent:main:main} is {@code agent.main.main.jsonl}); a name
     * longer than 180 characters is cut and gets a hash of the whole key.
     */
    public static String fileName(String sessionKey) {
        StringBuilder b = new StringBuilder();
        for (byte x : sessionKey.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                b.append(c);
            } else if (c == ':') {
                b.append('.');
            } else {
                b.append('%').append(HEX[(x >> 4) & 0xf]).append(HEX[x & 0xf]);
            }
        }
        String name = b.toString();
        if (name.length() > MAX_NAME) {
            name = name.substring(0, MAX_NAME - 17) + "~" + sha256(sessionKey).substring(0, 16);
        }
        return name + ".jsonl";
    }

    /** The agent id a routing session key names ({@code agent:<id>:...}), or null. */
    public static String agentOf(String sessionKey) {
        if (sessionKey != null && sessionKey.startsWith("agent:")) {
            int end = sessionKey.indexOf(':', 6);
            if (end > 6) {
                return sessionKey.substring(6, end);
            }
        }
        return null;
    }

    static String sha256(String s) {
        return Sha256.of(s);
    }
}
