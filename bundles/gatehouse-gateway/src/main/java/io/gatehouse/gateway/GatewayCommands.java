package io.gatehouse.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.gatehouse.api.agent.TurnStats;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.launcher.api.InFlightWork;
import io.gatehouse.launcher.api.LauncherControl;
import io.gatehouse.launcher.api.ListeningSocket;
import io.gatehouse.support.socket.ListenAddress;

/** {@code gateway:status} and {@code gateway:restart}. */
@Component(service = GatewayCommands.class, property = {
        "osgi.command.scope=gateway",
        "osgi.command.function=status",
        "osgi.command.function=restart"})
public final class GatewayCommands {
    private final LauncherControl launcher;
    private final ConfigService config;
    private final GatewayHealth health;
    private final ListeningSocket gatewaySocket;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    volatile List<InFlightWork> inFlight;

    /** The agent runtime's turns (running, queued, per provider), when the agents bundle runs. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile TurnStats turns;

    @Activate
    public GatewayCommands(@Reference LauncherControl launcher, @Reference ConfigService config,
            @Reference GatewayHealth health,
            @Reference(target = "(" + ListeningSocket.NAME + "=" + ListeningSocket.GATEWAY + ")") ListeningSocket gatewaySocket) {
        this.launcher = launcher;
        this.config = config;
        this.health = health;
        this.gatewaySocket = gatewaySocket;
    }

    @Descriptor("Show uptime, restarts, config in force, listening address and the state of every Gatehouse bundle and component")
    public String status(
            @Descriptor("print JSON for scripts") @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson)
            throws JsonProcessingException {
        Map<String, Object> s = statusMap();
        return asJson ? json.writeValueAsString(s) : text(s);
    }

    @Descriptor("Restart the OSGi framework in process (the listening socket stays open; clients wait)")
    public String restart(@Descriptor("why, for the log") String... reason) {
        String why = reason.length == 0 ? "operator request (gateway:restart)" : String.join(" ", reason);
        long number = launcher.requestRestart(why);
        return "framework restart #" + number + " requested: " + why;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile GatewayListen listen;

    /** Why the socket is not where the config says, when a move failed. */
    java.util.Optional<String> listenReason() {
        GatewayListen l = listen;
        return l == null ? java.util.Optional.empty() : l.problem();
    }

    Map<String, Object> statusMap() {
        long now = System.currentTimeMillis();
        ConfigSnapshot snapshot = config.current();
        List<String> problems = health.problems();
        // Facts, not the last success: the socket as it is, the config in force, the file's last error,
        // and what is in force but not running yet.
        var addr = gatewaySocket.localAddress();
        String listen = ListenAddress.text(addr);
        String configured;
        String listenProblem = null;
        try {
            ListenAddress want = ListenAddress.of(snapshot.get("gateway.bind").orElse(null),
                    snapshot.get("gateway.port").orElse(null));
            configured = want.toString();
            if (!want.matches(addr)) {
                listenProblem = "listening on " + listen + ", but the config in force names " + configured
                        + listenReason().map(r -> ": " + r).orElse("");
            }
        } catch (IllegalArgumentException e) {
            configured = null;
            listenProblem = "the config in force names no usable address (" + e.getMessage() + "); listening on " + listen;
        }
        String configError = config.lastError().map(Object::toString).orElse(null);
        List<String> pending = config.pendingRestart();
        List<String> degraded = new ArrayList<>();
        if (listenProblem != null) {
            degraded.add(listenProblem);
        }
        if (configError != null) {
            degraded.add("the config file is not in force (the last good config is): " + configError);
        }
        for (String p : pending) {
            degraded.add("not running yet: " + p);
        }
        for (String i : config.inForceIssues()) {
            degraded.add("config in force: " + i);
        }
        Map<String, Object> s = new LinkedHashMap<>();
        List<String> all = new ArrayList<>(problems);
        all.addAll(degraded);
        s.put("status", !problems.isEmpty() ? "unavailable" : degraded.isEmpty() ? "ok" : "degraded");
        s.put("problems", all);
        s.put("uptimeMs", now - launcher.processStartedAt());
        s.put("frameworkUptimeMs", now - launcher.frameworkStartedAt());
        s.put("restarts", launcher.restartCount());
        s.put("lastRestartReason", launcher.lastRestartReason().orElse(null));
        s.put("home", launcher.home().toString());
        s.put("configFile", snapshot.source().toString());
        s.put("configHash", snapshot.hash());
        s.put("configError", configError);
        s.put("pendingRestart", pending);
        s.put("configInForceIssues", config.inForceIssues());
        List<String> inert = new ArrayList<>();
        for (var section : config.sections()) {
            if (section.present() && (section.state().equals(io.gatehouse.api.config.SectionState.INERT)
                    || section.state().equals(io.gatehouse.api.config.SectionState.IGNORED))) {
                inert.add(section.prefix() + ": " + section.state() + ": " + section.detail());
            }
        }
        s.put("configInert", inert);
        s.put("listen", listen);
        s.put("listenConfigured", configured);
        s.put("listenProblem", listenProblem);
        Map<String, Integer> work = new LinkedHashMap<>();
        List<InFlightWork> current = inFlight;
        if (current != null) {
            for (InFlightWork w : current) {
                work.put(w.name(), w.pending());
            }
        }
        s.put("inFlight", work);
        TurnStats t = turns;
        s.put("turns", t == null ? null : t.snapshot());
        s.put("bundles", health.bundles());
        return s;
    }

    @SuppressWarnings("unchecked")
    private static String text(Map<String, Object> s) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("status        %s%n", s.get("status")));
        for (Object p : (List<Object>) s.get("problems")) {
            b.append(String.format("  problem     %s%n", p));
        }
        b.append(String.format("uptime        %s (framework %s)%n", human((Long) s.get("uptimeMs")),
                human((Long) s.get("frameworkUptimeMs"))));
        b.append(String.format("restarts      %s%s%n", s.get("restarts"),
                s.get("lastRestartReason") == null ? "" : " (last: " + s.get("lastRestartReason") + ")"));
        b.append(String.format("listen        %s%s%n", s.get("listen"),
                s.get("listenProblem") == null ? "" : " (configured " + s.get("listenConfigured") + ")"));
        b.append(String.format("config        %s%n", s.get("configFile")));
        b.append(String.format("config hash   %s%n", s.get("configHash")));
        if (s.get("configError") != null) {
            b.append(String.format("config error  %s%n", s.get("configError")));
        }
        for (Object p : (List<Object>) s.get("pendingRestart")) {
            b.append(String.format("pending       %s%n", p));
        }
        for (Object i : (List<Object>) s.get("configInForceIssues")) {
            b.append(String.format("config issue  %s%n", i));
        }
        for (Object i : (List<Object>) s.get("configInert")) {
            b.append(String.format("config inert  %s%n", i));
        }
        b.append(String.format("in flight     %s%n", s.get("inFlight")));
        if (s.get("turns") instanceof TurnStats.Snapshot t) {
            StringBuilder waiting = new StringBuilder();
            for (TurnStats.Gate g : t.providers()) {
                if (g.waiting() > 0) {
                    waiting.append(waiting.length() == 0 ? "; waiting for " : ", ").append(g.id()).append(' ').append(g.waiting());
                }
            }
            b.append(String.format("turns         %d running, %d queued%s%s (turns:stats)%n", t.running(), t.queued(),
                    t.queued() > 0 ? ", oldest " + t.oldestWaitMs() + " ms" : "", waiting));
        }
        b.append(String.format("%nbundles%n"));
        List<String> rows = new ArrayList<>();
        for (GatewayHealth.BundleState bs : (List<GatewayHealth.BundleState>) s.get("bundles")) {
            rows.add(String.format("  %-4d %-10s %-32s %s%n", bs.id(), bs.state(), bs.symbolicName(), bs.version()));
            for (GatewayHealth.ComponentState c : bs.components()) {
                rows.add(String.format("         %-22s %s%s%n", c.state(), c.name(),
                        c.unsatisfied().isEmpty() ? "" : " missing " + c.unsatisfied()));
            }
        }
        rows.forEach(b::append);
        return b.toString();
    }

    private static String human(long ms) {
        Duration d = Duration.ofMillis(ms);
        if (d.toHours() > 0) {
            return String.format("%dh%02dm%02ds", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
        }
        if (d.toMinutes() > 0) {
            return String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
        }
        return String.format("%d.%03ds", d.toSeconds(), d.toMillisPart());
    }
}
