package io.gatehouse.plugins;

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

import io.gatehouse.api.plugins.PluginInfo;

/** {@code plugins:list|info|install|update|uninstall|enable|disable}. Failing commands throw (non-zero exit). */
@Component(service = PluginCommands.class, property = {
        "osgi.command.scope=plugins",
        "osgi.command.function=list",
        "osgi.command.function=info",
        "osgi.command.function=install",
        "osgi.command.function=update",
        "osgi.command.function=uninstall",
        "osgi.command.function=enable",
        "osgi.command.function=disable"})
public final class PluginCommands {
    private final PluginManager manager;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Activate
    public PluginCommands(@Reference PluginManager manager) {
        this.manager = manager;
    }

    @Descriptor("List plugins: built-in and installed, with state (enabled, disabled, failed, pending-restart, rejected) and reason")
    public String list(
            @Descriptor("print JSON for scripts") @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson)
            throws JsonProcessingException {
        List<PluginInfo> rows = manager.list();
        if (asJson) {
            return json.writeValueAsString(rows);
        }
        if (rows.isEmpty()) {
            return "no plugins";
        }
        List<String[]> cells = new java.util.ArrayList<>();
        cells.add(new String[] {"ID", "VERSION", "STATE", "SOURCE", "REASON"});
        for (PluginInfo r : rows) {
            cells.add(new String[] {r.id() == null ? "-" : r.id(), r.version() == null ? "-" : r.version(), r.state(),
                    r.source(), r.reason() == null ? "" : r.reason()});
        }
        int[] width = new int[4];
        for (String[] row : cells) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] row : cells) {
            for (int i = 0; i < width.length; i++) {
                b.append(row[i]).append(" ".repeat(width[i] - row[i].length() + 2));
            }
            b.append(row[4]).append(System.lineSeparator());
        }
        return b.toString();
    }

    @Descriptor("Show one plugin: state, name, description, bundles, staged entry, rolled-back changes")
    public String info(
            @Descriptor("print JSON for scripts") @Parameter(names = "--json", absentValue = "false", presentValue = "true") boolean asJson,
            @Descriptor("plugin id, e.g. io.gatehouse.channel.openai") String id) throws JsonProcessingException {
        Map<String, Object> info = manager.info(id);
        if (asJson) {
            return json.writeValueAsString(info);
        }
        return text(json.valueToTree(info));
    }

    /**
     * An info object as an operator reads it: {@code key: value} lines, nested objects indented, list
     * items as {@code - } entries (never a Java map's or record's toString).
     */
    static String text(com.fasterxml.jackson.databind.JsonNode node) {
        StringBuilder b = new StringBuilder();
        render(node, "", b);
        return b.toString();
    }

    private static void render(com.fasterxml.jackson.databind.JsonNode node, String indent, StringBuilder b) {
        node.fields().forEachRemaining(e -> {
            com.fasterxml.jackson.databind.JsonNode v = e.getValue();
            if (v == null || v.isNull()) {
                return;
            }
            b.append(indent).append(e.getKey()).append(':');
            if (v.isObject()) {
                b.append(v.isEmpty() ? " (none)\n" : "\n");
                render(v, indent + "  ", b);
            } else if (v.isArray()) {
                b.append(v.isEmpty() ? " (none)\n" : "\n");
                for (com.fasterxml.jackson.databind.JsonNode item : v) {
                    if (item.isObject()) {
                        StringBuilder sub = new StringBuilder();
                        render(item, indent + "    ", sub);
                        // the first line of an item carries the dash
                        b.append(indent).append("  - ").append(sub.length() == 0 ? "(empty)\n" : sub.substring((indent + "    ").length()));
                    } else {
                        b.append(indent).append("  - ").append(item.asText()).append('\n');
                    }
                }
            } else {
                b.append(' ').append(v.asText()).append('\n');
            }
        });
    }

    @Descriptor("Install a plugin: validate the bundle jar (or feature file), stage it, request one framework restart")
    public String install(@Descriptor("a file path (relative paths are relative to the gateway home), mvn:group/artifact/version "
            + "or group:artifact:version from the local Maven repository") String artifact) throws Exception {
        return manager.install(artifact);
    }

    @Descriptor("Update an installed plugin from its recorded source (or the given one); same checksum: nothing to do")
    public String update(@Descriptor("plugin id") String id,
            @Descriptor("new source: file path or Maven coordinates (default: where it was installed from)") String... source)
            throws Exception {
        return manager.update(id, source.length == 0 ? null : source[0]);
    }

    @Descriptor("Uninstall an installed plugin (a deploy-folder plugin's file is deleted too) and request one framework restart")
    public String uninstall(@Descriptor("plugin id (a rejected artifact: the id plugins:list shows, which drops it)") String id) throws Exception {
        return manager.uninstall(id);
    }

    @Descriptor("Enable a plugin in process (bundle start, no restart): sets plugins.entries.<id>.enabled = true in gatehouse.json")
    public String enable(@Descriptor("plugin id") String id) throws Exception {
        PluginInfo r = manager.setEnabled(id, true);
        if (PluginInfo.FAILED.equals(r.state())) {
            throw new IllegalStateException("plugin " + id + " is enabled in the config but failed to start: " + r.reason());
        }
        return "plugin " + id + ": " + r.state() + (r.reason() == null ? "" : " (" + r.reason() + ")");
    }

    @Descriptor("Disable a plugin in process (bundle stop after its in-flight work drains): sets plugins.entries.<id>.enabled = false")
    public String disable(@Descriptor("plugin id") String id) throws Exception {
        PluginInfo r = manager.setEnabled(id, false);
        return "plugin " + id + ": " + r.state() + (r.reason() == null ? "" : " (" + r.reason() + ")");
    }
}
