package io.gatehouse.skills.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class EligibilityTest {
    static final Eligibility HERE = new Eligibility("linux", Map.of("HOME_SET", "1"), Set.of("git", "curl")::contains,
            Map.of("browser", Map.of("enabled", false), "tools", Map.of("web", Map.of("on", true)), "zero", 0, "blank", " "));

    static SkillEntry entry(Root root, SkillMeta meta) {
        return new SkillEntry(new ParsedSkill("s", "d", null, true, false, null, null, meta, ""), root, "/x/SKILL.md",
                Path.of("/x/SKILL.md"), null, "h");
    }

    static SkillMeta meta(boolean always, List<String> os, List<String> bins, List<String> anyBins, List<String> env,
            List<String> config, String primaryEnv) {
        return new SkillMeta(always, null, null, os, bins, anyBins, env, config, primaryEnv, null);
    }

    static Settings settings(Map<String, Object> skills) {
        return Settings.of(skills);
    }

    static final Root FOLDER = Root.folder(Root.Kind.SHARED, Path.of("/x"), null);

    @Test
    void aSkillWithNoRequirementsIsEligible() {
        assertEquals(List.of(), HERE.reasons(entry(FOLDER, SkillMeta.NONE), settings(Map.of())));
    }

    @Test
    void everyUnmetRequirementIsReported() {
        List<String> r = HERE.reasons(entry(FOLDER, meta(false, List.of(), List.of("git", "gh"), List.of("wget", "fetch"),
                List.of("HOME_SET", "GH_TOKEN"), List.of("tools.web.on", "browser.enabled"), null)), settings(Map.of()));
        assertEquals(List.of("missing binaries on PATH: gh", "none of these binaries on PATH: wget, fetch",
                "environment not set: GH_TOKEN", "config not set: browser.enabled"), r);
    }

    @Test
    void osAndDisabledComeFirstAndAlwaysSkipsRequirements() {
        assertEquals(List.of("os: runs on darwin, win32, this is linux"),
                HERE.reasons(entry(FOLDER, meta(true, List.of("darwin", "win32"), List.of(), List.of(), List.of(), List.of(), null)),
                        settings(Map.of())));
        assertEquals(List.of(), HERE.reasons(entry(FOLDER, meta(true, List.of("linux"), List.of("nope"), List.of(), List.of("NOPE"),
                List.of(), null)), settings(Map.of())));
        assertEquals(List.of("disabled (skills.entries.s.enabled: false)"), HERE.reasons(entry(FOLDER, SkillMeta.NONE),
                settings(Map.of("entries", Map.of("s", Map.of("enabled", false))))));
    }

    @Test
    void entryEnvAndApiKeySatisfyRequiredEnvironment() {
        SkillEntry e = entry(FOLDER, meta(false, List.of(), List.of(), List.of(), List.of("TOKEN", "OTHER"), List.of(), "TOKEN"));
        assertEquals(List.of("environment not set: TOKEN, OTHER"), HERE.reasons(e, settings(Map.of())));
        Settings s = settings(Map.of("entries", Map.of("s", Map.of("apiKey", "sk-123", "env", Map.of("OTHER", "v")))));
        assertEquals(List.of(), HERE.reasons(e, s));
        assertEquals(Map.of("OTHER", "v", "TOKEN", "sk-123"), Eligibility.environment(e.skill(), s));
    }

    @Test
    void allowBundledLimitsPluginSkillsOnly() {
        Settings s = settings(Map.of("allowBundled", List.of("other")));
        assertEquals(List.of("not in skills.allowBundled"), HERE.reasons(entry(Root.plugin("p"), SkillMeta.NONE), s));
        assertEquals(List.of(), HERE.reasons(entry(FOLDER, SkillMeta.NONE), s));
        assertEquals(List.of(), HERE.reasons(entry(Root.plugin("p"), SkillMeta.NONE), settings(Map.of("allowBundled", List.of("s")))));
    }

    @Test
    void configTruthinessFollowsTheReference() {
        Map<String, Object> c = Map.of("a", Map.of("t", true, "n", 0, "s", "", "x", "y", "o", Map.of(), "l", List.of()));
        assertTrue(Eligibility.configTruthy(c, "a.t"));
        assertFalse(Eligibility.configTruthy(c, "a.n"));
        assertFalse(Eligibility.configTruthy(c, "a.s"));
        assertTrue(Eligibility.configTruthy(c, "a.x"));
        assertTrue(Eligibility.configTruthy(c, "a.o"));
        assertTrue(Eligibility.configTruthy(c, "a.l"));
        assertFalse(Eligibility.configTruthy(c, "a.missing"));
        assertTrue(Eligibility.configTruthy(c, "browser.enabled"), "a reference default");
        assertFalse(Eligibility.configTruthy(Map.of("browser", Map.of("enabled", false)), "browser.enabled"));
    }

    @Test
    void platformsAreTheReferencesNames() {
        assertEquals("linux", Eligibility.platform("Linux"));
        assertEquals("darwin", Eligibility.platform("Mac OS X"));
        assertEquals("win32", Eligibility.platform("Windows 11"));
    }
}
