package io.gatehouse.canvas;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.agent.AgentTool;
import io.gatehouse.launcher.api.ListeningSocket;

/**
 * {@code canvas.write}: the agent writes a file of its canvas ({@code <workspace>/canvas} when it has a
 * workspace, else the canvas root). The file is replaced atomically (a temp file renamed over it), so an open
 * page never reloads into a half-written file; writing the content a file already has changes nothing and
 * reloads nothing.
 */
@Component(service = AgentTool.class, property = AgentTool.NAME + "=" + CanvasWriteTool.NAME)
public final class CanvasWriteTool implements AgentTool {
    static final String NAME = "canvas.write";
    static final int MAX_BYTES = 5 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(CanvasWriteTool.class);

    private final CanvasHost host;
    private final ListeningSocket gateway;

    @Activate
    public CanvasWriteTool(@Reference CanvasHost host,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, target = "(" + ListeningSocket.NAME + "=" + ListeningSocket.GATEWAY + ")")
            ListeningSocket gateway) {
        this.host = host;
        this.gateway = gateway;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Write a file (HTML, CSS, JavaScript, SVG, JSON, text) to your canvas, a small web site the user can open"
                + " in a browser. Pages the user has open reload by themselves when a file changes. Start with index.html;"
                + " link other files relatively. Returns the URL of the file (canvas.url gives it again).";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("path", CanvasTools.stringProperty("File path inside the canvas, relative: index.html, css/site.css, charts/q3.svg"));
        props.put("content", CanvasTools.stringProperty("The whole new content of the file (UTF-8 text)"));
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", props);
        schema.put("required", List.of("path", "content"));
        schema.put("additionalProperties", false);
        return schema;
    }

    @Override
    public CompletionStage<String> call(Map<String, Object> arguments, Context context) {
        try {
            return CompletableFuture.completedFuture(write(arguments, context));
        } catch (IllegalArgumentException | IllegalStateException e) {
            return CompletableFuture.failedFuture(e);
        } catch (IOException e) {
            LOG.warn("canvas.write for agent {} failed: {}", context.agentId(), e.toString());
            return CompletableFuture.failedFuture(new IllegalStateException("the canvas file could not be written: "
                    + e.getClass().getSimpleName()));
        }
    }

    private String write(Map<String, Object> arguments, Context context) throws IOException {
        if (!host.settings().enabled()) {
            throw new IllegalStateException("the canvas is turned off on this gateway (canvasHost.enabled: false)");
        }
        String rel = CanvasTools.relativePath(arguments.get("path"), true);
        if (!(arguments.get("content") instanceof String content)) {
            throw new IllegalArgumentException("content is required: the whole text of the file");
        }
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("content is too large (" + bytes.length + " bytes; at most " + MAX_BYTES + ")");
        }
        Path canvas = CanvasTools.canvas(host, context);
        boolean created = !Files.isDirectory(canvas);
        Files.createDirectories(canvas);
        Path base = canvas.toRealPath();
        Path target = base.resolve(rel).normalize();
        if (!target.startsWith(base) || target.equals(base)) {
            throw new IllegalArgumentException("path must stay inside the canvas");
        }
        Files.createDirectories(target.getParent());
        if (!target.getParent().toRealPath().startsWith(base)) {
            throw new IllegalArgumentException("path must stay inside the canvas (a folder on the way links out of it)");
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("path names a folder; name a file inside it, e.g. " + rel + "/index.html");
        }
        boolean unchanged = Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.size(target) == bytes.length
                && Arrays.equals(Files.readAllBytes(target), bytes);
        if (!unchanged) {
            CanvasHost.writeAtomically(target, bytes);
        }
        if (created) {
            host.canvasCreated(canvas);
        }
        LOG.debug("canvas.write by agent {}: {} ({} bytes{})", context.agentId(), rel, bytes.length, unchanged ? ", unchanged" : "");
        String where;
        try {
            where = "Open it at " + CanvasTools.url(host, gateway, context, rel);
        } catch (CanvasUrls.NoUrl e) {
            where = "No URL to give: " + e.getMessage();
        }
        return (unchanged ? "The canvas file " + rel + " already has this content (" + bytes.length + " bytes); nothing changed. "
                : "Wrote " + rel + " (" + bytes.length + " bytes) to the canvas. ") + where;
    }
}
