/**
 * File watching shared by every subsystem that reacts to files (config, skills, memory, canvas,
 * deploy): each subsystem asks for its own watch and owns it.
 */
@Export
@Version("0.1.0")
package io.gatehouse.api.watch;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
