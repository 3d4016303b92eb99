package io.gatehouse.itests.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.LoggerFactory;

import io.gatehouse.launcher.api.LauncherControl;
import io.gatehouse.launcher.api.ListeningSocket;
import io.gatehouse.launcher.api.PluginStore;
import io.gatehouse.support.socket.HeldSocket;

/**
 * What the launcher registers in production before it starts the bundles, registered here from the
 * test bundle: a {@link LauncherControl}, and the {@code gateway} and {@code admin}
 * {@link ListeningSocket}s backed by real loopback sockets. Also writes {@code data/admin.token}
 * for the remote shell. One instance serves the whole test run (see {@link LauncherServicesExtension}).
 */
public final class LauncherServices implements AutoCloseable {
    private final BundleContext context;
    private final Path dataDir;
    private final String adminToken;
    private final HeldSocket gateway;
    private final HeldSocket admin;
    private final RecordingLauncherControl launcher;
    private final TestPluginStore pluginStore;

    private ServiceRegistration<LauncherControl> launcherRegistration;
    private ServiceRegistration<PluginStore> pluginStoreRegistration;
    private ServiceRegistration<ListeningSocket> gatewayRegistration;
    private ServiceRegistration<ListeningSocket> adminRegistration; // guarded by this

    private LauncherServices(BundleContext context) throws IOException {
        this.context = context;
        this.dataDir = Path.of(required(context, "gatehouse.data"));
        Path home = Path.of(required(context, "gatehouse.home"));
        Path config = Path.of(required(context, "gatehouse.config"));
        Files.createDirectories(dataDir);
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        this.adminToken = HexFormat.of().formatHex(random);
        // The shell reads the token when it activates, which needs the admin socket registered below.
        Files.writeString(dataDir.resolve("admin.token"), adminToken + "\n", StandardCharsets.US_ASCII);
        this.launcher = new RecordingLauncherControl(home, config);
        this.pluginStore = new TestPluginStore(dataDir.resolve("plugins"));
        HeldSocket g = bind(ListeningSocket.GATEWAY);
        HeldSocket a;
        try {
            a = bind(ListeningSocket.ADMIN);
        } catch (IOException e) {
            closeQuietly(g);
            throw e;
        }
        this.gateway = g;
        this.admin = a;
        launcher.gatewaySocket(g);
    }

    /** The launcher's own socket on 127.0.0.1 and an ephemeral port, open to the one framework generation (0) there is. */
    private static HeldSocket bind(String name) throws IOException {
        HeldSocket s = HeldSocket.bind(name, new InetSocketAddress("127.0.0.1", 0));
        s.open(0);
        return s;
    }

    static LauncherServices start(BundleContext context) throws IOException {
        LauncherServices s = new LauncherServices(context);
        s.launcherRegistration = context.registerService(LauncherControl.class, s.launcher, null);
        s.pluginStoreRegistration = context.registerService(PluginStore.class, s.pluginStore, null);
        s.gatewayRegistration = context.registerService(ListeningSocket.class, s.gateway.viewFor(0), socketProperties(s.gateway));
        s.registerAdminSocket();
        return s;
    }

    private static String required(BundleContext context, String key) {
        String v = context.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("framework property " + key + " is not set (see test.bndrun)");
        }
        return v;
    }

    private static Hashtable<String, Object> socketProperties(HeldSocket s) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ListeningSocket.NAME, s.name());
        props.put("gatehouse.socket.address", "127.0.0.1:" + s.address().getPort());
        return props;
    }

    public HeldSocket gatewaySocket() {
        return gateway;
    }

    public HeldSocket adminSocket() {
        return admin;
    }

    public RecordingLauncherControl launcher() {
        return launcher;
    }

    public TestPluginStore pluginStore() {
        return pluginStore;
    }

    public String adminToken() {
        return adminToken;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Takes the admin socket service away (the socket itself stays open). */
    public synchronized void unregisterAdminSocket() {
        if (adminRegistration != null) {
            adminRegistration.unregister();
            adminRegistration = null;
        }
    }

    /** Registers the admin socket service (again). */
    public synchronized void registerAdminSocket() {
        if (adminRegistration == null) {
            adminRegistration = context.registerService(ListeningSocket.class, admin.viewFor(0), socketProperties(admin));
        }
    }

    @Override
    public synchronized void close() throws Exception {
        // Services first, so the servers inside the framework stop taking connections, then the sockets.
        for (ServiceRegistration<?> r : new ServiceRegistration<?>[] {adminRegistration, gatewayRegistration,
                pluginStoreRegistration, launcherRegistration}) {
            if (r != null) {
                try {
                    r.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the test bundle is stopping
                }
            }
        }
        adminRegistration = null;
        gatewayRegistration = null;
        launcherRegistration = null;
        pluginStoreRegistration = null;
        gateway.close();
        admin.close();
        LoggerFactory.getLogger(LauncherServices.class).info("launcher services unregistered, {} and {} closed",
                gateway, admin);
    }

    private static void closeQuietly(HeldSocket s) {
        s.close();
    }
}
