package io.gatehouse.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import io.gatehouse.support.osgi.BundleStates;

/**
 * Health of the gateway's core: every bundle that declares {@code Gatehouse-Role: core} is active,
 * and each of its enabled components is satisfied or active.
 */
@Component(service = GatewayHealth.class)
public final class GatewayHealth {
    /** Manifest header marking the bundles whose health is the gateway's health. */
    public static final String ROLE_HEADER = "Gatehouse-Role";
    public static final String CORE_ROLE = "core";

    private final BundleContext context;
    private final ServiceComponentRuntime scr;

    @Activate
    public GatewayHealth(BundleContext context, @Reference ServiceComponentRuntime scr) {
        this.context = context;
        this.scr = scr;
    }

    /** A bundle and its components, as reported by status and health. */
    public record BundleState(long id, String symbolicName, String version, String role, String state,
            List<ComponentState> components) {
    }

    /** A component configuration's state ({@code active}, {@code satisfied}, {@code unsatisfied-reference}, ...). */
    public record ComponentState(String name, String state, List<String> unsatisfied) {
    }

    /** Every Gatehouse bundle (any {@code Gatehouse-Role}) with its components. */
    public List<BundleState> bundles() {
        List<BundleState> out = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            String role = b.getHeaders("").get(ROLE_HEADER);
            if (role == null) {
                continue;
            }
            List<ComponentState> comps = new ArrayList<>();
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(b)) {
                if (!scr.isComponentEnabled(d)) {
                    comps.add(new ComponentState(d.name, "disabled", List.of()));
                    continue;
                }
                var configs = scr.getComponentConfigurationDTOs(d);
                if (configs.isEmpty()) {
                    comps.add(new ComponentState(d.name, "unsatisfied-configuration", List.of()));
                }
                for (ComponentConfigurationDTO c : configs) {
                    List<String> missing = new ArrayList<>();
                    if (c.unsatisfiedReferences != null) {
                        for (var r : c.unsatisfiedReferences) {
                            missing.add(r.name + (r.target == null ? "" : " " + r.target));
                        }
                    }
                    comps.add(new ComponentState(d.name, stateName(c.state), missing));
                }
            }
            out.add(new BundleState(b.getBundleId(), b.getSymbolicName(), b.getVersion().toString(), role.trim(),
                    BundleStates.code(b.getState()), comps));
        }
        return out;
    }

    /** Reasons the core is not healthy; empty when it is. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (BundleState b : bundles()) {
            if (!CORE_ROLE.equals(b.role())) {
                continue;
            }
            if (!"active".equals(b.state())) {
                problems.add(b.symbolicName() + " is " + b.state());
            }
            for (ComponentState c : b.components()) {
                // A component an operator disabled on purpose (scr:disable) is not a fault.
                if (!"active".equals(c.state()) && !"satisfied".equals(c.state()) && !"disabled".equals(c.state())) {
                    problems.add(c.name() + " is " + c.state() + (c.unsatisfied().isEmpty() ? "" : " " + c.unsatisfied()));
                }
            }
        }
        return problems;
    }

    /** The body of {@code /healthz}. */
    public Map<String, Object> summary() {
        List<String> problems = problems();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", problems.isEmpty() ? "ok" : "unavailable");
        if (!problems.isEmpty()) {
            m.put("problems", problems);
        }
        return m;
    }

    static String stateName(int state) {
        return switch (state) {
            case ComponentConfigurationDTO.ACTIVE -> "active";
            case ComponentConfigurationDTO.SATISFIED -> "satisfied";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "unsatisfied-reference";
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "unsatisfied-configuration";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "failed-activation";
            default -> "unknown(" + state + ")";
        };
    }
}
