package io.gatehouse.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/** The gateway is healthy when its core bundles are active and their enabled components satisfied. */
class GatewayHealthTest {
    private final List<Bundle> bundles = new ArrayList<>();
    private final Map<Long, List<ComponentDescriptionDTO>> components = new java.util.HashMap<>();
    private final Map<String, List<ComponentConfigurationDTO>> configurations = new java.util.HashMap<>();
    private final List<String> disabled = new ArrayList<>();

    private Bundle bundle(long id, String bsn, String role, int state) {
        Hashtable<String, String> headers = new Hashtable<>();
        if (role != null) {
            headers.put(GatewayHealth.ROLE_HEADER, role);
        }
        Bundle b = (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getBundleId" -> id;
                    case "getSymbolicName" -> bsn;
                    case "getVersion" -> Version.parseVersion("1.0.0");
                    case "getState" -> state;
                    case "getHeaders" -> headers;
                    case "hashCode" -> Long.hashCode(id);
                    case "equals" -> p == a[0];
                    default -> null;
                });
        bundles.add(b);
        return b;
    }

    private void component(Bundle b, String name, int state, String... unsatisfied) {
        ComponentDescriptionDTO d = new ComponentDescriptionDTO();
        d.name = name;
        components.computeIfAbsent(b.getBundleId(), k -> new ArrayList<>()).add(d);
        ComponentConfigurationDTO c = new ComponentConfigurationDTO();
        c.state = state;
        List<UnsatisfiedReferenceDTO> refs = new ArrayList<>();
        for (String u : unsatisfied) {
            UnsatisfiedReferenceDTO r = new UnsatisfiedReferenceDTO();
            r.name = u;
            refs.add(r);
        }
        c.unsatisfiedReferences = refs.toArray(UnsatisfiedReferenceDTO[]::new);
        configurations.computeIfAbsent(name, k -> new ArrayList<>()).add(c);
    }

    private GatewayHealth health() {
        BundleContext ctx = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (p, m, a) -> "getBundles".equals(m.getName()) ? bundles.toArray(Bundle[]::new) : null);
        ServiceComponentRuntime scr = (ServiceComponentRuntime) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServiceComponentRuntime.class}, (p, m, a) -> switch (m.getName()) {
                    case "getComponentDescriptionDTOs" -> components.getOrDefault(((Bundle[]) a[0])[0].getBundleId(), List.of());
                    case "isComponentEnabled" -> !disabled.contains(((ComponentDescriptionDTO) a[0]).name);
                    case "getComponentConfigurationDTOs" -> configurations.getOrDefault(((ComponentDescriptionDTO) a[0]).name, List.of());
                    default -> null;
                });
        return new GatewayHealth(ctx, scr);
    }

    @Test
    void activeCoreBundlesWithSatisfiedComponentsAreHealthy() {
        Bundle config = bundle(5, "io.gatehouse.config", "core", Bundle.ACTIVE);
        component(config, "ConfigPipeline", ComponentConfigurationDTO.ACTIVE);
        component(config, "ConfigCommands", ComponentConfigurationDTO.SATISFIED);
        bundle(1, "org.apache.felix.scr", null, Bundle.ACTIVE);
        GatewayHealth h = health();
        assertEquals(List.of(), h.problems());
        assertEquals("ok", h.summary().get("status"));
        assertEquals(1, h.bundles().size(), "only bundles with a Gatehouse-Role are reported");
        assertEquals("active", h.bundles().get(0).state());
    }

    @Test
    void aCoreBundleThatIsNotActiveOrAnUnsatisfiedComponentIsAProblem() {
        bundle(7, "io.gatehouse.routing", "core", Bundle.RESOLVED);
        Bundle channels = bundle(8, "io.gatehouse.channels", "core", Bundle.ACTIVE);
        component(channels, "ChannelManager", ComponentConfigurationDTO.UNSATISFIED_REFERENCE, "sink");
        List<String> problems = health().problems();
        assertEquals(2, problems.size(), problems::toString);
        assertTrue(problems.get(0).equals("io.gatehouse.routing is resolved"), problems::toString);
        assertTrue(problems.get(1).startsWith("ChannelManager is unsatisfied-reference") && problems.get(1).contains("sink"),
                problems::toString);
        assertEquals("unavailable", health().summary().get("status"));
    }

    @Test
    void pluginsAndDisabledComponentsDoNotMakeTheGatewayUnhealthy() {
        bundle(9, "io.gatehouse.channel.webchat", "plugin", Bundle.RESOLVED);
        Bundle shell = bundle(10, "io.gatehouse.shell", "core", Bundle.ACTIVE);
        component(shell, "RemoteShellServer", ComponentConfigurationDTO.UNSATISFIED_REFERENCE, "socket");
        disabled.add("RemoteShellServer");
        assertEquals(List.of(), health().problems());
        assertEquals("disabled", health().bundles().get(1).components().get(0).state());
    }
}
