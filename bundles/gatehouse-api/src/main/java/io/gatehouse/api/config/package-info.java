/**
 * Gateway configuration: the config in force as an immutable snapshot, and the events of its reload pipeline.
 */
@Export
@Version("1.1.0")
package io.gatehouse.api.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
