/**
 * Plugins: what is installed, its state, and how operators change it.
 */
@Export
@Version("0.2.0")
package io.gatehouse.api.plugins;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
