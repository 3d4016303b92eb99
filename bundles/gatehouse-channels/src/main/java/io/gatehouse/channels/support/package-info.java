/**
 * Helpers for channel plugins: the gateway token rule ({@link io.gatehouse.channels.support.GatewayAuth})
 * and a gate that hands out the channel's sink while it runs ({@link io.gatehouse.channels.support.SinkGate}).
 */
@Export
@Version("0.1.0")
package io.gatehouse.channels.support;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
