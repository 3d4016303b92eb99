/**
 * Skills: the snapshot of skills an agent may use.
 */
@Export
@Version("0.1.0")
package io.gatehouse.api.skills;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
