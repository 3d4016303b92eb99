package io.gatehouse.skills.load;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The reference's snapshot version counter: a timestamp ({@code now}, or the current value + 1 when the
 * clock has not moved past it), kept globally and per workspace; a workspace sees the larger of the two.
 * A workspace bump starts from what the workspace sees (not only its own value), so it always moves the
 * workspace's version even right after a global bump.
 */
public final class SkillVersions {
    private final LongSupplier clock;
    private long global;
    private final Map<String, Long> workspaces = new HashMap<>();

    public SkillVersions(LongSupplier clock) {
        this.clock = clock;
    }

    public SkillVersions() {
        this(System::currentTimeMillis);
    }

    /** {@code now <= current ? current + 1 : now}. */
    public static long next(long current, long now) {
        return now <= current ? current + 1 : now;
    }

    /**
     * Whether a snapshot built at {@code cached} must be rebuilt for {@code next} (the reference's
     * {@code shouldRefreshSnapshotForVersion}): with {@code next == 0} (a fresh start) any snapshot from
     * before is stale; otherwise one older than {@code next} is. {@code cached} null: none was built.
     */
    public static boolean shouldRefresh(Long cached, long next) {
        long c = cached == null ? 0 : cached;
        return next == 0 ? c > 0 : c < next;
    }

    /** Bumps the global version (workspaceDir null) or the workspace's; returns the new version. */
    public synchronized long bump(String workspaceDir) {
        long now = clock.getAsLong();
        if (workspaceDir == null) {
            global = next(global, now);
            return global;
        }
        long v = next(get(workspaceDir), now);
        workspaces.put(workspaceDir, v);
        return v;
    }

    /** The version a workspace sees (the global one for null). */
    public synchronized long get(String workspaceDir) {
        if (workspaceDir == null) {
            return global;
        }
        return Math.max(global, workspaces.getOrDefault(workspaceDir, 0L));
    }

    /** The global version. */
    public synchronized long global() {
        return global;
    }
}
