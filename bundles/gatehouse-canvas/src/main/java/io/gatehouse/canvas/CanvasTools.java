package io.gatehouse.canvas;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;

import io.gatehouse.api.agent.AgentTool;
import io.gatehouse.launcher.api.ListeningSocket;

/** What both canvas tools share: where an agent's canvas is, and its URL for the caller. */
final class CanvasTools {
    private CanvasTools() {
    }

    /** The agent's canvas folder. */
    static Path canvas(CanvasHost host, AgentTool.Context ctx) {
        return host.canvasOf(ctx.agentId(), ctx.workspace());
    }

    /**
     * The URL of {@code rel} (a canvas-relative path, or empty for the canvas itself) for the caller.
     *
     * @throws CanvasUrls.NoUrl with the reason when no URL the caller can reach is known
     */
    static String url(CanvasHost host, ListeningSocket gateway, AgentTool.Context ctx, String rel) throws CanvasUrls.NoUrl {
        String prefix = host.urlPrefixOf(ctx.agentId(), ctx.workspace());
        InetSocketAddress address = gateway == null ? null : gateway.localAddress();
        return CanvasUrls.url(host.settings().advertisedUrl(), ctx.attributes(), address, CanvasUrls.encodePath(prefix + rel));
    }

    /** A canvas-relative path from a tool argument: relative, no dot segments or hidden names, no backslashes. */
    static String relativePath(Object value, boolean required) throws IllegalArgumentException {
        if (value == null || value instanceof String s && s.isBlank()) {
            if (required) {
                throw new IllegalArgumentException("path is required: a file name inside the canvas, e.g. index.html");
            }
            return "";
        }
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("path must be a string, e.g. index.html");
        }
        String p = s.trim();
        if (p.length() > 512) {
            throw new IllegalArgumentException("path is too long (at most 512 characters)");
        }
        if (p.startsWith("/") || p.startsWith("~") || p.matches("^[A-Za-z]:.*")) {
            throw new IllegalArgumentException("path must be relative to the canvas (e.g. index.html or charts/q3.html), not "
                    + "an absolute path");
        }
        if (p.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("path must use / between folders, not \\");
        }
        String[] segs = p.split("/", -1);
        for (int i = 0; i < segs.length; i++) {
            String seg = segs[i];
            if (seg.isEmpty()) {
                if (i == segs.length - 1 && !required) {
                    continue; // a folder
                }
                throw new IllegalArgumentException("path has an empty segment (//) or ends with /: name a file, e.g. index.html");
            }
            try {
                CanvasPaths.checkSegment(seg);
            } catch (CanvasPaths.BadPath e) {
                throw new IllegalArgumentException("path " + (seg.startsWith(".") && !seg.equals(".") && !seg.equals("..")
                        ? "must not name hidden files (starting with .)" : "must stay inside the canvas (" + e.getMessage() + ")"));
            }
        }
        return p;
    }

    static Map<String, Object> stringProperty(String description) {
        return Map.of("type", "string", "description", description);
    }
}
