package io.gatehouse.gateway;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Shape;

/**
 * {@code gateway}: the listening address. The launcher binds it before any framework starts, so a
 * change of {@code port} or {@code bind} restarts the framework (the launcher rebinds between
 * generations while holding the old socket). {@code gateway.auth} and {@code gateway.reload} are
 * owned by the channels and config bundles.
 */
@Component(service = ConfigSection.class, property = ConfigSection.PREFIX + "=gateway")
public final class GatewaySection implements ConfigSection {
    /** Names the launcher understands besides a literal address. */
    static final List<String> BIND_NAMES = List.of("loopback", "localhost", "lan", "all");

    private static final Shape SCHEMA = Shape.object()
            .field("port", Shape.integer(0, 65535))
            .field("bind", Shape.nonEmptyString())
            // the reference's remote-gateway client settings and UI: not used by Gatehouse
            .field("remote", Shape.any()).field("mode", Shape.any()).field("controlUi", Shape.any())
            .field("trustedProxies", Shape.any()).field("tailscale", Shape.any()).field("http", Shape.any())
            .also((path, m, out) -> {
                if (m.get("bind") instanceof String b && !b.isBlank() && !BIND_NAMES.contains(b) && !literalAddress(b)) {
                    out.add(io.gatehouse.api.config.schema.Issue.error(path + ".bind", "expected loopback, lan, all or an IP address, got \""
                            + (b.length() > 40 ? b.substring(0, 40) + "..." : b) + "\""
                            + io.gatehouse.api.config.schema.Suggest.closest(b, BIND_NAMES)
                                    .map(c -> " (did you mean \"" + c + "\"?)").orElse("")));
                }
            });

    /** An IPv4 or IPv6 literal (no name lookup: a host name could resolve differently at the next start). */
    static boolean literalAddress(String s) {
        if (s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            for (String part : s.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return false;
                }
            }
            return true;
        }
        return s.contains(":") && s.matches("[0-9A-Fa-f:.]+");
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
        return List.of(ReloadRule.restart("gateway"),
                ReloadRule.none("gateway.remote"), ReloadRule.none("gateway.controlUi"), ReloadRule.none("gateway.mode"),
                ReloadRule.none("gateway.trustedProxies"), ReloadRule.none("gateway.tailscale"), ReloadRule.none("gateway.http"));
    }
}
