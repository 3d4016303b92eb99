package io.gatehouse.plugins;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.launcher.api.LauncherControl;
import io.gatehouse.launcher.api.PluginPolicy;
import io.gatehouse.launcher.api.PluginStore;
import io.gatehouse.launcher.api.StoredPlugin;

/**
 * Code changes go through a framework restart, whatever door they come through.
 *
 * <p>Gogo's {@code felix:install}, {@code felix:update} and {@code felix:uninstall} would load, replace
 * or drop bundle code in the running framework, beside the plugin store the next framework starts
 * from. They are shadowed here (a higher {@code service.ranking} for the same {@code scope:function})
 * and refuse with the {@code plugins:*} command that does the job with one coalesced restart.
 *
 * <p>Any other door (a script calling {@code Bundle.update()}, a management console) is caught after
 * the fact: a plugin bundle updated or uninstalled, or a bundle installed from outside the plugin
 * store, asks the launcher for a framework restart, which starts the plugin store's set again with
 * fresh class loaders. Restart requests are coalesced by the launcher.
 */
@Component(immediate = true, service = BundleCodeGuard.class, property = {
        "osgi.command.scope=felix", "osgi.command.function=install", "osgi.command.function=update",
        "osgi.command.function=uninstall", Constants.SERVICE_RANKING + ":Integer=1000"})
public final class BundleCodeGuard {
    private static final Logger LOG = LoggerFactory.getLogger(BundleCodeGuard.class);

    private final BundleContext context;
    private final PluginStore store;
    private final LauncherControl launcher;
    private final SynchronousBundleListener listener = this::bundleChanged;

    @Activate
    public BundleCodeGuard(BundleContext context, @Reference PluginStore store, @Reference LauncherControl launcher) {
        this.context = context;
        this.store = store;
        this.launcher = launcher;
        context.addBundleListener(listener);
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(listener);
    }

    // ---- the Gogo door

    @Descriptor("Refused: bundles are installed as plugins (plugins:install), with one framework restart")
    public String install(@Descriptor("bundle locations and options") Object... args) {
        List<String> urls = new ArrayList<>();
        for (Object a : args) {
            if (!String.valueOf(a).startsWith("-")) {
                urls.add(String.valueOf(a));
            }
        }
        String example = urls.isEmpty() ? "<file or mvn:group/artifact/version>" : urls.get(0);
        throw new IllegalStateException("felix:install would load code into the running framework, beside the plugin set "
                + "the next restart starts from; install a plugin with: plugins:install " + example
                + " (validated, staged, one framework restart)");
    }

    @Descriptor("Refused: a plugin's code changes with plugins:update, with one framework restart")
    public String update(@Descriptor("bundle id or symbolic name [location]") Object... args) {
        throw new IllegalStateException(refusal("felix:update", args, "plugins:update "));
    }

    @Descriptor("Refused: plugins are removed with plugins:uninstall (restart) or stopped with plugins:disable (at once)")
    public String uninstall(@Descriptor("bundle ids or symbolic names") Object... args) {
        throw new IllegalStateException(refusal("felix:uninstall", args, "plugins:uninstall "));
    }

    private String refusal(String command, Object[] args, String pluginCommand) {
        Bundle b = args.length == 0 ? null : find(args[0]);
        String does = command.endsWith("update") ? "replace" : "drop";
        if (b == null) {
            return command + " would " + does + " bundle code in the running framework; plugins change with "
                    + pluginCommand + "<id> (one framework restart); plugins:list shows the ids";
        }
        if (b.getBundleId() == 0) {
            return command + " 0 would stop the framework behind the launcher's back; restart with gateway:restart";
        }
        String plugin = pluginId(b);
        if (plugin == null) {
            return command + " would " + does + " the code of bundle " + b.getBundleId() + " (" + b.getSymbolicName()
                    + "), part of the gateway; its code comes with the distribution (system/, features/). "
                    + "Plugins change with plugins:install/update/uninstall";
        }
        String extra = command.endsWith("uninstall") ? "; to stop it now without a restart: plugins:disable " + plugin : "";
        return command + " would " + does + " the code of plugin " + plugin + " (bundle " + b.getBundleId()
                + ") in the running framework; use " + pluginCommand + plugin + " (one framework restart)" + extra;
    }

    private Bundle find(Object arg) {
        if (arg instanceof Bundle b) {
            return b;
        }
        String s = String.valueOf(arg).trim();
        if (s.matches("\\d+")) {
            return context.getBundle(Long.parseLong(s));
        }
        for (Bundle b : context.getBundles()) {
            if (s.equals(b.getSymbolicName()) || s.equals(b.getLocation())) {
                return b;
            }
        }
        return null;
    }

    // ---- every other door

    private void bundleChanged(BundleEvent e) {
        Bundle b = e.getBundle();
        String what = switch (e.getType()) {
            case BundleEvent.INSTALLED -> storeLocations().contains(b.getLocation()) ? null : "installed";
            case BundleEvent.UPDATED -> pluginId(b) != null ? "updated" : null;
            case BundleEvent.UNINSTALLED -> pluginId(b) != null ? "uninstalled" : null;
            default -> null;
        };
        if (what == null) {
            return;
        }
        String name = pluginId(b) != null ? "plugin " + pluginId(b) : "bundle " + b.getSymbolicName();
        String reason = name + " (bundle " + b.getBundleId() + ") " + what + " outside plugins:*";
        LOG.warn("{}: its code changed in the running framework; restarting the framework, which starts the plugin "
                + "store's set again (plugins:install, plugins:update, plugins:uninstall make such changes last)", reason);
        launcher.requestRestart(reason);
    }

    /** The plugin id of a plugin bundle (from the store, or a built-in plugin), else null. */
    private String pluginId(Bundle b) {
        if (b.getBundleId() == 0) {
            return null;
        }
        var headers = b.getHeaders("");
        if (storeLocations().contains(b.getLocation())
                || PluginPolicy.ROLE_PLUGIN.equals(String.valueOf(headers.get(PluginPolicy.ROLE_HEADER)).trim())) {
            return PluginPolicy.pluginId(headers);
        }
        return null;
    }

    private Set<String> storeLocations() {
        Set<String> out = new HashSet<>();
        for (List<StoredPlugin> set : List.of(store.running(), store.staged())) {
            for (StoredPlugin p : set) {
                out.addAll(p.bundleLocations());
            }
        }
        return out;
    }
}
