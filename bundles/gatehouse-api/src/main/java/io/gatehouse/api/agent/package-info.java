/**
 * Agent SPI: agents, model providers and the turns they run.
 */
@Export
@Version("1.0.0")
package io.gatehouse.api.agent;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
