/**
 * What the Gatehouse launcher offers to the OSGi framework it runs.
 *
 * <p>These types are loaded by the launcher's class loader and exported to bundles through
 * {@code org.osgi.framework.system.packages.extra}, so they stay the same classes across framework
 * restarts. Bundles find the implementations as services registered by the launcher.
 *
 * <p>Exported by {@code bnd.bnd} at the version the root pom's {@code gatehouse.launcher.api.version}
 * names: the launcher's system packages list is generated from the same property, so the two cannot
 * disagree. Baselined (bnd-baseline-maven-plugin) like the other API packages.
 */
package io.gatehouse.launcher.api;
