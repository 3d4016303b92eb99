/**
 * Skills: the skills an agent may use (versioned, rebuilt on every change of their inputs), the
 * skills block of its prompt, skill chat commands, skill bodies on demand, and change events.
 */
@Export
@Version("0.2.0")
package io.gatehouse.api.skills;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
