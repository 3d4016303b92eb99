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

/** {@code channels:list}, {@code channels:restart}, {@code channels:pairing} and {@code channels:pair}. */
@Component(service = ChannelCommands.class, property = {
        "osgi.command.scope=channels",
        "osgi.command.function=list",
        "osgi.command.function=restart",
        "osgi.command.function=pair",
        "osgi.command.function=pairing"})
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
            if (r.get("accounts") instanceof List<?> accounts) {
                for (Object o : accounts) {
                    if (o instanceof Map<?, ?> a) {
                        b.append("  account ").append(a.get("accountId")).append(": ").append(a.get("state"));
                        a.forEach((k, v) -> {
                            if (!"accountId".equals(k) && !"state".equals(k) && v != null) {
                                b.append(", ").append(k).append(' ').append(v);
                            }
                        });
                        b.append(String.format("%n"));
                    }
                }
            }
        }
        return b.toString();
    }

    @Descriptor("List the pending pairing requests of a channel (code, account, sender, expiry)")
    public String pairing(
            @Descriptor("print JSON for scripts") @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson,
            @Descriptor("channel id, e.g. telegram") String channel) throws JsonProcessingException {
        List<Map<String, Object>> pending = manager.pairing(channel).pendingPairings();
        if (asJson) {
            return json.writeValueAsString(pending);
        }
        if (pending.isEmpty()) {
            return "no pending pairing requests on " + channel;
        }
        StringBuilder b = new StringBuilder(String.format("%-10s %-12s %-14s %-24s %s%n", "CODE", "ACCOUNT", "SENDER", "EXPIRES", "NAME"));
        for (Map<String, Object> p : pending) {
            b.append(String.format("%-10s %-12s %-14s %-24s %s%n", p.get("code"), p.get("accountId"), p.get("sender"),
                    p.get("expiresAt"), p.get("name") == null ? "" : p.get("name")));
        }
        return b.toString();
    }

    @Descriptor("Approve a pairing request: the sender who got this code may talk to the agents")
    public String pair(@Descriptor("channel id, e.g. telegram") String channel,
            @Descriptor("the pairing code the sender got") String code) throws Exception {
        return manager.pairing(channel).approvePairing(code);
    }

    @Descriptor("Restart one channel in process, after its in-flight messages drain (bounded by gateway.reload.deferralTimeoutMs)")
    public String restart(@Descriptor("channel id, e.g. webchat") String id) throws InterruptedException {
        return manager.restart(id, "operator request (channels:restart)");
    }
}
