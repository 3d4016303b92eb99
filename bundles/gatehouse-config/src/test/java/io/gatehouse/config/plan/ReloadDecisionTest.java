package io.gatehouse.config.plan;

import io.gatehouse.testsupport.FakeConfigService;

import static io.gatehouse.config.plan.ReloadDecision.Outcome.HOT;
import static io.gatehouse.config.plan.ReloadDecision.Outcome.NOTHING;
import static io.gatehouse.config.plan.ReloadDecision.Outcome.RESTART;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.gatehouse.api.config.ConfigSnapshot;
import io.gatehouse.api.config.ReloadPlan;

class ReloadDecisionTest {
    private static final ReloadPlan NOOP = plan("meta.lastTouchedAt");
    private static final ReloadPlan HOT_ONLY = plan("hooks.enabled", "meta.lastTouchedAt");
    private static final ReloadPlan RESTART_ONLY = plan("gateway.port");
    private static final ReloadPlan MIXED = plan("hooks.enabled", "gateway.port", "meta.lastTouchedAt");

    private static ReloadPlan plan(String... paths) {
        return ReloadPlanner.plan(List.of(paths), new ReferenceReloadRules().reloadRules());
    }

    @Test
    void modeIsReadFromTheConfigWithHybridAsDefault() {
        assertEquals(ReloadMode.HYBRID, ReloadMode.of((Object) null));
        assertEquals(ReloadMode.HYBRID, ReloadMode.of("bogus"));
        assertEquals(ReloadMode.HYBRID, ReloadMode.of(3));
        assertEquals(ReloadMode.HOT, ReloadMode.of("hot"));
        assertEquals(ReloadMode.RESTART, ReloadMode.of(" Restart "));
        assertEquals(ReloadMode.OFF, ReloadMode.of("off"));
        assertEquals(ReloadMode.HOT, ReloadMode.of(snapshot(Map.of("gateway", Map.of("reload", Map.of("mode", "hot"))))));
        assertEquals(ReloadMode.HYBRID, ReloadMode.of(snapshot(Map.of())));
    }

    @Test
    void noopPlanDoesNothingInEveryMode() {
        for (ReloadMode m : ReloadMode.values()) {
            ReloadDecision d = ReloadDecision.decide(m, NOOP);
            assertEquals(NOTHING, d.outcome(), m.name());
            assertFalse(d.warn());
            assertEquals("config reload: no-op (meta.lastTouchedAt)", d.description());
        }
        assertEquals("config reload: nothing changed", ReloadDecision.decide(ReloadMode.HYBRID, plan()).description());
    }

    @Test
    void hybridAppliesInPlaceWhenPossibleAndRestartsWhenRequired() {
        ReloadDecision hot = ReloadDecision.decide(ReloadMode.HYBRID, HOT_ONLY);
        assertEquals(HOT, hot.outcome());
        assertEquals("config reload: applying in place hooks.enabled (actions: reload-hooks)", hot.description());
        ReloadDecision restart = ReloadDecision.decide(ReloadMode.HYBRID, MIXED);
        assertEquals(RESTART, restart.outcome());
        assertEquals("config reload: restarting gateway for gateway.port", restart.description());
        assertEquals(RESTART, ReloadDecision.decide(null, RESTART_ONLY).outcome());
        assertEquals(ReloadMode.HYBRID, ReloadDecision.decide(null, RESTART_ONLY).mode());
    }

    @Test
    void hotAppliesHotPartsAndOnlyWarnsAboutRestartRequiredPaths() {
        ReloadDecision mixed = ReloadDecision.decide(ReloadMode.HOT, MIXED);
        assertEquals(HOT, mixed.outcome());
        assertTrue(mixed.warn());
        assertEquals(List.of("gateway.port"), mixed.ignoredRestartReasons());
        assertEquals("config reload requires gateway restart; hot mode ignoring (gateway.port); applying in place"
                + " hooks.enabled (actions: reload-hooks)", mixed.description());

        ReloadDecision restartOnly = ReloadDecision.decide(ReloadMode.HOT, RESTART_ONLY);
        assertEquals(NOTHING, restartOnly.outcome());
        assertTrue(restartOnly.warn());
        assertEquals("config reload requires gateway restart; hot mode ignoring (gateway.port)",
                restartOnly.description());

        ReloadDecision hotOnly = ReloadDecision.decide(ReloadMode.HOT, HOT_ONLY);
        assertEquals(HOT, hotOnly.outcome());
        assertFalse(hotOnly.warn());
        assertEquals(List.of(), hotOnly.ignoredRestartReasons());
    }

    @Test
    void restartModeRestartsForAnyChangeThatIsNotANoop() {
        ReloadDecision d = ReloadDecision.decide(ReloadMode.RESTART, HOT_ONLY);
        assertEquals(RESTART, d.outcome());
        assertEquals("config reload: restarting gateway (gateway.reload.mode=restart) for hooks.enabled",
                d.description());
        assertEquals(RESTART, ReloadDecision.decide(ReloadMode.RESTART, MIXED).outcome());
    }

    @Test
    void offDoesNothing() {
        ReloadDecision d = ReloadDecision.decide(ReloadMode.OFF, MIXED);
        assertEquals(NOTHING, d.outcome());
        assertEquals("config reload disabled (gateway.reload.mode=off); not applied: hooks.enabled, gateway.port",
                d.description());
    }

    private static ConfigSnapshot snapshot(Map<String, Object> root) {
        return new FakeConfigService(root).current();
    }
}
