package io.gatehouse.gateway;

import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Issue;
import io.gatehouse.api.config.schema.Shape;
import io.gatehouse.support.socket.ListenAddress;

/**
 * {@code gateway}: the listening address. The launcher binds it before the first framework starts; a
 * change of {@code port} or {@code bind} moves the socket in place ({@link GatewayListen}, hot action
 * {@code gateway-listen}), and beyond loopback a token is required unless {@code gateway.auth.mode} is
 * {@code none}. {@code gateway.auth} and {@code gateway.reload} are owned by the channels and config bundles.
 */
@Component(service = ConfigSection.class, property = ConfigSection.PREFIX + "=gateway")
public final class GatewaySection implements ConfigSection {
    private static final Shape SCHEMA = Shape.object()
            .field("port", Shape.integer(0, 65535))
            .field("bind", Shape.nonEmptyString())
            // the reference's remote-gateway client settings and UI: not used by Gatehouse
            .field("remote", Shape.any()).field("mode", Shape.any()).field("controlUi", Shape.any())
            .field("trustedProxies", Shape.any()).field("tailscale", Shape.any()).field("http", Shape.any())
            .also((path, m, out) -> {
                // the same decision the socket is bound by (ListenAddress): what passes here can be bound
                String problem = m.get("bind") instanceof String b && !b.isBlank() ? ListenAddress.bindProblem(b) : null;
                if (problem != null) {
                    out.add(Issue.error(path + ".bind", problem));
                }
                // An explicit null would silently move the gateway to the default address: say it instead.
                if (m.containsKey("port") && m.get("port") == null) {
                    out.add(Issue.error(path + ".port", "expected an integer 0-65535, got null (remove the key for the default "
                            + ListenAddress.DEFAULT_PORT + ")"));
                }
                if (m.containsKey("bind") && m.get("bind") == null) {
                    out.add(Issue.error(path + ".bind", "expected loopback, lan, all or an IP address, got null (remove the key"
                            + " for the default " + ListenAddress.DEFAULT_BIND + ")"));
                }
            });

    /**
     * Beyond loopback the gateway needs a token, unless {@code gateway.auth.mode: "none"} says otherwise
     * ({@code gateway.auth} belongs to the channels bundle, so this needs the whole config).
     */
    @Override
    public List<Issue> crossCheck(Map<String, Object> config) {
        if (!(config.get("gateway") instanceof Map<?, ?> gateway)) {
            return List.of();
        }
        ListenAddress at;
        try {
            at = ListenAddress.of(gateway.get("bind"), gateway.get("port"));
        } catch (IllegalArgumentException invalid) {
            return List.of(); // the shape reports it
        }
        Map<?, ?> auth = gateway.get("auth") instanceof Map<?, ?> a ? a : Map.of();
        String problem = at.authProblem(auth.get("token"), auth.get("mode"));
        return problem == null ? List.of() : List.of(Issue.error("gateway.bind", problem));
    }

    @Override
    public String prefix() {
        return "gateway";
    }

    @Override
    public Shape schema() {
        return SCHEMA;
    }

    @Override
    public List<ReloadRule> reloadRules() {
        // The socket moves in place (GatewayListen asks the launcher): no framework restart for an address change.
        return List.of(ReloadRule.restart("gateway"),
                ReloadRule.hot("gateway.port", GatewayListen.ACTION), ReloadRule.hot("gateway.bind", GatewayListen.ACTION),
                ReloadRule.none("gateway.remote"), ReloadRule.none("gateway.controlUi"), ReloadRule.none("gateway.mode"),
                ReloadRule.none("gateway.trustedProxies"), ReloadRule.none("gateway.tailscale"), ReloadRule.none("gateway.http"));
    }
}
