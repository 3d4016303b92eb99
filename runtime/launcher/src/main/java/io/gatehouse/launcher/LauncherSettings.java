package io.gatehouse.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

import io.gatehouse.support.files.SettledRead;
import io.gatehouse.support.json5.Json5;
import io.gatehouse.support.json5.Json5Exception;

/**
 * The few settings the launcher itself needs from {@code gatehouse.json}, read before each
 * framework start: where to listen and how long to wait for in-flight work.
 *
 * @param bind           {@code gateway.bind}: {@code loopback} (default), {@code lan}/{@code all}, or an address
 * @param port           {@code gateway.port}, default 18789; 0 picks a free port
 * @param drainTimeoutMs {@code gateway.reload.deferralTimeoutMs}: the bound on waiting for in-flight work
 * @param plugins        the {@code plugins} section (which plugins start: see PluginPolicy), empty when absent
 */
public record LauncherSettings(String bind, int port, long drainTimeoutMs, java.util.Map<String, Object> plugins) {

    public LauncherSettings {
        plugins = plugins == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(plugins);
    }

    public LauncherSettings(String bind, int port, long drainTimeoutMs) {
        this(bind, port, drainTimeoutMs, null);
    }

    public static final int DEFAULT_PORT = 18789;
    public static final long DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

    public static LauncherSettings defaults() {
        return new LauncherSettings("loopback", DEFAULT_PORT, DEFAULT_DRAIN_TIMEOUT_MS);
    }

    /** The socket address {@code bind} names. */
    public InetSocketAddress address() {
        String host = switch (bind) {
            case "loopback", "localhost" -> "127.0.0.1";
            case "lan", "all", "0.0.0.0" -> "0.0.0.0";
            default -> bind;
        };
        return new InetSocketAddress(host, port);
    }

    /**
     * Reads the settings; a missing file means defaults.
     *
     * @throws LaunchException naming file, line, column and reason when the file cannot be used
     */
    public static LauncherSettings read(Path file) throws LaunchException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException missing) {
            return defaults();
        } catch (IOException e) {
            throw new LaunchException(file + ": cannot read: " + e.getMessage());
        }
        return parse(file, text);
    }

    private static LauncherSettings parse(Path file, String text) throws LaunchException {
        JsonNode root;
        try {
            root = Json5.readObject(text, "the config");
        } catch (Json5Exception e) {
            throw new LaunchException(e.at(file), e);
        }
        JsonNode gateway = root.path("gateway");
        String bind = text(file, gateway, "bind", "loopback");
        int port = DEFAULT_PORT;
        JsonNode portNode = gateway.path("port");
        if (!portNode.isMissingNode() && !portNode.isNull()) {
            if (!portNode.canConvertToInt() || !portNode.isIntegralNumber() || portNode.intValue() < 0
                    || portNode.intValue() > 65535) {
                throw new LaunchException(file + ": gateway.port: expected an integer 0-65535, got " + portNode);
            }
            port = portNode.intValue();
        }
        long drain = DEFAULT_DRAIN_TIMEOUT_MS;
        JsonNode drainNode = gateway.path("reload").path("deferralTimeoutMs");
        if (!drainNode.isMissingNode() && !drainNode.isNull()) {
            if (!drainNode.isIntegralNumber() || drainNode.longValue() < 0) {
                throw new LaunchException(
                        file + ": gateway.reload.deferralTimeoutMs: expected a non-negative integer, got " + drainNode);
            }
            drain = drainNode.longValue();
        }
        JsonNode pluginsNode = root.path("plugins");
        java.util.Map<String, Object> plugins = null;
        if (pluginsNode.isObject()) {
            plugins = Json5.toMap(pluginsNode);
        }
        return new LauncherSettings(bind, port, drain, plugins);
    }

    /**
     * For a restart: reads until the file is usable or stops changing (a writer may be mid-write),
     * bounded by {@code timeoutMs} (see {@link SettledRead}). Returns null when the file is still not
     * usable or missing, so the caller keeps what it has.
     */
    public static LauncherSettings readSettled(Path file, long settleMs, long timeoutMs) {
        try {
            return SettledRead.read(file, settleMs, timeoutMs, text -> parse(file, text));
        } catch (SettledRead.Unsettled e) {
            return null;
        }
    }

    private static String text(Path file, JsonNode parent, String field, String dflt) throws LaunchException {
        JsonNode n = parent.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return dflt;
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            throw new LaunchException(file + ": gateway." + field + ": expected a non-empty string, got " + n);
        }
        return n.asText().trim();
    }
}
