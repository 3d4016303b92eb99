package io.gatehouse.canvas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Maps a request path below {@code /canvas} to a file, with no way out of the canvas: the raw path is
 * percent-decoded exactly once (so {@code %252e%252e} stays the literal name {@code %2e%2e}); backslashes,
 * control characters, empty segments ({@code //}, an absolute path), {@code .} and {@code ..} segments are
 * refused (400); names starting with a dot are never served (404); the resolved file's real path must lie
 * inside the canvas folder's real path, so a symlink pointing outside is not followed (404).
 */
final class CanvasPaths {
    private CanvasPaths() {
    }

    /** What a request path resolves to. */
    sealed interface Resolution permits Found, Redirect, Refused {
    }

    /**
     * A file to serve.
     *
     * @param file   the file's real path
     * @param canvas the real path of the canvas folder it is in
     * @param key    canvas-relative path the page's live-reload socket names its document by
     *               ({@code index.html}, {@code sub/page.html}, {@code <agentId>/index.html})
     */
    record Found(Path file, Path canvas, String key) implements Resolution {
    }

    /** The path names a folder without the trailing slash: redirect so that relative links work. */
    record Redirect(String location) implements Resolution {
    }

    /** Not served: 400 for a malformed or escaping path, 404 for anything that is not a file to serve. */
    record Refused(int status, String reason) implements Resolution {
    }

    /** A parsed request path: decoded segments, and whether it ends with a slash. */
    record RequestPath(List<String> segments, boolean trailingSlash) {
    }

    /**
     * Parses the raw (still percent-encoded) path below {@code /canvas}: empty, or starting with {@code /}.
     *
     * @throws BadPath with the status to answer (400, or 404 for hidden names)
     */
    static RequestPath parse(String raw) throws BadPath {
        if (raw.isEmpty()) {
            return new RequestPath(List.of(), false);
        }
        if (raw.charAt(0) != '/') {
            throw new BadPath(400, "the path must start with /");
        }
        if (raw.indexOf('\\') >= 0) {
            throw new BadPath(400, "backslash in the path");
        }
        String decoded = decodeOnce(raw.substring(1));
        List<String> segments = new ArrayList<>();
        boolean trailing = false;
        if (!decoded.isEmpty()) {
            String[] parts = decoded.split("/", -1);
            for (int i = 0; i < parts.length; i++) {
                String p = parts[i];
                if (p.isEmpty()) {
                    if (i == parts.length - 1) {
                        trailing = true;
                        continue;
                    }
                    throw new BadPath(400, "empty path segment (// or an absolute path)");
                }
                checkSegment(p);
                segments.add(p);
            }
        } else {
            trailing = true;
        }
        return new RequestPath(List.copyOf(segments), trailing);
    }

    /** One decoded segment: no separators, control characters, dot segments; hidden names are not served. */
    static void checkSegment(String p) throws BadPath {
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new BadPath(400, "control character in the path");
            }
            if (c == '\\' || c == '/') {
                throw new BadPath(400, "path separator inside a segment");
            }
        }
        if (p.equals(".") || p.equals("..")) {
            throw new BadPath(400, "'" + p + "' segment in the path");
        }
        if (p.startsWith(".")) {
            throw new BadPath(404, "hidden names are not served");
        }
    }

    /** Percent-decoding, once, as UTF-8 (malformed escapes or bytes: 400). A '+' stays a '+'. */
    static String decodeOnce(String raw) throws BadPath {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0
                        || Character.digit(raw.charAt(i + 2), 16) < 0) {
                    throw new BadPath(400, "malformed percent-encoding in the path");
                }
                bytes.write(Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < raw.length()) {
                    b = raw.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(b);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new BadPath(400, "the path is not valid UTF-8");
        }
    }

    /**
     * Resolves a parsed path: the first segment selects an agent's canvas when {@code agents} has it, else the
     * path is in {@code root}.
     *
     * @param rawPath the raw request path below {@code /canvas} (for the redirect of a folder)
     * @param query   the raw query string or null (kept on a redirect)
     */
    static Resolution resolve(RequestPath rp, String rawPath, String query, Path root, Map<String, Path> agents) {
        List<String> segs = rp.segments();
        Path canvas = root;
        String prefix = "";
        if (!segs.isEmpty() && agents.containsKey(segs.get(0))) {
            canvas = agents.get(segs.get(0));
            prefix = segs.get(0) + "/";
            segs = segs.subList(1, segs.size());
        }
        Path base;
        try {
            base = canvas.toRealPath();
        } catch (IOException e) {
            return new Refused(404, prefix.isEmpty() ? "the canvas folder does not exist" : "this agent has no canvas yet");
        }
        if (!Files.isDirectory(base)) {
            return new Refused(404, "the canvas folder is not a folder");
        }
        Path target = base;
        for (String s : segs) {
            target = target.resolve(s);
        }
        target = target.normalize();
        if (!target.startsWith(base)) {
            return new Refused(400, "outside the canvas");
        }
        Path real;
        try {
            real = target.toRealPath();
        } catch (IOException e) {
            return new Refused(404, "not found");
        }
        if (!real.startsWith(base)) {
            return new Refused(404, "not found (a link out of the canvas)");
        }
        if (Files.isDirectory(real)) {
            if (!rp.trailingSlash()) {
                String location = "/canvas" + rawPath + "/" + (query == null || query.isEmpty() ? "" : "?" + query);
                return new Redirect(location);
            }
            Path index = real.resolve("index.html");
            Path indexReal;
            try {
                indexReal = index.toRealPath();
            } catch (IOException e) {
                return new Refused(404, "no index.html in this folder");
            }
            if (!indexReal.startsWith(base) || !Files.isRegularFile(indexReal)) {
                return new Refused(404, "no index.html in this folder");
            }
            return new Found(indexReal, base, key(prefix, base, indexReal));
        }
        if (rp.trailingSlash()) {
            return new Refused(404, "not a folder");
        }
        if (!Files.isRegularFile(real)) {
            return new Refused(404, "not a file");
        }
        return new Found(real, base, key(prefix, base, real));
    }

    private static String key(String prefix, Path base, Path file) {
        StringBuilder b = new StringBuilder(prefix);
        Path rel = base.relativize(file);
        for (int i = 0; i < rel.getNameCount(); i++) {
            if (i > 0) {
                b.append('/');
            }
            b.append(rel.getName(i));
        }
        return b.toString();
    }

    /** A request path that is refused before it is looked up. */
    static final class BadPath extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        BadPath(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }
}
