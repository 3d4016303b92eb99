package io.gatehouse.canvas;

import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** {@code canvas:status}. */
@Component(service = CanvasCommands.class, property = {
        "osgi.command.scope=canvas",
        "osgi.command.function=status"})
public final class CanvasCommands {
    private final CanvasHost host;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Activate
    public CanvasCommands(@Reference CanvasHost host) {
        this.host = host;
    }

    @Descriptor("The canvas: root, enabled, live reload (on, off, failed, degraded) and its watches, connected pages,"
            + " the last broadcast and its time, warnings")
    public String status(
            @Descriptor("print JSON for scripts") @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson)
            throws JsonProcessingException {
        Map<String, Object> s = host.status();
        if (asJson) {
            return json.writeValueAsString(s);
        }
        StringBuilder b = new StringBuilder();
        row(b, "canvas", (Boolean.TRUE.equals(s.get("enabled")) ? "on" : "off (canvasHost.enabled: false)"));
        row(b, "root", s.get("root") + (Boolean.TRUE.equals(s.get("rootExists")) ? "" : " (missing)"));
        row(b, "live reload", s.get("liveReloadState") + (Boolean.TRUE.equals(s.get("liveReload")) ? "" : " (canvasHost.liveReload: false)")
                + ", settles " + s.get("settleMs") + " ms after the last save");
        for (Object o : (List<?>) s.get("watches")) {
            Map<?, ?> w = (Map<?, ?>) o;
            row(b, "  watching", w.get("path") + " (" + w.get("mode") + ")");
        }
        row(b, "clients", s.get("clients") + " page(s) connected");
        Map<?, ?> last = (Map<?, ?>) s.get("lastBroadcast");
        row(b, "broadcasts", s.get("broadcasts") + (last == null ? ", none yet"
                : ", last at " + last.get("at") + ": " + ((List<?>) last.get("changed")).size() + " file(s) changed, "
                        + last.get("pagesReloaded") + " page(s) reloaded, " + last.get("settledAfterMs") + " ms after the last save"));
        row(b, "advertised", s.get("advertisedUrl") == null ? "not set (URLs follow the Host each client used)" : String.valueOf(s.get("advertisedUrl")));
        Map<?, ?> agents = (Map<?, ?>) s.get("agentCanvases");
        if (agents.isEmpty()) {
            row(b, "agents", "none with a workspace (agents write to the root)");
        }
        agents.forEach((k, v) -> row(b, "agent " + k, "/canvas/" + k + "/ -> " + v));
        for (Object w : (List<?>) s.get("warnings")) {
            row(b, "WARNING", String.valueOf(w));
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String key, String value) {
        b.append(String.format("%-13s %s%n", key, value));
    }
}
