package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.slf4j.LoggerFactory;

import io.gatehouse.support.framework.FrameworkSettings;

/**
 * The framework mirrors production: slf4j, logback and the launcher API come from the class path
 * through the system bundle, with the package list of the launcher's
 * {@code org.osgi.framework.system.packages.extra} (one generated file, read by the launcher, included by
 * test.bndrun, read here). bnd's launcher also exports every other package
 * those jars export; this test makes sure no bundle in the framework relies on one of those.
 */
@ExtendWith(BundleContextExtension.class)
class SystemPackagesIT {
    /** What the launcher exports: the list it reads, generated from the root pom (gatehouse-support framework.properties). */
    static final Map<String, Version> PRODUCTION = new java.util.HashMap<>();

    static {
        FrameworkSettings.load().systemPackageVersions().forEach((pkg, v) -> PRODUCTION.put(pkg, Version.parseVersion(v)));
    }

    @InjectBundleContext
    BundleContext context;

    private static boolean fromLauncherClassPath(String pkg) {
        return pkg.startsWith("org.slf4j") || pkg.startsWith("ch.qos.logback") || pkg.startsWith("io.gatehouse.launcher");
    }

    @Test
    void bundlesImportOnlyTheProductionSystemPackages() {
        Set<String> seen = new HashSet<>();
        int gatehouseBundles = 0;
        for (Bundle b : context.getBundles()) {
            String bsn = b.getSymbolicName();
            if (b.getBundleId() == Constants.SYSTEM_BUNDLE_ID) {
                continue;
            }
            if (bsn.startsWith("io.gatehouse.")) {
                gatehouseBundles++;
                assertEquals(Bundle.ACTIVE, b.getState(), bsn + " is not active");
            }
            BundleWiring wiring = b.adapt(BundleWiring.class);
            if (wiring == null) {
                continue; // not resolved (fragments are checked through their hosts)
            }
            for (BundleWire wire : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
                Map<String, Object> attrs = wire.getCapability().getAttributes();
                String pkg = (String) attrs.get(PackageNamespace.PACKAGE_NAMESPACE);
                if (!fromLauncherClassPath(pkg)) {
                    continue;
                }
                seen.add(pkg);
                assertEquals(Constants.SYSTEM_BUNDLE_ID, wire.getProvider().getBundle().getBundleId(),
                        bsn + " imports " + pkg + " from " + wire.getProvider() + ", not from the system bundle");
                assertTrue(PRODUCTION.containsKey(pkg), bsn + " imports " + pkg
                        + ", which the production launcher does not export");
                assertEquals(PRODUCTION.get(pkg), attrs.get(PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE), pkg);
            }
        }
        assertEquals(16, gatehouseBundles,
                "io.gatehouse.* bundles (api, watch, config, routing, agents, skills, logging, http, gateway, shell, channels, plugins,"
                        + " channel.openai, channel.webchat, canvas, memory)");
        assertTrue(seen.containsAll(Set.of("io.gatehouse.launcher.api", "org.slf4j", "ch.qos.logback.classic")),
                () -> "launcher class path packages wired: " + seen);
    }

    @Test
    void theFrameworkRunsWithTheSharedSettings() {
        FrameworkSettings.load().properties().forEach((k, v) -> assertEquals(v, context.getProperty(k), k));
        assertTrue(PRODUCTION.containsKey("io.gatehouse.launcher.api") && PRODUCTION.containsKey("org.slf4j"), PRODUCTION::toString);
    }

    @Test
    void slf4jIsBoundToTheClassPathLogback() {
        assertInstanceOf(ch.qos.logback.classic.LoggerContext.class, LoggerFactory.getILoggerFactory());
    }
}
