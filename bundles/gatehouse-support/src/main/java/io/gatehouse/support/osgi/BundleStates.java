package io.gatehouse.support.osgi;

import org.osgi.framework.Bundle;

/** Bundle states as operators read them: the launcher log, {@code plugins:info}, {@code gateway:status}. */
public final class BundleStates {
    private BundleStates() {
    }

    /** One word, for JSON fields: {@code active}, {@code resolved}, {@code installed}, ... */
    public static String code(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "uninstalled";
            case Bundle.INSTALLED -> "installed";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            case Bundle.ACTIVE -> "active";
            default -> "state " + state;
        };
    }

    /** For messages: the word, with what it means for a bundle that should run ({@code installed (not resolved)}). */
    public static String describe(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "installed (not resolved)";
            case Bundle.RESOLVED -> "resolved (not started)";
            default -> code(state);
        };
    }
}
