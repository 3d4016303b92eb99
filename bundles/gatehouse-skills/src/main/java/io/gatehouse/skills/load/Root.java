package io.gatehouse.skills.load;

import java.nio.file.Path;

/**
 * A place skills are loaded from.
 *
 * @param kind      what it is; its position in {@link Kind} is its precedence (a later kind overrides)
 * @param dir       the folder (null for a plugin)
 * @param bundle    the plugin bundle's symbolic name (null for a folder)
 * @param workspace the agent workspace it belongs to ({@link Kind#WORKSPACE}, {@link Kind#AGENTS}), else null
 */
public record Root(Kind kind, Path dir, String bundle, String workspace) {

    /** Kinds in precedence order: a skill of a later kind overrides one of the same name of an earlier kind. */
    public enum Kind {
        PLUGIN("plugin"), SHARED("shared"), EXTRA("extra"), WORKSPACE("workspace"), AGENTS("agents");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    public static Root plugin(String bundle) {
        return new Root(Kind.PLUGIN, null, bundle, null);
    }

    public static Root folder(Kind kind, Path dir, String workspace) {
        return new Root(kind, dir.toAbsolutePath().normalize(), null, workspace);
    }

    /** {@code plugin:<bsn>} or the folder. */
    public String label() {
        return dir != null ? dir.toString() : "plugin:" + bundle;
    }

    @Override
    public String toString() {
        return kind.id() + " " + label();
    }
}
