package io.gatehouse.config.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.gatehouse.api.config.ReloadPlan;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.ReloadRule.Kind;

class ReloadPlannerTest {
    private static final List<ReloadRule> DEFAULTS = new ReferenceReloadRules().reloadRules();

    private static ReloadPlan plan(String... paths) {
        return ReloadPlanner.plan(List.of(paths), DEFAULTS);
    }

    /** Provider rules first, then the defaults: the order the planner's caller lists them in. */
    private static ReloadPlan plan(List<ReloadRule> providerRules, String... paths) {
        List<ReloadRule> rules = new ArrayList<>(providerRules);
        rules.addAll(DEFAULTS);
        return ReloadPlanner.plan(List.of(paths), rules);
    }

    @Test
    void unknownPathRestarts() {
        ReloadPlan p = plan("unknownSection.x");
        assertTrue(p.restartGateway());
        assertEquals(List.of("unknownSection.x"), p.restartReasons());
        assertFalse(p.noop());
    }

    @Test
    void metaLastTouchedAtAloneIsNoop() {
        ReloadPlan p = plan("meta.lastTouchedAt");
        assertTrue(p.noop());
        assertFalse(p.restartGateway());
        assertEquals(List.of("meta.lastTouchedAt"), p.noopPaths());
        assertEquals(List.of(), p.actions());
    }

    @Test
    void reloadSettingsAreNoop() {
        assertTrue(plan("gateway.reload.debounceMs").noop());
        assertTrue(plan("gateway.reload.mode").noop());
        assertTrue(plan("gateway.remote.url").noop());
    }

    @Test
    void gatewayPortBindAndTlsRestart() {
        for (String path : List.of("gateway.port", "gateway.bind", "gateway.tls.certPath", "gateway.http.x",
                "gateway", "discovery.mdns", "plugins.installs.x", "plugins.load.paths")) {
            ReloadPlan p = plan(path);
            assertTrue(p.restartGateway(), path);
            assertEquals(List.of(path), p.restartReasons(), path);
        }
    }

    @Test
    void gatewayAuthTokenIsHot() {
        ReloadPlan p = plan("gateway.auth.token");
        assertFalse(p.restartGateway());
        assertEquals(List.of("gateway.auth.token"), p.hotReasons());
        assertEquals(List.of("reload-auth"), p.actions());
        assertFalse(p.noop());
    }

    @Test
    void canvasHostAndPluginEntriesAreHot() {
        assertEquals(List.of("reload-canvas"), plan("canvasHost.port").actions());
        assertFalse(plan("canvasHost.port").restartGateway());
        assertEquals(List.of("reload-plugins"), plan("plugins.entries.foo.enabled").actions());
        assertFalse(plan("plugins.entries.foo.enabled").restartGateway());
    }

    @Test
    void unownedChannelRestartsThatChannelByTheIdInThePath() {
        ReloadPlan p = plan("channels.telegram.botToken", "channels.slack", "channels.telegram.groups");
        assertFalse(p.restartGateway());
        assertEquals(List.of("restart-channel:telegram", "restart-channel:slack"), p.actions());
        assertEquals(List.of("telegram", "slack"), p.restartChannels());
    }

    @Test
    void wholeChannelsSectionCannotNameAChannelAndRestarts() {
        ReloadPlan p = plan("channels");
        assertTrue(p.restartGateway());
        assertEquals(List.of("channels"), p.restartReasons());
        assertEquals(List.of(), p.restartChannels());
    }

    @Test
    void moreSpecificProviderRuleOverridesTheBroaderDefault() {
        // the telegram bundle owns channels.telegram; its own actions replace the default derived one
        List<ReloadRule> telegram = List.of(
                ReloadRule.hot("channels.telegram", "restart-channel:telegram", "refresh-telegram-commands"),
                ReloadRule.none("channels.telegram.uiHints"));
        ReloadPlan p = plan(telegram, "channels.telegram.botToken");
        assertEquals(List.of("restart-channel:telegram", "refresh-telegram-commands"), p.actions());
        assertEquals(List.of("telegram"), p.restartChannels());
        assertTrue(plan(telegram, "channels.telegram.uiHints.color").noop());
        // and a bundle can make part of a hot section restart
        ReloadPlan q = plan(List.of(ReloadRule.restart("hooks.transport")), "hooks.transport.port", "hooks.x");
        assertEquals(List.of("hooks.transport.port"), q.restartReasons());
        assertEquals(List.of("hooks.x"), q.hotReasons());
    }

    @Test
    void samePrefixTieGoesToTheRuleListedFirst() {
        ReloadPlan p = plan(List.of(ReloadRule.restart("browser")), "browser.enabled");
        assertTrue(p.restartGateway());
        ReloadPlan q = ReloadPlanner.plan(List.of("x.y"),
                List.of(ReloadRule.hot("x", "first"), ReloadRule.hot("x", "second")));
        assertEquals(List.of("first"), q.actions());
    }

    @Test
    void ruleForABDoesNotMatchABC() {
        List<ReloadRule> rules = List.of(ReloadRule.hot("a.b", "x"));
        ReloadPlan p = ReloadPlanner.plan(List.of("a.bc", "a.b", "a.b.c"), rules);
        assertEquals(List.of("a.bc"), p.restartReasons());
        assertEquals(List.of("a.b", "a.b.c"), p.hotReasons());
        assertNull(ReloadPlanner.match("a.bc", rules));
        assertNull(ReloadPlanner.match("a", rules));
    }

    @Test
    void aggregatesInInputOrderAndDeduplicatesActions() {
        ReloadPlan p = plan("hooks.enabled", "meta.lastTouchedAt", "gateway.port", "hooks.gmail.topic",
                "bindings", "hooks.mappings", "session.dmScope", "gateway.port");
        assertTrue(p.restartGateway());
        assertEquals(List.of("gateway.port", "gateway.port"), p.restartReasons());
        assertEquals(List.of("hooks.enabled", "hooks.gmail.topic", "bindings", "hooks.mappings", "session.dmScope"),
                p.hotReasons());
        assertEquals(List.of("meta.lastTouchedAt"), p.noopPaths());
        assertEquals(List.of("reload-hooks", "restart-gmail-watcher", "reload-routing"), p.actions());
        assertEquals(List.of("hooks.enabled", "meta.lastTouchedAt", "gateway.port", "hooks.gmail.topic", "bindings",
                "hooks.mappings", "session.dmScope", "gateway.port"), p.changedPaths());
        assertFalse(p.noop());
    }

    @Test
    void emptyChangeIsNoop() {
        ReloadPlan p = plan();
        assertTrue(p.noop());
        assertFalse(p.restartGateway());
    }

    @Test
    void hotPathWithoutActionsIsStillNotNoop() {
        ReloadPlan p = ReloadPlanner.plan(List.of("x.y"), List.of(ReloadRule.hot("x")));
        assertEquals(List.of("x.y"), p.hotReasons());
        assertEquals(List.of(), p.actions());
        assertFalse(p.noop());
    }

    @Test
    void specSectionsClassifyAsSpecified() {
        Map<String, Kind> expected = Map.ofEntries(Map.entry("agents", Kind.HOT), Map.entry("agent", Kind.HOT),
                Map.entry("models", Kind.HOT), Map.entry("routing", Kind.HOT), Map.entry("bindings", Kind.HOT),
                Map.entry("channels.x", Kind.HOT), Map.entry("web", Kind.HOT), Map.entry("hooks", Kind.HOT),
                Map.entry("cron", Kind.HOT), Map.entry("browser", Kind.HOT), Map.entry("tools", Kind.HOT),
                Map.entry("skills", Kind.HOT), Map.entry("audio", Kind.HOT), Map.entry("talk", Kind.HOT),
                Map.entry("session", Kind.HOT), Map.entry("messages", Kind.HOT), Map.entry("ui", Kind.HOT),
                Map.entry("logging", Kind.HOT), Map.entry("memorySearch", Kind.HOT),
                Map.entry("plugins.entries", Kind.HOT), Map.entry("plugins.allow", Kind.HOT),
                Map.entry("plugins.maven", Kind.HOT), Map.entry("gateway.auth", Kind.HOT),
                Map.entry("canvasHost", Kind.HOT), Map.entry("gateway", Kind.RESTART),
                Map.entry("discovery", Kind.RESTART), Map.entry("plugins.installs", Kind.RESTART),
                Map.entry("plugins.load", Kind.RESTART), Map.entry("gateway.reload", Kind.NONE),
                Map.entry("gateway.remote", Kind.NONE), Map.entry("meta", Kind.NONE));
        expected.forEach((path, kind) -> {
            ReloadRule rule = ReloadPlanner.match(path + ".leaf", DEFAULTS);
            assertNotNull(rule, path);
            assertEquals(kind, rule.kind(), path);
        });
        assertNull(ReloadPlanner.match("plugins", DEFAULTS));
        assertEquals(List.of("reload-plugins"), ReloadPlanner.match("plugins.allow", DEFAULTS).actions());
        assertEquals(List.of(), ReloadPlanner.match("plugins.maven.localRepository", DEFAULTS).actions());
    }

    @Test
    void anAddedSectionWithRulesBelowItIsPlannedByItsMembers() {
        Map<String, Object> none = Map.of("gateway", Map.of("port", 1));
        Map<String, Object> entries = Map.of("gateway", Map.of("port", 1),
                "plugins", Map.of("entries", Map.of("io.x.y", Map.of("enabled", false))));
        List<String> added = ReloadPlanner.refine(List.of("plugins"), none, entries, DEFAULTS);
        assertEquals(List.of("plugins.entries"), added);
        ReloadPlan plan = ReloadPlanner.plan(added, DEFAULTS);
        assertFalse(plan.restartGateway(), plan.toString());
        assertEquals(List.of("reload-plugins"), plan.actions());

        assertEquals(List.of("plugins.entries"), ReloadPlanner.refine(List.of("plugins"), entries, none, DEFAULTS),
                "removing the section is planned the same way");
        Map<String, Object> installs = Map.of("plugins", Map.of("installs", Map.of("x", Map.of("installPath", "/x"))));
        assertTrue(ReloadPlanner.plan(ReloadPlanner.refine(List.of("plugins"), Map.of(), installs, DEFAULTS), DEFAULTS)
                .restartGateway(), "plugins.installs still restarts");
        assertEquals(List.of("hooks"), ReloadPlanner.refine(List.of("hooks"), Map.of(), Map.of("hooks", Map.of("a", 1)), DEFAULTS),
                "a path with no rules below it stays as the diff reported it");
    }

    /** Hot without an action: the one reader reads the value each time it needs it (plugins:install). */
    private static final Set<String> READ_ON_USE = Set.of("plugins.maven");

    @Test
    void defaultTableIsWellFormed() {
        Pattern action = Pattern.compile("[a-z]+(-[a-z]+)*(:([a-z0-9-]+|\\{id\\}))?");
        Set<String> prefixes = new HashSet<>();
        for (ReloadRule rule : DEFAULTS) {
            assertTrue(prefixes.add(rule.prefix()), "duplicate prefix " + rule.prefix());
            if (rule.kind() == Kind.HOT && !READ_ON_USE.contains(rule.prefix())) {
                assertFalse(rule.actions().isEmpty(), "hot rule without actions: " + rule.prefix());
            } else if (rule.kind() == Kind.HOT) {
                assertEquals(List.of(), rule.actions(), rule.prefix());
            } else {
                assertEquals(List.of(), rule.actions(), rule.prefix());
            }
            rule.actions().forEach(a -> assertTrue(action.matcher(a).matches(), "action name " + a));
        }
    }

    @Test
    void diffThenPlan() {
        // the reference's "bumps skills snapshot version" scenario: a whole skills section added
        Map<String, Object> before = Map.of("meta", Map.of("lastTouchedAt", "1"));
        Map<String, Object> after = Map.of("meta", Map.of("lastTouchedAt", "2"), "skills",
                Map.of("allowBundled", List.of("gog")));
        ReloadPlan p = ReloadPlanner.plan(ConfigDiff.changedPaths(before, after), DEFAULTS);
        assertEquals(List.of("meta.lastTouchedAt", "skills"), p.changedPaths());
        assertEquals(List.of("reload-skills"), p.actions());
        assertFalse(p.restartGateway());
    }
}
