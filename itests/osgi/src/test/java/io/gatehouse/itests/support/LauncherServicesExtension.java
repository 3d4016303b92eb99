package io.gatehouse.itests.support;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;

/**
 * Registers the launcher services ({@link LauncherServices}) before the first test class that uses
 * this extension runs, once for the whole run: the core components bind to them, and a new socket per
 * test class would restart Jetty and the shell for nothing. They live in the root extension store,
 * which closes them (services unregistered, sockets and accept threads closed) when the run ends.
 * Test methods and lifecycle methods can take a {@link LauncherServices} parameter.
 */
public final class LauncherServicesExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
            .create(LauncherServicesExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        services(context);
    }

    static LauncherServices services(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(LauncherServices.class, k -> {
            BundleContext bc = FrameworkUtil.getBundle(LauncherServicesExtension.class).getBundleContext();
            try {
                return LauncherServices.start(bc);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot set up the launcher services", e);
            }
        }, LauncherServices.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return parameterContext.getParameter().getType() == LauncherServices.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return services(extensionContext);
    }
}
