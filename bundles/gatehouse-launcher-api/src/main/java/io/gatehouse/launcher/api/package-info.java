/**
 * What the Gatehouse launcher offers to the OSGi framework it runs.
 *
 * <p>These types are loaded by the launcher's class loader and exported to bundles through
 * {@code org.osgi.framework.system.packages.extra}, so they stay the same classes across framework
 * restarts. Bundles find the implementations as services registered by the launcher.
 */
@Export
@Version("1.1.0")
package io.gatehouse.launcher.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
