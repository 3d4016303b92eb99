package io.gatehouse.plugins;

import java.util.Dictionary;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Shape;
import io.gatehouse.launcher.api.PluginPolicy;
import io.gatehouse.launcher.api.PluginStore;
import io.gatehouse.launcher.api.StoredPlugin;

/**
 * {@code plugins}: which plugins may run ({@code allow}, {@code entries.<id>.enabled}: hot, applied by
 * starting and stopping bundles through {@code reload-plugins}), where {@code plugins:install} looks up
 * Maven coordinates ({@code maven}: read on each install). The known plugin ids are the installed
 * bundles' symbolic names and plugin ids, and the ids staged in the launcher's store.
 */
@Component(service = ConfigSection.class, property = ConfigSection.PREFIX + "=plugins")
public final class PluginsSection implements ConfigSection {
    private static final Shape SCHEMA = Shape.object()
            .field("allow", Shape.arrayOf(Shape.nonEmptyString()))
            .field("entries", Shape.mapOf(Shape.object().field("enabled", Shape.bool()).field("config", Shape.object().open())))
            .field("maven", Shape.object().field("localRepository", Shape.string()))
            // the reference's install records and load paths: Gatehouse installs through its own store
            .field("installs", Shape.any()).field("load", Shape.any());

    private final BundleContext context;

    /** The launcher's plugin store, when there is one: its staged ids are known too. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile PluginStore store;

    @Activate
    public PluginsSection(BundleContext context) {
        this.context = context;
    }

    @Override
    public String prefix() {
        return "plugins";
    }

    @Override
    public Shape schema() {
        return SCHEMA;
    }

    @Override
    public List<ReloadRule> reloadRules() {
        return List.of(
                ReloadRule.hot("plugins.entries", PluginManager.RELOAD_PLUGINS),
                ReloadRule.hot("plugins.allow", PluginManager.RELOAD_PLUGINS),
                ReloadRule.none("plugins.maven"),
                ReloadRule.none("plugins.installs"),
                ReloadRule.none("plugins.load"),
                ReloadRule.hot("plugins", PluginManager.RELOAD_PLUGINS));
    }

    @Override
    public String idsPath() {
        return "plugins.entries";
    }

    @Override
    public Set<String> knownIds() {
        Set<String> ids = new HashSet<>();
        for (Bundle b : context.getBundles()) {
            Dictionary<String, String> h = b.getHeaders(""); // raw headers: ids are never localized
            String bsn = h.get(Constants.BUNDLE_SYMBOLICNAME);
            if (bsn != null) {
                int semi = bsn.indexOf(';');
                ids.add((semi < 0 ? bsn : bsn.substring(0, semi)).trim());
            }
            String id = PluginPolicy.pluginId(h);
            if (id != null) {
                ids.add(id);
            }
        }
        PluginStore s = store;
        if (s != null) {
            try {
                for (StoredPlugin p : s.staged()) {
                    ids.add(p.id());
                }
            } catch (RuntimeException unreadable) {
                // the installed bundles still count
            }
        }
        return ids;
    }
}
