package io.gatehouse.plugins;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.api.plugins.PluginInfo;
import io.gatehouse.launcher.api.PluginFailure;
import io.gatehouse.launcher.api.PluginPolicy;
import io.gatehouse.launcher.api.PluginStore;
import io.gatehouse.launcher.api.StoredPlugin;
import io.gatehouse.support.osgi.BundleStates;

/**
 * What plugins there are and in which state: the store plugins of the running set and the built-in
 * plugins (boot-feature bundles with {@code Gatehouse-Role: plugin}), their rows for {@code plugins:list}
 * and {@code plugins:info}, and which bundles a plugin may not replace.
 */
final class PluginCatalog {
    private static final Pattern PLAIN_SEGMENT = Pattern.compile("[A-Za-z0-9_\\-]+");

    /** A plugin present in the running framework and its bundles. */
    record Present(String id, String source, StoredPlugin stored, List<Bundle> bundles) {
    }

    private final BundleContext context;
    private final PluginStore store;
    private final java.util.function.Supplier<ConfigSnapshot> config;
    private final Map<Long, String> startErrors;
    private final Map<String, PluginInstaller.Rejection> rejected;

    /**
     * @param startErrors bundle id → why its last start failed (kept by {@link PluginReconciler})
     * @param rejected    source → rejected artifact (kept by {@link PluginInstaller})
     */
    PluginCatalog(BundleContext context, PluginStore store, java.util.function.Supplier<ConfigSnapshot> config,
            Map<Long, String> startErrors, Map<String, PluginInstaller.Rejection> rejected) {
        this.context = context;
        this.store = store;
        this.config = config;
        this.startErrors = startErrors;
        this.rejected = rejected;
    }

    static boolean isFragment(Bundle b) {
        return b.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
    }

    /** Plugins present in the running framework: store plugins of the running set, then built-in plugins. */
    List<Present> present() {
        Bundle[] bundles = context.getBundles();
        Map<String, Bundle> byLocation = new LinkedHashMap<>();
        for (Bundle b : bundles) {
            byLocation.put(b.getLocation(), b);
        }
        List<Present> out = new ArrayList<>();
        Set<String> storeLocations = new HashSet<>();
        for (StoredPlugin sp : store.running()) {
            List<Bundle> mine = new ArrayList<>();
            for (String loc : sp.bundleLocations()) {
                storeLocations.add(loc);
                Bundle b = byLocation.get(loc);
                if (b != null) {
                    mine.add(b);
                }
            }
            out.add(new Present(sp.id(), sp.source(), sp, List.copyOf(mine)));
        }
        Map<String, List<Bundle>> builtIn = new LinkedHashMap<>();
        for (Bundle b : bundles) {
            if (b.getBundleId() == 0 || storeLocations.contains(b.getLocation())) {
                continue;
            }
            var headers = b.getHeaders("");
            if (PluginPolicy.ROLE_PLUGIN.equals(trim(headers.get(PluginPolicy.ROLE_HEADER)))) {
                String id = PluginPolicy.pluginId(headers);
                if (id != null) {
                    builtIn.computeIfAbsent(id, k -> new ArrayList<>()).add(b);
                }
            }
        }
        builtIn.forEach((id, bs) -> out.add(new Present(id, PluginManager.BUILT_IN, null, List.copyOf(bs))));
        return out;
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }

    /**
     * Why a Bundle-SymbolicName cannot be installed as a plugin ({@code core bundle}, {@code built-in
     * plugin}), or null: it names a bundle of the running framework that the plugin store does not own.
     */
    String protection(String bsn) {
        if ("system.bundle".equals(bsn) || bsn.equals(context.getBundle(0).getSymbolicName())) {
            return "core bundle";
        }
        Set<String> storeLocations = new HashSet<>();
        for (StoredPlugin sp : store.running()) {
            storeLocations.addAll(sp.bundleLocations());
        }
        for (StoredPlugin sp : store.staged()) {
            storeLocations.addAll(sp.bundleLocations());
        }
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName()) && !storeLocations.contains(b.getLocation())) {
                return PluginPolicy.ROLE_PLUGIN.equals(trim(b.getHeaders("").get(PluginPolicy.ROLE_HEADER)))
                        ? "built-in plugin" : "core bundle";
            }
        }
        return null;
    }

    /** The config path of {@code plugins.entries.<id>.enabled}, the id quoted when it is not a plain segment. */
    static String enabledPath(String id) {
        String seg = PLAIN_SEGMENT.matcher(id).matches() ? id : "\"" + id.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        return "plugins.entries." + seg + ".enabled";
    }

    Set<String> knownIds() {
        Set<String> ids = new TreeSet<>();
        present().forEach(p -> ids.add(p.id()));
        store.staged().forEach(s -> ids.add(s.id()));
        return ids;
    }

    public List<PluginInfo> list() {
        List<PluginInfo> rows = new ArrayList<>(mainRows());
        Map<String, String> currentSha = new java.util.HashMap<>();
        store.running().forEach(s -> currentSha.put(s.id(), s.sha256()));
        Map<String, String> stagedSha = new java.util.HashMap<>();
        store.staged().forEach(s -> stagedSha.put(s.id(), s.sha256()));
        Set<String> failureKeys = new HashSet<>();
        List<PluginFailure> failures = new ArrayList<>(store.failures());
        java.util.Collections.reverse(failures); // newest first
        for (PluginFailure f : failures) {
            if (f.sha256() != null && (f.sha256().equals(currentSha.get(f.id())) || f.sha256().equals(stagedSha.get(f.id())))) {
                continue; // that artifact runs, or is staged again
            }
            if (failureKeys.add(f.id() + "\n" + f.sha256())) {
                rows.add(new PluginInfo(f.id(), f.version(), PluginInfo.FAILED, f.source(),
                        f.action() + " rolled back: " + f.reason(), null, null, List.of()));
            }
        }
        for (PluginInstaller.Rejection r : rejected.values()) {
            rows.add(new PluginInfo(r.listedId(), r.version(), PluginInfo.REJECTED, r.source(),
                    r.reason(), null, null, List.of()));
        }
        rows.sort(Comparator.comparing(PluginInfo::id).thenComparing(PluginInfo::state));
        return rows;
    }

    /** One row per plugin present in the framework or staged. */
    List<PluginInfo> mainRows() {
        Object section = config.get().get("plugins").orElse(null);
        List<StoredPlugin> staged = store.staged();
        Map<String, StoredPlugin> stagedById = new LinkedHashMap<>();
        staged.forEach(s -> stagedById.put(s.id(), s));
        List<PluginInfo> rows = new ArrayList<>();
        Set<String> shown = new HashSet<>();
        for (Present p : present()) {
            if (shown.add(p.id())) {
                rows.add(row(p, section, stagedById.get(p.id())));
            }
        }
        for (StoredPlugin s : staged) {
            if (shown.add(s.id())) {
                rows.add(new PluginInfo(s.id(), s.version(), PluginInfo.PENDING_RESTART, s.source(),
                        "install staged; takes effect at the next restart", null, null, List.of()));
            }
        }
        return rows;
    }

    /** The row of one plugin present in the framework, or staged. */
    public Optional<PluginInfo> find(String id) {
        return mainRows().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    private PluginInfo row(Present p, Object section, StoredPlugin staged) {
        Bundle first = p.bundles().isEmpty() ? null : p.bundles().get(0);
        String version = p.stored() != null ? p.stored().version() : first.getVersion().toString();
        String name = first == null ? null : first.getHeaders("").get(Constants.BUNDLE_NAME);
        String description = first == null ? null : first.getHeaders("").get(Constants.BUNDLE_DESCRIPTION);
        List<Long> ids = p.bundles().stream().map(Bundle::getBundleId).toList();
        String state;
        String reason = null;
        if (p.stored() != null && staged == null) {
            state = PluginInfo.PENDING_RESTART;
            reason = "uninstall staged; takes effect at the next restart";
        } else if (p.stored() != null && !staged.sha256().equals(p.stored().sha256())) {
            state = PluginInfo.PENDING_RESTART;
            reason = "update to " + staged.version() + " staged" + (staged.source().equals(p.source()) ? "" : " from " + staged.source())
                    + "; takes effect at the next restart";
        } else {
            PluginPolicy.Decision d = PluginPolicy.decide(section, p.id());
            if (d != PluginPolicy.Decision.RUN) {
                state = PluginInfo.DISABLED;
                reason = PluginPolicy.explain(d, p.id());
            } else if (p.bundles().isEmpty()) {
                state = PluginInfo.FAILED;
                reason = "none of its bundles is installed in the framework (see the launcher log)";
            } else {
                Bundle notActive = p.bundles().stream().filter(b -> !isFragment(b) && b.getState() != Bundle.ACTIVE).findFirst().orElse(null);
                if (notActive == null) {
                    state = PluginInfo.ENABLED;
                } else {
                    state = PluginInfo.FAILED;
                    String err = startErrors.get(notActive.getBundleId());
                    reason = err != null ? err : "bundle " + notActive.getSymbolicName() + " is " + BundleStates.describe(notActive.getState());
                }
            }
        }
        return new PluginInfo(p.id(), version, state, p.source(), reason, name, description, ids);
    }

    /** Everything known about one plugin, for {@code plugins:info}. */
    public Map<String, Object> info(String id) {
        List<PluginInfo> rows = list().stream().filter(r -> r.id().equals(id)).toList();
        Optional<StoredPlugin> staged = store.staged().stream().filter(s -> s.id().equals(id)).findFirst();
        Optional<StoredPlugin> running = store.running().stream().filter(s -> s.id().equals(id)).findFirst();
        List<PluginFailure> failures = store.failures().stream().filter(f -> f.id().equals(id)).toList();
        if (rows.isEmpty() && failures.isEmpty()) {
            throw new IllegalArgumentException("unknown plugin \"" + id + "\"; installed plugins: " + String.join(", ", knownIds()));
        }
        PluginInfo main = find(id).orElse(rows.isEmpty() ? null : rows.get(0));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        if (main != null) {
            out.put("version", main.version());
            out.put("state", main.state());
            out.put("source", main.source());
            out.put("reason", main.reason());
            out.put("name", main.name());
            out.put("description", main.description());
        }
        List<Map<String, Object>> bundles = new ArrayList<>();
        for (Present p : present()) {
            if (p.id().equals(id)) {
                for (Bundle b : p.bundles()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", b.getBundleId());
                    m.put("symbolicName", b.getSymbolicName());
                    m.put("version", b.getVersion().toString());
                    m.put("state", BundleStates.describe(b.getState()));
                    m.put("location", b.getLocation());
                    String err = startErrors.get(b.getBundleId());
                    if (err != null) {
                        m.put("lastError", err);
                    }
                    bundles.add(m);
                }
            }
        }
        out.put("bundles", bundles);
        out.put("running", running.map(PluginCatalog::stored).orElse(null));
        out.put("staged", staged.map(PluginCatalog::stored).orElse(null));
        out.put("failures", failures);
        out.put("rejected", rejected.values().stream().filter(r -> id.equals(r.listedId())).toList());
        out.put("enabledPath", enabledPath(id));
        return out;
    }

    private static Map<String, Object> stored(StoredPlugin s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", s.version());
        m.put("sha256", s.sha256());
        m.put("source", s.source());
        m.put("jars", s.jars().stream().map(Path::toString).toList());
        m.put("stagedAt", java.time.Instant.ofEpochMilli(s.stagedAt()).toString());
        return m;
    }

}
