package io.gatehouse.config.plan;

import static io.gatehouse.config.plan.Conformance.list;
import static io.gatehouse.config.plan.Conformance.map;
import static io.gatehouse.config.plan.Conformance.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import io.gatehouse.api.config.ReloadPlan;
import io.gatehouse.api.config.ReloadRule;

/**
 * Every {@code reloadPlan} case of the reference gateway, run through our planner with our default
 * rules plus the case's registry translated into rules (as the bundles owning those prefixes would
 * contribute them). The reference is reference behaviour, not our spec: every field where our table
 * intends to agree is asserted exactly, and each case where our spec deliberately differs is listed in
 * {@link #DIVERGENCES} with the reason and exactly the fields that differ. An unlisted disagreement
 * fails, and so does a listed divergence that no longer diverges (or diverges in other fields).
 *
 * <p>The reference's {@code actions}/{@code actionStrings} are not compared: our action vocabulary is
 * our own (aligned by name where the reference has one, see {@link ReferenceReloadRules}). One case
 * carries reloader {@code options} (noopPaths + forceChangedPaths); our planner has no such options and
 * the case agrees without them.
 */
class ReloadPlanConformanceTest {

    enum Field {
        restartGateway(ReloadPlan::restartGateway),
        restartReasons(ReloadPlan::restartReasons),
        hotReasons(ReloadPlan::hotReasons),
        noopPaths(ReloadPlan::noopPaths),
        restartChannels(ReloadPlan::restartChannels),
        noop(ReloadPlan::noop);

        final Function<ReloadPlan, Object> get;

        Field(Function<ReloadPlan, Object> get) {
            this.get = get;
        }
    }

    record Divergence(String reason, Set<Field> fields) {
    }

    // ---- the reasons, one per deliberate difference ----------------------------------------------

    private static final Divergence HOT_NOT_NONE = new Divergence(
            "our spec makes this section hot with a reload action (agents/bindings/routing/session -> reload-routing,"
                    + " tools, skills, audio, talk, messages, ui, logging -> reload-<section>); the reference reads it"
                    + " on use and classifies it none",
            EnumSet.of(Field.hotReasons, Field.noopPaths, Field.noop));

    private static final Divergence CANVAS_HOT = new Divergence(
            "canvasHost is hot in our spec (reload-canvas: the canvas bundle reconfigures in place);"
                    + " the reference restarts",
            EnumSet.of(Field.restartGateway, Field.restartReasons, Field.hotReasons));

    private static final Divergence AUTH_HOT = new Divergence(
            "gateway.auth is hot in our spec (reload-auth: new tokens apply to the next request);"
                    + " the reference restarts",
            EnumSet.of(Field.restartGateway, Field.restartReasons, Field.hotReasons));

    private static final Divergence MODELS_HOT = new Divergence(
            "models is hot in our spec (reload-models, restart-heartbeat); the reference restarts for"
                    + " models.pricing, which feeds its pricing bootstrap at startup (Gatehouse has none)",
            EnumSet.of(Field.restartGateway, Field.restartReasons, Field.hotReasons));

    private static final Divergence HEALTH_MONITOR = new Divergence(
            "our spec restarts for gateway.* not covered by a more specific rule and Gatehouse has no channel"
                    + " health monitor rule; the reference restarts its health monitor in place",
            EnumSet.of(Field.restartGateway, Field.restartReasons, Field.hotReasons));

    private static final Divergence MCP_UNOWNED = new Divergence(
            "mcp is not in our spec table, so a path under it restarts (the safe default) until a bundle"
                    + " owning MCP contributes its rule; the reference disposes MCP runtimes in place",
            EnumSet.of(Field.restartGateway, Field.restartReasons, Field.hotReasons));

    private static final Divergence UNCOVERED_NOT_NONE = new Divergence(
            "not in our spec table (only gateway.reload, gateway.remote and meta are none), so the path"
                    + " restarts (the safe default); the reference has a none rule for it",
            EnumSet.of(Field.restartGateway, Field.restartReasons, Field.noopPaths, Field.noop));

    private static final Divergence PLUGIN_ENTRY_CHANNEL = new Divergence(
            "a plugin entry enables or disables the plugin bundle itself (reload-plugins), which starts or"
                    + " stops its channel; channel bundles own channels.<id> only, so there is no restart-channel;"
                    + " the reference also restarts the loaded channel plugin of that id",
            EnumSet.of(Field.restartChannels));

    private static final Divergence INSTALL_TIMESTAMPS = new Divergence(
            "our spec restarts for plugins.installs and rules are prefixes (no per-field wildcard); the"
                    + " reference suppresses plugins.installs.<id>.resolvedAt/installedAt timestamp churn"
                    + " (a plugin manager bundle can contribute none rules for the ids it installed)",
            EnumSet.of(Field.restartGateway, Field.restartReasons, Field.noopPaths, Field.noop));

    private static final Divergence UNOWNED_CHANNEL = new Divergence(
            "our default channels rule applies channels.<id> in place with restart-channel:<id> from the path"
                    + " when no channel bundle owns it; the reference has no rule until its channel registry"
                    + " is pinned and restarts",
            EnumSet.of(Field.restartGateway, Field.restartReasons, Field.hotReasons, Field.restartChannels));

    /** Case name -> why our plan differs and in which fields. */
    static final Map<String, Divergence> DIVERGENCES = Map.ofEntries(
            Map.entry("rule probe: bindings -> noop", HOT_NOT_NONE),
            Map.entry("rule probe: audio.transcription -> noop", HOT_NOT_NONE),
            Map.entry("rule probe: routing.x -> noop", HOT_NOT_NONE),
            Map.entry("rule probe: messages.groupChat.mentionPatterns -> noop", HOT_NOT_NONE),
            Map.entry("rule probe: session.dmScope -> noop", HOT_NOT_NONE),
            Map.entry("rule probe: talk.voiceId -> noop", HOT_NOT_NONE),
            Map.entry("rule probe: skills.allowBundled -> noop", HOT_NOT_NONE),
            Map.entry("rule probe: ui.seamColor -> noop", HOT_NOT_NONE),
            Map.entry("rule probe: logging.level -> noop", HOT_NOT_NONE),
            Map.entry("rule probe: agents.defaults.workspace -> noop", HOT_NOT_NONE),
            Map.entry("rule probe: tools.profile -> noop", HOT_NOT_NONE),
            Map.entry("rule probe: canvasHost.port -> restart", CANVAS_HOT),
            Map.entry("rule probe: canvasHost.liveReload -> restart", CANVAS_HOT),
            Map.entry("restarts for gateway.auth.token changes", AUTH_HOT),
            Map.entry("restarts for gateway.auth.mode changes", AUTH_HOT),
            Map.entry("requires restart when model pricing bootstrap changes", MODELS_HOT),
            Map.entry("rule probe: models.pricing -> restart", MODELS_HOT),
            Map.entry("hot-reloads health monitor when channelHealthCheckMinutes changes", HEALTH_MONITOR),
            Map.entry("rule probe: gateway.channelStaleEventThresholdMinutes -> hot:restartHealthMonitor",
                    HEALTH_MONITOR),
            Map.entry("rule probe: gateway.channelMaxRestartsPerHour -> hot:restartHealthMonitor", HEALTH_MONITOR),
            Map.entry("hot-reloads MCP config changes by disposing cached runtimes", MCP_UNOWNED),
            Map.entry("classifies reload path: mcp.servers.context7", MCP_UNOWNED),
            Map.entry("treats secrets config changes as no-op for gateway restart planning", UNCOVERED_NOT_NONE),
            Map.entry("treats diagnostics.stuckSessionWarnMs as no-op", UNCOVERED_NOT_NONE),
            Map.entry("rule probe: identity.name -> noop", UNCOVERED_NOT_NONE),
            Map.entry("rule probe: wizard.lastRunAt -> noop", UNCOVERED_NOT_NONE),
            Map.entry("restarts loaded channel plugins when plugin entry state changes", PLUGIN_ENTRY_CHANNEL),
            Map.entry("treats plugin install timestamp-only changes as no-op", INSTALL_TIMESTAMPS),
            Map.entry("empty registry: channels.telegram.botToken has no rule -> restart (before channel registry"
                    + " is pinned)", UNOWNED_CHANNEL));

    // ---- the registries ---------------------------------------------------------------------------

    /** The prose definitions of the derived registries, as the data states them when this test was written. */
    private static final Map<String, String> DERIVED_REGISTRY_TEXT = Map.of(
            "canvas", "default + pluginReloadRegistrations entry { pluginId: \"canvas\", registration: {"
                    + " restartPrefixes: [\"plugins.entries.canvas\"] } }",
            "wa-accounts", "default but whatsapp reload = { configPrefixes: [\"web\", \"channels.whatsapp.accounts\","
                    + " \"channels.whatsapp.selfChatMode\"], noopPrefixes: [\"channels.whatsapp\"] }",
            "empty", "no channel plugins, no plugin reload registrations");

    /** Registry name -> the rules its owners contribute, listed before the defaults (same-prefix ties go to them). */
    static Map<String, List<ReloadRule>> registries() {
        Map<String, Object> defs = map(map(Conformance.data().get("meta")).get("reloadPlanRegistries"));
        assertEquals(Set.of("default", "canvas", "wa-accounts", "empty"), defs.keySet(), "registries");
        DERIVED_REGISTRY_TEXT.forEach((name, text) -> assertEquals(text, defs.get(name),
                "the definition of registry '" + name + "' changed; update its translation below"));

        Map<String, Object> base = map(defs.get("default"));
        Map<String, List<ReloadRule>> out = new LinkedHashMap<>();
        out.put("default", translate(base));

        Map<String, Object> canvas = deepCopy(base);
        list(canvas.get("pluginReloadRegistrations")).add(Map.of("pluginId", "canvas", "registration",
                Map.of("restartPrefixes", List.of("plugins.entries.canvas"))));
        out.put("canvas", translate(canvas));

        Map<String, Object> wa = deepCopy(base);
        Map<String, Object> whatsapp = list(wa.get("channelPlugins")).stream().map(Conformance::map)
                .filter(p -> "whatsapp".equals(p.get("id"))).findFirst().orElseThrow();
        whatsapp.put("reload", Map.of("configPrefixes",
                List.of("web", "channels.whatsapp.accounts", "channels.whatsapp.selfChatMode"), "noopPrefixes",
                List.of("channels.whatsapp")));
        out.put("wa-accounts", translate(wa));

        out.put("empty", List.of());
        return out;
    }

    /**
     * channelPlugins: configPrefixes -> hot restart-channel:&lt;id&gt;, noopPrefixes -> none (what a channel
     * bundle contributes); pluginReloadRegistrations: restartPrefixes -> restart, hotPrefixes -> hot
     * reload-plugins, noopPrefixes -> none.
     */
    static List<ReloadRule> translate(Map<String, Object> registry) {
        assertTrue(Set.of("channelPlugins", "pluginReloadRegistrations").containsAll(registry.keySet()),
                "unknown registry keys " + registry.keySet());
        List<ReloadRule> rules = new ArrayList<>();
        for (Object o : list(registry.get("channelPlugins"))) {
            Map<String, Object> plugin = map(o);
            String id = (String) plugin.get("id");
            Map<String, Object> reload = map(plugin.getOrDefault("reload", Map.of()));
            assertTrue(Set.of("configPrefixes", "noopPrefixes").containsAll(reload.keySet()),
                    "unknown channel reload keys " + reload.keySet());
            strings(reload.get("configPrefixes"))
                    .forEach(p -> rules.add(ReloadRule.hot(p, ReloadPlanner.RESTART_CHANNEL + id)));
            strings(reload.get("noopPrefixes")).forEach(p -> rules.add(ReloadRule.none(p)));
        }
        for (Object o : list(registry.get("pluginReloadRegistrations"))) {
            Map<String, Object> registration = map(map(o).get("registration"));
            assertTrue(Set.of("restartPrefixes", "hotPrefixes", "noopPrefixes").containsAll(registration.keySet()),
                    "unknown plugin registration keys " + registration.keySet());
            strings(registration.get("restartPrefixes")).forEach(p -> rules.add(ReloadRule.restart(p)));
            strings(registration.get("hotPrefixes")).forEach(p -> rules.add(ReloadRule.hot(p, "reload-plugins")));
            strings(registration.get("noopPrefixes")).forEach(p -> rules.add(ReloadRule.none(p)));
        }
        return rules;
    }

    @SuppressWarnings("unchecked")
    private static <T> T deepCopy(T value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put((String) k, deepCopy(v)));
            return (T) copy;
        }
        if (value instanceof List<?> l) {
            return (T) new ArrayList<>(l.stream().map(ReloadPlanConformanceTest::deepCopy).toList());
        }
        return value;
    }

    // ---- the cases ----------------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> everyReloadPlanCase() {
        Map<String, List<ReloadRule>> registries = registries();
        List<ReloadRule> defaults = new ReferenceReloadRules().reloadRules();
        List<Map<String, Object>> cases = Conformance.section("reloadPlan");
        assertEquals(72, cases.size(), "reloadPlan cases in the conformance data");

        Set<String> names = new HashSet<>();
        cases.forEach(c -> assertTrue(names.add((String) c.get("name")), "duplicate case name " + c.get("name")));
        Set<String> stale = new HashSet<>(DIVERGENCES.keySet());
        stale.removeAll(names);
        assertEquals(Set.of(), stale, "divergences listed for cases the data does not have");

        return cases.stream().map(c -> {
            String name = (String) c.get("name");
            return DynamicTest.dynamicTest(name, () -> {
                String registry = (String) c.get("registry");
                List<ReloadRule> rules = new ArrayList<>(registries.get(registry));
                rules.addAll(defaults);
                ReloadPlan plan = ReloadPlanner.plan(strings(c.get("changedPaths")), rules);
                Map<String, Object> expect = map(c.get("expect"));

                Map<Field, String> differences = new EnumMap<>(Field.class);
                for (Field f : Field.values()) {
                    Object ours = f.get.apply(plan);
                    Object theirs = expect.get(f.name());
                    if (!ours.equals(theirs)) {
                        differences.put(f, f + ": ours " + ours + ", reference " + theirs);
                    }
                }
                Divergence divergence = DIVERGENCES.get(name);
                if (divergence == null) {
                    if (!differences.isEmpty()) {
                        fail("[" + name + "] unlisted disagreement with the reference: " + differences.values());
                    }
                    return;
                }
                if (differences.isEmpty()) {
                    fail("[" + name + "] listed divergence no longer diverges; remove it from DIVERGENCES: "
                            + divergence.reason());
                }
                Set<Field> differing = EnumSet.copyOf(differences.keySet());
                assertEquals(divergence.fields(), differing,
                        () -> "[" + name + "] listed divergence (" + divergence.reason() + ") differs in other fields than listed: "
                                + differences.values());
                for (Field f : Field.values()) {
                    if (!divergence.fields().contains(f)) {
                        assertEquals(expect.get(f.name()), f.get.apply(plan), "[" + name + "] " + f.name());
                    }
                }
            });
        });
    }
}
