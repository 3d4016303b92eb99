/**
 * Memory: searching an agent's memory files.
 */
@Export
@Version("0.1.0")
package io.gatehouse.api.memory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
