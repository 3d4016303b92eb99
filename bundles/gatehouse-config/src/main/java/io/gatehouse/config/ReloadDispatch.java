package io.gatehouse.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.api.config.ReloadHandler;
import io.gatehouse.api.config.ReloadPlan;
import io.gatehouse.config.plan.ReloadPlanner;
import io.gatehouse.config.section.Sections;

/**
 * The pipeline's view of the whiteboards: which sections are owned by whom now (the registered
 * {@link ConfigSection} services and the {@link ConfigSection#MANIFEST_HEADER} of installed bundles),
 * which actions the registered {@link ReloadHandler}s take, and running a plan's actions on them.
 */
final class ReloadDispatch {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadDispatch.class);

    private final BundleContext context;
    private final Supplier<Collection<ServiceReference<ConfigSection>>> sectionRefs;
    private final Supplier<Collection<ServiceReference<ReloadHandler>>> handlerRefs;

    ReloadDispatch(BundleContext context, Supplier<Collection<ServiceReference<ConfigSection>>> sectionRefs,
            Supplier<Collection<ServiceReference<ReloadHandler>>> handlerRefs) {
        this.context = context;
        this.sectionRefs = sectionRefs;
        this.handlerRefs = handlerRefs;
    }

    /** Who owns what, now. */
    Sections sections() {
        List<Sections.Owned> owned = new ArrayList<>();
        for (ServiceReference<ConfigSection> ref : sectionRefs.get()) {
            ConfigSection s = context.getService(ref);
            if (s == null) {
                continue;
            }
            // Released at once: the section object stays usable while its bundle is active, and a
            // section whose bundle stops is gone from the next call's list.
            context.ungetService(ref);
            String prefix;
            try {
                prefix = s.prefix();
            } catch (RuntimeException e) {
                LOG.warn("config section of {} unusable: {}", owner(ref.getBundle()), e.toString());
                continue;
            }
            if (prefix == null || prefix.isBlank()) {
                LOG.warn("config section of {} has no prefix; ignored", owner(ref.getBundle()));
                continue;
            }
            owned.add(new Sections.Owned(prefix, s, owner(ref.getBundle())));
        }
        List<Sections.Declared> declared = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            String header = b.getHeaders("").get(ConfigSection.MANIFEST_HEADER);
            if (header == null || b.getState() == Bundle.UNINSTALLED) {
                continue;
            }
            for (String p : header.split(",")) {
                if (!p.isBlank()) {
                    declared.add(new Sections.Declared(p.trim(), owner(b)));
                }
            }
        }
        return new Sections(owned, declared);
    }

    /** The plan for changed paths under the owners' rules, naming only actions some handler takes. */
    ReloadPlan plan(List<String> changedPaths) {
        Sections.Rules rules = sections().rules();
        rules.problems().forEach(p -> LOG.warn("config sections: {}", p));
        return ReloadPlanner.plan(changedPaths, rules.rules(), rules.inert(), this::handled);
    }

    /** The rule table now (for refining added or removed objects into their members). */
    Sections.Rules rules() {
        return sections().rules();
    }

    boolean handled(String action) {
        for (ServiceReference<ReloadHandler> ref : handlerRefs.get()) {
            if (handles(ref.getProperty(ReloadHandler.ACTIONS), action)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs each action of the plan on every handler that takes it; a failing handler is logged, the rest go on.
     *
     * @return the failures, each {@code action: reason}; empty when every action succeeded
     */
    List<String> run(ReloadPlan plan, ConfigSnapshot config) {
        List<String> failures = new ArrayList<>();
        for (String action : plan.actions()) {
            boolean handled = false;
            for (ServiceReference<ReloadHandler> ref : handlerRefs.get()) {
                if (!handles(ref.getProperty(ReloadHandler.ACTIONS), action)) {
                    continue;
                }
                ReloadHandler h = context.getService(ref);
                if (h == null) {
                    continue;
                }
                handled = true;
                try {
                    h.apply(action, plan, config);
                } catch (Throwable e) {
                    // one failing handler (even with an Error) neither stops the others nor the pipeline
                    // the reason goes to the log, config:set, config:history and gateway:status: a handler's
                    // message may quote credentials (a Bot API URL with its token, a URL with a password)
                    String raw = e.getMessage() != null && !(e instanceof Error) ? e.getMessage() : e.toString();
                    String why = Redaction.scrub(raw);
                    if (why.equals(raw) && Redaction.scrub(e.toString()).equals(e.toString())) {
                        LOG.error("hot reload action {} failed in {}: {}", action, owner(ref.getBundle()), why, e);
                    } else {
                        LOG.error("hot reload action {} failed in {}: {} (stack trace not logged: it quotes credentials)",
                                action, owner(ref.getBundle()), why);
                    }
                    failures.add(action + ": " + why);
                } finally {
                    context.ungetService(ref);
                }
            }
            if (!handled) {
                // its handler left between planning and now; the new config is in force for live readers
                LOG.warn("hot reload action {}: its handler is gone; the change is in force for components reading the live config",
                        action);
            }
        }
        return failures;
    }

    static boolean handles(Object property, String action) {
        List<String> declared = new ArrayList<>();
        if (property instanceof String s) {
            declared.add(s);
        } else if (property instanceof String[] a) {
            declared.addAll(List.of(a));
        } else if (property instanceof Collection<?> c) {
            c.forEach(x -> declared.add(String.valueOf(x)));
        }
        for (String d : declared) {
            if (d.equals(action) || (d.endsWith("*") && action.startsWith(d.substring(0, d.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    private static String owner(Bundle b) {
        return b == null ? "(gone)" : b.getSymbolicName();
    }
}
