/**
 * Helpers for channel plugins: the gateway token rule ({@link io.gatehouse.channels.support.GatewayAuth}),
 * a gate that hands out the channel's sink while it runs ({@link io.gatehouse.channels.support.SinkGate}), and the
 * request facts a message carries ({@link io.gatehouse.channels.support.HttpAttributes}).
 */
@Export
@Version("0.2.0")
package io.gatehouse.channels.support;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
