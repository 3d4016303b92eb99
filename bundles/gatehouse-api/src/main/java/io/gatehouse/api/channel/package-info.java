/**
 * Channel SPI: how a channel adapter plugs into the gateway.
 */
@Export
@Version("0.4.0")
package io.gatehouse.api.channel;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
