package io.gatehouse.http;

import org.apache.felix.http.jetty.ConnectorFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.condition.Condition;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.LoggerFactory;

import io.gatehouse.launcher.api.ListeningSocket;

/**
 * Gives Felix HTTP its one connector: HTTP/1.1 (with WebSocket upgrades) on the gateway socket the
 * launcher holds.
 */
@Component(service = ConnectorFactory.class, configurationPid = "gatehouse.http")
@Designate(ocd = GatewayConnectorFactory.Config.class)
public final class GatewayConnectorFactory implements ConnectorFactory {

    @ObjectClassDefinition(name = "Gatehouse HTTP connector",
            description = "The HTTP connector on the gateway port held by the launcher.")
    public @interface Config {
        @AttributeDefinition(description = "Close a connection idle for this long (ms).", min = "1000")
        long idleTimeoutMs() default 30_000;

        @AttributeDefinition(description = "Threads taking new connections.", min = "1", max = "8")
        int acceptors() default 1;

        @AttributeDefinition(description = "Largest request header block (bytes).", min = "1024")
        int requestHeaderSize() default 16_384;

        @AttributeDefinition(description = "Jetty's per-connection cache of header fields (characters); 0: none. Each "
                + "keep-alive connection holds its own cache (about 90 kB at Jetty's 1024), which thousands of waiting "
                + "conversations cannot afford.", min = "0")
        int headerCacheSize() default 0;

        @AttributeDefinition(description = "Response writes up to this size (bytes) are copied into a buffer of "
                + "the response and sent together; 0: every write goes out as it is. The channels write whole "
                + "replies and whole stream events and flush each, so copying gains nothing, and a streaming "
                + "response held its buffer for its whole life (thousands of streams waiting for their models).",
                min = "0")
        int outputAggregationSize() default 0;
    }

    /** Condition registered while the connector on the gateway socket is started. */
    public static final String CONNECTOR_CONDITION = "gatehouse.http.connector";

    private final BundleContext context;
    private final ListeningSocket socket;
    private final Config config;
    private final InFlightRequests inFlight;
    private ServiceRegistration<Condition> started; // guarded by this

    @Activate
    public GatewayConnectorFactory(BundleContext context,
            @Reference(target = "(" + ListeningSocket.NAME + "=" + ListeningSocket.GATEWAY + ")") ListeningSocket socket,
            @Reference InFlightRequests inFlight, Config config) {
        this.context = context;
        this.inFlight = inFlight;
        this.socket = socket;
        this.config = config;
    }

    @Deactivate
    synchronized void deactivate() {
        connectorStopping();
    }

    private synchronized void connectorStarted() {
        if (started == null) {
            // Felix HTTP's own start line names its bootstrap connector, which closeFelixConnector closes
            // (etc/logback.xml keeps org.apache.felix.http at WARN): this is the address clients use
            LoggerFactory.getLogger(GatewayConnectorFactory.class).info("HTTP serving on the gateway socket {}:{}",
                    socket.localAddress().getHostString(), socket.localAddress().getPort());
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(Condition.CONDITION_ID, CONNECTOR_CONDITION);
            started = context.registerService(Condition.class, Condition.INSTANCE, props);
        }
    }

    private synchronized void connectorStopping() {
        if (started != null) {
            try {
                started.unregister();
            } catch (IllegalStateException alreadyGone) {
                // bundle stopping
            }
            started = null;
        }
    }

    /**
     * Felix HTTP does not start Jetty without a connector of its own, so the launcher configures
     * it on an ephemeral loopback port; once ours exists, that one is stopped and removed so the
     * gateway port is the only way in.
     */
    private static void closeFelixConnector(Server server) {
        for (Connector c : server.getConnectors()) {
            if (!(c instanceof HandoffConnector)) {
                try {
                    c.stop();
                } catch (Exception e) {
                    LoggerFactory.getLogger(GatewayConnectorFactory.class).warn("stopping Felix's own connector: {}", e.toString());
                }
                server.removeConnector(c);
            }
        }
    }

    @Override
    public Connector createConnector(Server server) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(config.requestHeaderSize());
        http.setHeaderCacheSize(config.headerCacheSize());
        http.setOutputAggregationSize(config.outputAggregationSize());
        HandoffConnector connector = new HandoffConnector(server, socket, config.acceptors(),
                this::connectorStarted, this::connectorStopping,
                new HttpConnectionFactory(http));
        connector.setIdleTimeout(config.idleTimeoutMs());
        connector.addBean(inFlight.connectionListener());
        connector.setName("gateway");
        closeFelixConnector(server);
        return connector;
    }
}
