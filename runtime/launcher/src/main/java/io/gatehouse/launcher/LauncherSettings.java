package io.gatehouse.launcher;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.gatehouse.support.files.SafeText;
import io.gatehouse.support.files.SettledRead;
import io.gatehouse.support.json5.Json5;
import io.gatehouse.support.json5.Json5Exception;
import io.gatehouse.support.json5.Json5Limits;
import io.gatehouse.support.socket.ListenAddress;

/**
 * The few settings the launcher itself needs from {@code gatehouse.json}, read before each
 * framework start: where to listen and how long to wait for in-flight work. The file is read as the
 * config pipeline reads it ({@link SafeText}: a regular file within the size limit, UTF-8; the JSON5
 * dialect within the nesting limit), and the address is decided by {@link ListenAddress}, the decision
 * the gateway bundle validates and moves the socket by: the launcher and the pipeline cannot disagree
 * about what an address means.
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

    public static final int DEFAULT_PORT = ListenAddress.DEFAULT_PORT;
    public static final long DEFAULT_DRAIN_TIMEOUT_MS = 30_000;
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}");

    public static LauncherSettings defaults() {
        return new LauncherSettings(ListenAddress.DEFAULT_BIND, DEFAULT_PORT, DEFAULT_DRAIN_TIMEOUT_MS);
    }

    /** The address {@code bind} and {@code port} name (validated when read). */
    public ListenAddress listen() {
        return ListenAddress.of(bind, port);
    }

    /** The socket address {@code bind} names. */
    public InetSocketAddress address() {
        return listen().socketAddress();
    }

    /**
     * Reads the settings; a missing file means defaults.
     *
     * @throws LaunchException naming file, line, column and reason when the file cannot be used
     */
    public static LauncherSettings read(Path file) throws LaunchException {
        return read(file, null, System::getenv);
    }

    /**
     * Reads the settings at start. A missing file means the last good config the pipeline saved
     * ({@code lastGood}, which the pipeline runs on then too), else the defaults.
     *
     * @param env the environment, for a {@code gateway.auth.token} given as {@code ${VAR}}
     * @throws LaunchException naming file, line, column and reason when the file cannot be used, or when
     *                         it binds beyond loopback without a token (and without {@code gateway.auth.mode: "none"})
     */
    public static LauncherSettings read(Path file, Path lastGood, Function<String, String> env) throws LaunchException {
        long maxBytes = Json5Limits.fromSystem().maxBytes();
        String text;
        Path from = file;
        try {
            text = SafeText.read(file, maxBytes);
            if (text == null && lastGood != null) {
                text = SafeText.read(lastGood, maxBytes);
                from = lastGood;
            }
        } catch (SafeText.Refused e) {
            throw new LaunchException(e.getMessage(), e);
        }
        if (text == null) {
            return defaults();
        }
        LauncherSettings s = parse(from, text);
        String authProblem = authProblem(s.listen(), text, env);
        if (authProblem != null) {
            int[] at = Json5.locate(text, "gateway.bind");
            throw new LaunchException(from + (at == null ? "" : ":" + at[0] + ":" + at[1]) + ": gateway.bind: " + authProblem);
        }
        return s;
    }

    private static LauncherSettings parse(Path file, String text) throws LaunchException {
        JsonNode root;
        try {
            root = Json5.readObject(text, "the config");
        } catch (Json5Exception e) {
            throw new LaunchException(e.at(file), e);
        }
        JsonNode gateway = root.path("gateway");
        Object bind = value(gateway, "bind");
        Object port = value(gateway, "port");
        if (gateway.has("bind") && bind == null) {
            throw fieldError(file, text, "gateway.bind", "expected loopback, lan, all or an IP address, got null"
                    + " (remove the key for the default " + ListenAddress.DEFAULT_BIND + ")");
        }
        if (gateway.has("port") && port == null) {
            throw fieldError(file, text, "gateway.port", "expected an integer 0-65535, got null (remove the key for the default "
                    + DEFAULT_PORT + ")");
        }
        ListenAddress listen;
        try {
            listen = ListenAddress.of(bind, port);
        } catch (IllegalArgumentException e) {
            String field = e.getMessage().substring(0, e.getMessage().indexOf(':'));
            throw fieldError(file, text, field, e.getMessage().substring(field.length() + 2));
        }
        long drain = DEFAULT_DRAIN_TIMEOUT_MS;
        JsonNode drainNode = gateway.path("reload").path("deferralTimeoutMs");
        if (!drainNode.isMissingNode() && !drainNode.isNull()) {
            if (!drainNode.isIntegralNumber() || !drainNode.canConvertToLong() || drainNode.longValue() < 0) {
                throw fieldError(file, text, "gateway.reload.deferralTimeoutMs", "expected a non-negative integer, got " + drainNode);
            }
            drain = drainNode.longValue();
        }
        JsonNode pluginsNode = root.path("plugins");
        java.util.Map<String, Object> plugins = null;
        if (pluginsNode.isObject()) {
            plugins = Json5.toMap(pluginsNode);
        }
        return new LauncherSettings(listen.bind(), listen.port(), drain, plugins);
    }

    /** A field's value as plain Java (String, Number, Boolean, ...), or null when absent or null. */
    private static Object value(JsonNode parent, String field) {
        JsonNode n = parent.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            return n.asText();
        }
        if (n.isIntegralNumber()) {
            return n.bigIntegerValue().bitLength() < 64 ? (Object) n.longValue() : n.bigIntegerValue();
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        return n.toString();
    }

    /**
     * Beyond loopback a token is required unless {@code gateway.auth.mode} is {@code none}; a token of the
     * form {@code ${VAR}} counts only when the variable is set.
     */
    static String authProblem(ListenAddress listen, String text, Function<String, String> env) throws LaunchException {
        JsonNode auth;
        try {
            auth = Json5.readObject(text, "the config").path("gateway").path("auth");
        } catch (Json5Exception e) {
            return null; // parse() reported it
        }
        Object mode = auth.path("mode").isTextual() ? auth.path("mode").asText() : null;
        String token = auth.path("token").isTextual() ? auth.path("token").asText() : null;
        if (token != null) {
            Matcher m = ENV_REF.matcher(token);
            StringBuilder b = new StringBuilder();
            while (m.find()) {
                String v = env.apply(m.group(1));
                if (v == null) {
                    String problem = listen.authProblem(null, mode);
                    return problem == null ? null : problem + " (gateway.auth.token names ${" + m.group(1) + "}, which is not set)";
                }
                m.appendReplacement(b, Matcher.quoteReplacement(v));
            }
            m.appendTail(b);
            token = b.toString();
        }
        return listen.authProblem(token, mode);
    }

    private static LaunchException fieldError(Path file, String text, String path, String reason) {
        int[] at = Json5.locate(text, path);
        return new LaunchException(file + (at == null ? "" : ":" + at[0] + ":" + at[1]) + ": " + path + ": " + reason);
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
}
