package io.gatehouse.canvas;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/** Content types, content hashes, the live-reload script and its injection, and the completeness test of a saved file. */
final class CanvasFiles {
    /** The WebSocket path the injected script connects to. */
    static final String SOCKET_PATH = "/canvas-ws";
    /** Close code telling the page not to reconnect (live reload or the canvas was turned off). */
    static final int CLOSE_OFF = 4001;

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("md", "text/markdown; charset=utf-8"),
            Map.entry("csv", "text/csv; charset=utf-8"),
            Map.entry("xml", "application/xml"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("wav", "audio/wav"),
            Map.entry("ogg", "audio/ogg"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"),
            Map.entry("pdf", "application/pdf"));

    private CanvasFiles() {
    }

    static String extension(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    static String contentType(Path file) {
        return TYPES.getOrDefault(extension(file), "application/octet-stream");
    }

    static boolean isHtml(Path file) {
        String e = extension(file);
        return e.equals("html") || e.equals("htm");
    }

    /** Content hash: 20 hex digits of SHA-256. */
    static String hash(byte[] content) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(content);
            return HexFormat.of().formatHex(d, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The page's live-reload script: a WebSocket to {@link #SOCKET_PATH} on the page's own origin that names
     * the document ({@code d}, canvas-relative) and the version it was served ({@code v}, the content hash, and
     * {@code t}, the time it was served), passes on a {@code token} from the page URL, reloads on the text
     * {@code reload} and reconnects (100 ms, doubling to 5 s) when the socket closes, e.g. across a gateway
     * restart. The server decides whether a page is out of date, so a current page is never reloaded.
     */
    static String script(String key, String version, long servedAt) {
        return "<script data-gatehouse-canvas>\n"
                + "(function(){\"use strict\";if(window.__gatehouseCanvas)return;"
                + "var st=window.__gatehouseCanvas={connected:false,connects:0,doc:" + jsString(key) + ",version:" + jsString(version) + "};"
                + "var token=new URLSearchParams(location.search).get(\"token\"),delay=100;"
                + "function connect(){var ws;"
                + "try{ws=new WebSocket((location.protocol===\"https:\"?\"wss://\":\"ws://\")+location.host+" + jsString(SOCKET_PATH)
                + "+\"?d=\"+encodeURIComponent(st.doc)+\"&v=\"+st.version+\"&t=" + servedAt + "\"+(token?\"&token=\"+encodeURIComponent(token):\"\"));}"
                + "catch(e){setTimeout(connect,delay);return;}"
                + "ws.onopen=function(){st.connected=true;st.connects++;delay=100;};"
                + "ws.onmessage=function(ev){if(ev.data===\"reload\"){st.reloading=true;location.reload();}};"
                + "ws.onclose=function(ev){st.connected=false;if(ev.code===" + CLOSE_OFF + "||st.reloading)return;"
                + "setTimeout(connect,delay);delay=Math.min(delay*2,5000);};}"
                + "connect();})();\n"
                + "</script>\n";
    }

    /**
     * Inserts {@code script} just before the last {@code </body>} (any case, optional whitespace before the
     * {@code >}), or appends it when there is none.
     */
    static byte[] inject(byte[] html, String script) {
        byte[] s = script.getBytes(StandardCharsets.UTF_8);
        int at = lastBodyClose(html);
        if (at < 0) {
            at = html.length;
        }
        byte[] out = new byte[html.length + s.length];
        System.arraycopy(html, 0, out, 0, at);
        System.arraycopy(s, 0, out, at, s.length);
        System.arraycopy(html, at, out, at + s.length, html.length - at);
        return out;
    }

    /** Index of the last {@code </body\s*>} (case-insensitive, ASCII), or -1. */
    static int lastBodyClose(byte[] b) {
        for (int i = b.length - 7; i >= 0; i--) {
            if (b[i] == '<' && b[i + 1] == '/' && lower(b[i + 2]) == 'b' && lower(b[i + 3]) == 'o' && lower(b[i + 4]) == 'd'
                    && lower(b[i + 5]) == 'y') {
                int j = i + 6;
                while (j < b.length && (b[j] == ' ' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r' || b[j] == '\f')) {
                    j++;
                }
                if (j < b.length && b[j] == '>') {
                    return i;
                }
            }
        }
        return -1;
    }

    /**
     * Whether a just-saved file looks completely written. Only a positive answer is evidence: an empty file is
     * incomplete (an editor truncates before it writes), and an HTML document that opens {@code <html} is complete
     * only once it ends with {@code </html>} (trailing white space allowed). Everything else is taken as complete
     * once writes have paused.
     */
    static boolean looksComplete(Path file, byte[] content) {
        if (content.length == 0) {
            return false;
        }
        if (!isHtml(file)) {
            return true;
        }
        int head = Math.min(content.length, 4096);
        String start = new String(content, 0, head, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        if (!start.contains("<html")) {
            return true;
        }
        int end = content.length;
        while (end > 0 && Character.isWhitespace(content[end - 1])) {
            end--;
        }
        int from = Math.max(0, end - 7);
        String tail = new String(content, from, end - from, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        return tail.equals("</html>");
    }

    private static int lower(byte c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    /** A JavaScript string literal that is also safe inside an HTML script element. */
    static String jsString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e || c == '<' || c == '>' || c == '&' || c == '\'') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
