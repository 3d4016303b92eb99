package io.gatehouse.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.gatehouse.support.files.AtomicFiles;
import io.gatehouse.api.config.ConfigError;
import io.gatehouse.api.config.ConfigReloadEvent;
import io.gatehouse.api.config.ReloadPlan;

/**
 * The reload history as JSON lines in {@code data/config/history.jsonl}, so it survives framework
 * restarts. Appends one line per attempt; compacts to the last entries when it grows to twice that.
 * A damaged line (a crash mid-append) is skipped.
 */
final class HistoryFile {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final int keep;
    private int lines;

    HistoryFile(Path file, int keep) {
        this.file = file;
        this.keep = keep;
    }

    List<ConfigReloadEvent> load() {
        List<ConfigReloadEvent> out = new ArrayList<>();
        if (file == null || !Files.exists(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lines++;
                try {
                    out.add(fromJson(JSON.readTree(line)));
                } catch (IOException | RuntimeException damaged) {
                    // a torn last line from a crash: skip it
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", file, e.toString());
        }
        return out.size() > keep ? new ArrayList<>(out.subList(out.size() - keep, out.size())) : out;
    }

    void append(ConfigReloadEvent e) {
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            String line = JSON.writeValueAsString(ConfigCommands.eventMap(e)) + "\n";
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (++lines >= 2 * keep) {
                compact();
            }
        } catch (IOException ex) {
            LOG.warn("cannot append to {}: {}", file, ex.toString());
        }
    }

    private void compact() throws IOException {
        List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> tail = all.subList(Math.max(0, all.size() - keep), all.size());
        AtomicFiles.write(file, tail.isEmpty() ? "" : String.join("\n", tail) + "\n");
        lines = tail.size();
    }

    @SuppressWarnings("unchecked")
    static ConfigReloadEvent fromJson(JsonNode n) {
        ConfigError error = null;
        JsonNode err = n.get("error");
        if (err != null && err.isObject()) {
            error = new ConfigError(Path.of(err.path("file").asText()), err.path("line").asInt(), err.path("column").asInt(),
                    err.path("path").asText(""), err.path("reason").asText(""));
        }
        ReloadPlan plan = null;
        JsonNode p = n.get("plan");
        if (p != null && p.isObject()) {
            Map<String, Object> m = JSON.convertValue(p, Map.class);
            plan = new ReloadPlan((List<String>) m.get("changedPaths"), Boolean.TRUE.equals(m.get("restartGateway")),
                    (List<String>) m.get("restartReasons"), (List<String>) m.get("hotReasons"),
                    (List<String>) m.get("noopPaths"), (List<String>) m.get("actions"),
                    (List<String>) m.get("restartChannels"), Boolean.TRUE.equals(m.get("noop")));
        }
        List<String> paths = JSON.convertValue(n.path("paths"), List.class);
        return new ConfigReloadEvent(n.path("observedAt").asLong(), n.path("appliedAt").asLong(), n.path("hash").asText(),
                paths == null ? List.of() : paths, n.path("outcome").asText(), error, plan, n.path("source").asText(null),
                n.path("detail").asText(null));
    }
}
