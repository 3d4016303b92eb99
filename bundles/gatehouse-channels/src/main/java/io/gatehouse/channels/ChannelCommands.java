package io.gatehouse.channels;

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

/** {@code channels:list} and {@code channels:restart}. */
@Component(service = ChannelCommands.class, property = {
        "osgi.command.scope=channels",
        "osgi.command.function=list",
        "osgi.command.function=restart"})
public final class ChannelCommands {
    private final ChannelManager manager;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Activate
    public ChannelCommands(@Reference ChannelManager manager) {
        this.manager = manager;
    }

    @Descriptor("List the installed channels: state (running, stopped, failed), in-flight messages, start time, last error")
    public String list(
            @Descriptor("print JSON for scripts") @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson)
            throws JsonProcessingException {
        List<Map<String, Object>> rows = manager.list();
        if (asJson) {
            return json.writeValueAsString(rows);
        }
        if (rows.isEmpty()) {
            return "no channel adapters installed";
        }
        StringBuilder b = new StringBuilder(String.format("%-12s %-8s %-8s %-9s %-26s %s%n", "ID", "STATE", "ENABLED",
                "INFLIGHT", "STARTED", "LAST ERROR"));
        for (Map<String, Object> r : rows) {
            b.append(String.format("%-12s %-8s %-8s %-9s %-26s %s%n", r.get("id"), r.get("state"), r.get("enabled"),
                    r.get("inFlight"), r.get("startedAt") == null ? "-" : r.get("startedAt"),
                    r.get("lastError") == null ? "" : r.get("lastError")));
        }
        return b.toString();
    }

    @Descriptor("Restart one channel in process, after its in-flight messages drain (bounded by gateway.reload.deferralTimeoutMs)")
    public String restart(@Descriptor("channel id, e.g. webchat") String id) throws InterruptedException {
        return manager.restart(id, "operator request (channels:restart)");
    }
}
