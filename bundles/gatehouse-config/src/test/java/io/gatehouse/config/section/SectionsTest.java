package io.gatehouse.config.section;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.ReloadPlan;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Issue;
import io.gatehouse.api.config.schema.Shape;
import io.gatehouse.config.plan.ReloadPlanner;

class SectionsTest {

    /** A section as an owner bundle would register it. */
    private static ConfigSection section(String prefix, Shape shape, ReloadRule... rules) {
        return new ConfigSection() {
            @Override
            public String prefix() {
                return prefix;
            }

            @Override
            public Shape schema() {
                return shape;
            }

            @Override
            public List<ReloadRule> reloadRules() {
                return List.of(rules);
            }
        };
    }

    private static final ConfigSection GATEWAY = section("gateway",
            Shape.object().field("port", Shape.integer(1, 65535)).field("bind", Shape.string()), ReloadRule.restart("gateway"));
    private static final ConfigSection AUTH = section("gateway.auth", Shape.object().secret("token", Shape.string()),
            ReloadRule.hot("gateway.auth"));
    private static final ConfigSection SKILLS = section("skills",
            Shape.object().field("load", Shape.object().field("watch", Shape.bool())), ReloadRule.hot("skills", "reload-skills"));

    private static Sections sections(List<ConfigSection> owned, List<String> declaredInactive) {
        return new Sections(owned.stream().map(s -> new Sections.Owned(s.prefix(), s, "io.gatehouse.test." + s.prefix())).toList(),
                declaredInactive.stream().map(p -> new Sections.Declared(p, "io.gatehouse." + p)).toList());
    }

    private static List<Issue> errors(List<Issue> issues) {
        return issues.stream().filter(i -> !i.warning()).toList();
    }

    @Test
    void nestedUnknownKeyIsAnErrorWithASuggestion() {
        List<Issue> issues = sections(List.of(GATEWAY, AUTH), List.of()).validate(Map.of("gateway", Map.of("prot", 1)));
        assertEquals(1, errors(issues).size(), issues.toString());
        assertEquals("gateway.prot", issues.get(0).path());
        assertTrue(issues.get(0).reason().contains("did you mean \"port\""), issues.toString());
    }

    @Test
    void keysOwnedByAMoreSpecificSectionAreCheckedByThatOwnerOnly() {
        Sections s = sections(List.of(GATEWAY, AUTH), List.of());
        assertEquals(List.of(), errors(s.validate(Map.of("gateway", Map.of("port", 8080, "auth", Map.of("token", "x"),
                "reload", Map.of("mode", "hot"))))));
        List<Issue> bad = errors(s.validate(Map.of("gateway", Map.of("auth", Map.of("tokn", "x")))));
        assertEquals("gateway.auth.tokn", bad.get(0).path());
        List<Issue> badReload = errors(s.validate(Map.of("gateway", Map.of("reload", Map.of("mode", "hott")))));
        assertEquals("gateway.reload.mode", badReload.get(0).path(), badReload.toString());
        assertTrue(badReload.get(0).reason().contains("did you mean \"hot\""));
    }

    @Test
    void aSecretFieldsValueIsNeverEchoed() {
        List<Issue> bad = errors(sections(List.of(AUTH), List.of()).validate(Map.of("gateway", Map.of("auth", Map.of("token", 123456789)))));
        assertEquals(1, bad.size());
        assertFalse(bad.get(0).reason().contains("123456789"), bad.get(0).reason());
    }

    @Test
    void unknownTopLevelKeyIsAnErrorAndReferenceSectionsAreIgnoredWithAWarning() {
        Sections s = sections(List.of(GATEWAY, SKILLS), List.of());
        List<Issue> typo = s.validate(Map.of("skils", Map.of()));
        assertEquals(1, errors(typo).size());
        assertTrue(typo.get(0).reason().contains("did you mean \"skills\""), typo.toString());
        List<Issue> cron = s.validate(Map.of("cron", Map.of("jobs", List.of()), "mcp", Map.of()));
        assertEquals(List.of(), errors(cron));
        assertEquals(Set.of("cron", "mcp"), Set.copyOf(cron.stream().map(Issue::path).toList()));
        assertTrue(cron.stream().allMatch(i -> i.warning() && i.reason().startsWith("ignored")));
    }

    @Test
    void aSectionWhoseOwnerIsNotActiveIsKeptUncheckedAndPlannedAsInert() {
        Sections s = sections(List.of(GATEWAY), List.of("skills"));
        assertEquals(List.of(), errors(s.validate(Map.of("skills", Map.of("anything", 1)))));
        Sections.Rules rules = s.rules();
        ReloadPlan plan = ReloadPlanner.plan(List.of("skills.load.watch"), rules.rules(), rules.inert(), a -> true);
        assertTrue(plan.noop());
        assertEquals(List.of("skills.load.watch: inert: owner io.gatehouse.skills not active"), plan.inert());
        assertEquals("inert", s.states(Map.of("skills", Map.of())).stream().filter(x -> x.prefix().equals("skills"))
                .findFirst().orElseThrow().state());
    }

    @Test
    void aPlanNamesNoActionThatNothingHandles() {
        Sections s = sections(List.of(SKILLS), List.of());
        Sections.Rules rules = s.rules();
        ReloadPlan unhandled = ReloadPlanner.plan(List.of("skills.load.watch"), rules.rules(), rules.inert(), a -> false);
        assertEquals(List.of(), unhandled.actions());
        assertEquals(List.of("skills.load.watch: inert: no handler takes reload-skills"), unhandled.inert());
        ReloadPlan handled = ReloadPlanner.plan(List.of("skills.load.watch"), rules.rules(), rules.inert(), "reload-skills"::equals);
        assertEquals(List.of("reload-skills"), handled.actions());
        assertEquals(List.of(), handled.inert());
        ReloadPlan ignored = ReloadPlanner.plan(List.of("cron.jobs"), rules.rules(), rules.inert(), a -> true);
        assertEquals(List.of(), ignored.actions());
        assertFalse(ignored.restartGateway());
        assertEquals(List.of("cron.jobs: ignored: not implemented by Gatehouse"), ignored.inert());
    }

    @Test
    void aRuleOutsideTheOwnersSectionIsDroppedAndReported() {
        ConfigSection greedy = section("skills", Shape.object().open(), ReloadRule.hot("skills"), ReloadRule.none("gateway"));
        Sections.Rules rules = sections(List.of(GATEWAY, greedy), List.of()).rules();
        assertEquals(1, rules.problems().size(), rules.problems().toString());
        assertTrue(ReloadPlanner.plan(List.of("gateway.port"), rules.rules(), rules.inert(), a -> true).restartGateway());
    }

    @Test
    void unknownIdsUnderAnIdsPathAreWarnedNotRejected() {
        ConfigSection channels = new ConfigSection() {
            @Override
            public String prefix() {
                return "channels";
            }

            @Override
            public Shape schema() {
                return Shape.mapOf(Shape.object().open());
            }

            @Override
            public List<ReloadRule> reloadRules() {
                return List.of(ReloadRule.hot("channels", "restart-channel:{id}"));
            }

            @Override
            public String idsPath() {
                return "channels";
            }

            @Override
            public Set<String> knownIds() {
                return Set.of("webchat");
            }
        };
        List<Issue> issues = sections(List.of(channels), List.of("channels.telegram"))
                .validate(Map.of("channels", Map.of("webchat", Map.of(), "telegram", Map.of("x", 1), "signal", Map.of())));
        assertEquals(List.of(), errors(issues));
        assertEquals(List.of("channels.signal"), issues.stream().map(Issue::path).toList());
    }
}
