/**
 * The base of the gateway's WebSocket servlets ({@link io.gatehouse.http.websocket.GatewayWebSocketServlet}):
 * Jetty 12 EE10 WebSocket under Felix HTTP's whiteboard, initialised on the first admitted upgrade
 * (FELIX-5310), with the servlet's own admission check (token, state) before it.
 */
@Export
@Version("1.0.0")
package io.gatehouse.http.websocket;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
