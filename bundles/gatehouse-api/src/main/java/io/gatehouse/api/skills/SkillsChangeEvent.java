package io.gatehouse.api.skills;

/**
 * A change of the skills: fired once per change (a burst of file events is one change) to every
 * {@link SkillsListener}, after the new version is in force.
 *
 * @param workspaceDir the agent workspace whose skill folders changed, or null for a change that
 *                     concerns every agent (shared or plugin skills, config)
 * @param reason       what caused it
 * @param changedPath  the last changed file or folder ({@code watch}), the changed config path
 *                     ({@code config-change}), {@code bundle:<symbolic name>} ({@code plugin}), or null
 * @param version      the version after the change (the workspace's, or the global one)
 */
public record SkillsChangeEvent(String workspaceDir, Reason reason, String changedPath, long version) {

    /** Why the skills changed; {@link #id()} is the reference's name for it. */
    public enum Reason {
        WATCH("watch"), CONFIG_CHANGE("config-change"), PLUGIN("plugin"), MANUAL("manual");

        private final String id;

        Reason(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }
}
