package io.gatehouse.agents;

import java.io.IOException;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.gatehouse.api.agent.TurnStats;

/** {@code turns:stats}: turns running and queued, per provider and agent, and the oldest wait. */
@Component(service = TurnCommands.class, property = {
        "osgi.command.scope=turns",
        "osgi.command.function=stats"})
public final class TurnCommands {
    private final TurnStats stats;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Activate
    public TurnCommands(@Reference TurnStats stats) {
        this.stats = stats;
    }

    @Descriptor("Show agent turns: running, queued (and the oldest wait), per provider and per agent: cap, in flight, waiting")
    public String stats(
            @Descriptor("print JSON for scripts") @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson)
            throws IOException {
        TurnStats.Snapshot s = stats.snapshot();
        if (asJson) {
            return json.writeValueAsString(s);
        }
        return text(s);
    }

    static String text(TurnStats.Snapshot s) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("running       %d%n", s.running()));
        b.append(String.format("queued        %d of at most %d%s%n", s.queued(), s.maxQueued(),
                s.queued() > 0 ? " (oldest waiting " + s.oldestWaitMs() + " ms)" : ""));
        b.append(String.format("sessions      %d active%n", s.sessions()));
        b.append(String.format("since start   %d accepted, %d completed, %d failed, %d cancelled, %d refused (queue full)%n",
                s.accepted(), s.completed(), s.failed(), s.cancelled(), s.rejected()));
        gates(b, "providers", s.providers());
        gates(b, "agents", s.agents());
        return b.toString();
    }

    private static void gates(StringBuilder b, String title, List<TurnStats.Gate> gates) {
        b.append(String.format("%n%-24s %8s %9s %8s %14s%n", title, "cap", "in flight", "waiting", "oldest wait"));
        if (gates.isEmpty()) {
            b.append("  (none active or capped)\n");
        }
        for (TurnStats.Gate g : gates) {
            b.append(String.format("  %-22s %8s %9d %8d %11d ms%n", g.id(), g.maxConcurrent() == 0 ? "-" : g.maxConcurrent(),
                    g.inFlight(), g.waiting(), g.oldestWaitMs()));
        }
    }
}
