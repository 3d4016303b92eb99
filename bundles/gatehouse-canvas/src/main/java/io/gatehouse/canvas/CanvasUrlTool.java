package io.gatehouse.canvas;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;

import io.gatehouse.api.agent.AgentTool;
import io.gatehouse.launcher.api.ListeningSocket;

/**
 * {@code canvas.url}: where the user can see the agent's canvas (or one file of it): {@code canvasHost.advertisedUrl}
 * when set, else a URL the requesting client can reach (never a loopback address to a remote client; see
 * {@link CanvasUrls}).
 */
@Component(service = AgentTool.class, property = AgentTool.NAME + "=" + CanvasUrlTool.NAME)
public final class CanvasUrlTool implements AgentTool {
    static final String NAME = "canvas.url";

    private final CanvasHost host;
    private final ListeningSocket gateway;

    @Activate
    public CanvasUrlTool(@Reference CanvasHost host,
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
        return "Get the web address of your canvas (or of one file in it) to tell the user where to look.";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("path", CanvasTools.stringProperty("Optional file path inside the canvas, e.g. charts/q3.html; empty for the canvas itself"));
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", props);
        schema.put("required", List.of());
        schema.put("additionalProperties", false);
        return schema;
    }

    @Override
    public CompletionStage<String> call(Map<String, Object> arguments, Context context) {
        try {
            if (!host.settings().enabled()) {
                throw new IllegalStateException("the canvas is turned off on this gateway (canvasHost.enabled: false)");
            }
            String rel = CanvasTools.relativePath(arguments == null ? null : arguments.get("path"), false);
            return CompletableFuture.completedFuture(CanvasTools.url(host, gateway, context, rel));
        } catch (IllegalArgumentException | IllegalStateException e) {
            return CompletableFuture.failedFuture(e);
        } catch (CanvasUrls.NoUrl e) {
            return CompletableFuture.failedFuture(new IllegalStateException(e.getMessage()));
        }
    }
}
