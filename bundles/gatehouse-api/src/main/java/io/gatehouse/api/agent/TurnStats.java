package io.gatehouse.api.agent;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The agent runtime's view of its turns, for {@code gateway:status} and {@code turns:stats}: what runs,
 * what waits and for what, read from the live queues (never a cached figure).
 */
@ProviderType
public interface TurnStats {

    Snapshot snapshot();

    /**
     * @param running        turns in progress (preparing, waiting for their model or a tool, recording)
     * @param queued         accepted turns that have not started: behind an earlier turn of their session,
     *                       or waiting for an agent or provider slot
     * @param maxQueued      the cap on {@code queued}: a message beyond it is refused ("try again later")
     * @param oldestWaitMs   how long the longest-waiting queued turn has waited (0 when none waits)
     * @param accepted       turns accepted since the runtime started
     * @param completed      turns that completed with a reply
     * @param failed         turns that failed (model, tool or setup error)
     * @param cancelled      turns cancelled (client gone, timeout, stop)
     * @param rejected       messages refused because the queue was full (or the runtime stopping)
     * @param sessions       sessions with a turn running or queued
     * @param providers      per provider ({@code models.providers} key), those with activity or a cap
     * @param agents         per agent, those with activity or a cap
     */
    record Snapshot(int running, int queued, int maxQueued, long oldestWaitMs, long accepted, long completed, long failed,
            long cancelled, long rejected, int sessions, List<Gate> providers, List<Gate> agents) {
    }

    /**
     * One provider or agent.
     *
     * @param id            provider ref or agent id
     * @param maxConcurrent its cap (0: none)
     * @param inFlight      model requests in flight (provider) / turns holding a slot (agent)
     * @param waiting       turns waiting for a slot
     * @param oldestWaitMs  how long the longest of them has waited
     */
    record Gate(String id, int maxConcurrent, int inFlight, int waiting, long oldestWaitMs) {
    }
}
