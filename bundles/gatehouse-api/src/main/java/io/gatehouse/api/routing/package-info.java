/**
 * Routing: resolving an inbound message to an agent and a session key.
 */
@Export
@Version("0.2.0")
package io.gatehouse.api.routing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
