/**
 * Helpers for channel plugins: a gate that hands out the channel's sink while it runs
 * ({@link io.gatehouse.channels.support.SinkGate}) and the request facts a message carries
 * ({@link io.gatehouse.channels.support.HttpAttributes}). The gateway token rule is the API's
 * {@link io.gatehouse.api.auth.GatewayAuth} service (1.0.0: GatewayAuth left this package).
 */
@Export
@Version("1.1.0")
package io.gatehouse.channels.support;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
