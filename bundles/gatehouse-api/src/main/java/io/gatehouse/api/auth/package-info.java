/**
 * Who may use the gateway's channels: the gateway token rule ({@link io.gatehouse.api.auth.GatewayAuth}),
 * provided by gatehouse-channels, used by channel plugins.
 */
@Export
@Version("1.0.0")
package io.gatehouse.api.auth;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
