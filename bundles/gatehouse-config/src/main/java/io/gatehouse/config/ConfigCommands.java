package io.gatehouse.config;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

import io.gatehouse.api.config.ConfigError;
import io.gatehouse.api.config.ConfigException;
import io.gatehouse.api.config.SectionState;
import io.gatehouse.api.config.ConfigReloadEvent;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ReloadPlan;
import io.gatehouse.config.edit.PathSyntaxException;
import io.gatehouse.config.edit.Paths;

/**
 * Shell door to the config pipeline: {@code config:*} and {@code gateway:reload},
 * {@code gateway:reload-plan}. What it shows is the file's own values with secrets redacted.
 */
@Component(service = ConfigCommands.class, property = {
        "osgi.command.scope=config",
        "osgi.command.function=get", "osgi.command.function=set", "osgi.command.function=unset",
        "osgi.command.function=show", "osgi.command.function=validate", "osgi.command.function=history",
        "osgi.command.function=sections"})
public final class ConfigCommands {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private final ConfigDoor pipeline;
    private final Json5Parser parser = new Json5Parser();
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Activate
    public ConfigCommands(@Reference ConfigDoor service) {
        // The pipeline registers ConfigService itself (see ConfigPipeline); it lives in this bundle.
        this.pipeline = service;
    }

    @Descriptor("Print the value at a dotted path of the config in force (secrets redacted)")
    public String get(@Descriptor("dotted path, e.g. gateway.port; quote keys with dots: 'plugins.entries.\"io.x\".enabled'") String path) throws Exception {
        Object v = lookup(Redaction.redact(null, pipeline.currentRaw()), path);
        if (v == MISSING) {
            throw new IllegalArgumentException(path + ": not set");
        }
        return json.writeValueAsString(v);
    }

    @Descriptor("Set a value: written into gatehouse.json (comments kept) and applied like a file edit")
    public String set(@Descriptor("dotted path, e.g. gateway.reload.mode") String path,
            @Descriptor("JSON value; text that is not JSON is a string; quote objects: '{\"a\":1}'") String value) throws Exception {
        Object parsed;
        try {
            parsed = parseValue(value);
        } catch (ConfigException e) {
            if (Redaction.isSecretPath(path) || !Redaction.scrub(value).equals(value)) {
                // never echo a secret: name the path and the problem only
                throw new ConfigException(new ConfigError(Path.of("<value>"), 0, 0, path, "not a JSON value (value redacted)"));
            }
            throw e;
        }
        return describe(pipeline.set(path, parsed, "shell"));
    }

    @Descriptor("Remove a value from gatehouse.json and apply the change")
    public String unset(@Descriptor("dotted path") String path) throws Exception {
        return describe(pipeline.unset(path, "shell"));
    }

    @Descriptor("Show the config in force, or one section (secrets redacted)")
    public String show(@Descriptor("top-level section, e.g. gateway") String... section) throws Exception {
        Object redacted = Redaction.redact(null, pipeline.currentRaw());
        if (section.length == 0) {
            return json.writeValueAsString(redacted);
        }
        Object v = lookup(redacted, section[0]);
        if (v == MISSING) {
            throw new IllegalArgumentException(section[0] + ": not set");
        }
        return json.writeValueAsString(v);
    }

    @Descriptor("Check a config file (default: the one in force) without applying it; fails on errors")
    public String validate(@Descriptor("file to check") String... file) throws Exception {
        Path f = file.length == 0 ? pipeline.file() : Path.of(file[0]).toAbsolutePath();
        List<String> issues = pipeline.validateFile(f);
        long errors = issues.stream().filter(s -> s.startsWith("error")).count();
        if (errors > 0) {
            // The shell prefixes a failure with "Error: ": the first line is the verdict, then each finding.
            List<String> ordered = new ArrayList<>(issues.stream().filter(s -> s.startsWith("error")).toList());
            ordered.addAll(issues.stream().filter(s -> !s.startsWith("error")).toList());
            throw new IllegalArgumentException(f + ": " + errors + (errors == 1 ? " error" : " errors") + "\n"
                    + String.join("\n", ordered));
        }
        return issues.isEmpty() ? f + ": valid" : f + ": valid, with findings\n" + String.join("\n", issues);
    }

    @Descriptor("Every config section with its owner bundle and state (active, inert: owner not active, ignored, config)")
    public String sections(
            @Descriptor("print JSON for scripts") @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson)
            throws JsonProcessingException {
        List<SectionState> states = pipeline.sections();
        if (asJson) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (var s : states) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("section", s.prefix());
                m.put("owner", s.owner());
                m.put("state", s.state());
                m.put("present", s.present());
                m.put("detail", s.detail());
                out.add(m);
            }
            return json.writeValueAsString(out);
        }
        int w = Math.max(8, states.stream().mapToInt(s -> s.prefix().length()).max().orElse(8));
        int o = Math.max(6, states.stream().mapToInt(s -> s.owner().length()).max().orElse(6));
        StringBuilder b = new StringBuilder(String.format("%-" + w + "s  %-" + o + "s  %-8s %-7s %s%n", "section", "owner",
                "state", "in file", "detail"));
        for (var s : states) {
            b.append(String.format("%-" + w + "s  %-" + o + "s  %-8s %-7s %s%n", s.prefix(), s.owner().isEmpty() ? "-" : s.owner(),
                    s.state(), s.present() ? "yes" : "no", s.detail()));
        }
        List<String> issues = pipeline.inForceIssues();
        if (!issues.isEmpty()) {
            b.append("config in force fails a section owner's check: ").append(issues).append('\n');
        }
        return b.toString();
    }

    @Descriptor("The last 50 reload attempts: when observed and applied, hash, changed paths, plan, outcome")
    public String history(
            @Descriptor("print JSON for scripts") @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson)
            throws JsonProcessingException {
        List<ConfigReloadEvent> events = pipeline.history();
        if (asJson) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (ConfigReloadEvent e : events) {
                out.add(eventMap(e));
            }
            return json.writeValueAsString(out);
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-23s %6s  %-8s %-12s %-12s %s%n", "observed", "ms", "outcome", "hash", "source", "paths / error"));
        for (ConfigReloadEvent e : events) {
            b.append(String.format("%-23s %6d  %-8s %-12s %-12s %s%n", TIME.format(Instant.ofEpochMilli(e.observedAt())),
                    e.appliedAt() - e.observedAt(), e.outcome(), ConfigPipeline.shortHash(e.hash()), e.source(),
                    e.error() != null ? e.error().toString() : String.join(", ", e.paths())));
        }
        return b.toString();
    }

    static Map<String, Object> eventMap(ConfigReloadEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("observedAt", e.observedAt());
        m.put("appliedAt", e.appliedAt());
        m.put("hash", e.hash());
        m.put("paths", e.paths());
        m.put("outcome", e.outcome());
        m.put("source", e.source());
        m.put("detail", e.detail());
        if (e.plan() != null) {
            m.put("plan", planMap(e.plan()));
        }
        if (e.error() != null) {
            ConfigError err = e.error();
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("file", err.file().toString());
            em.put("line", err.line());
            em.put("column", err.column());
            em.put("path", err.path());
            em.put("reason", err.reason());
            em.put("message", err.toString());
            m.put("error", em);
        }
        return m;
    }

    static Map<String, Object> planMap(ReloadPlan p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("changedPaths", p.changedPaths());
        m.put("restartGateway", p.restartGateway());
        m.put("restartReasons", p.restartReasons());
        m.put("hotReasons", p.hotReasons());
        m.put("noopPaths", p.noopPaths());
        m.put("actions", p.actions());
        m.put("restartChannels", p.restartChannels());
        m.put("noop", p.noop());
        m.put("inert", p.inert());
        return m;
    }

    static String describe(ConfigReloadEvent e) throws ConfigException {
        if (e.error() != null) {
            // rejected, or applied with an action that failed (e.g. the socket could not move): never "ok"
            throw new ConfigException(e.error());
        }
        return switch (e.outcome()) {
            case ConfigReloadEvent.HOT -> "applied without restart (" + String.join(", ", e.paths()) + ")";
            case ConfigReloadEvent.RESTART -> "applied; gateway restart requested (" + String.join(", ", e.paths()) + ")";
            default -> e.paths().isEmpty() ? "no change" : "saved; nothing to apply: " + e.detail();
        };
    }

    /** A JSON5 value, or else the text as a string ({@code config:set gateway.reload.mode hot}). */
    Object parseValue(String text) throws ConfigException {
        try {
            Object wrapped = parser.parse(Path.of("<value>"), "{ v: " + text + "\n}").get("v");
            return wrapped;
        } catch (ConfigException e) {
            // Gogo has already removed the shell quotes: text that does not look like JSON is a string.
            String t = text.trim();
            if (!(t.startsWith("{") || t.startsWith("[") || t.startsWith("\"") || t.startsWith("'"))) {
                return text;
            }
            throw new ConfigException(new ConfigError(Path.of("<value>"), 0, 0, "",
                    "not a JSON value: " + text + " (" + e.error().reason() + ")"));
        }
    }

    static final Object MISSING = new Object();

    /** The value at a dotted path ({@code plugins.entries."io.x.y".enabled}), or {@link #MISSING}. */
    static Object lookup(Object root, String path) {
        try {
            return lookup(root, Paths.split(path));
        } catch (PathSyntaxException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static Object lookup(Object root, List<String> path) {
        Object at = root;
        for (String seg : path) {
            if (at instanceof Map<?, ?> m && m.containsKey(seg)) {
                at = m.get(seg);
            } else if (at instanceof List<?> l && seg.matches("\\d+") && Integer.parseInt(seg) < l.size()) {
                at = l.get(Integer.parseInt(seg));
            } else {
                return MISSING;
            }
        }
        return at;
    }
}
