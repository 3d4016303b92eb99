package io.gatehouse.skills.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class SkillParserTest {

    static SkillFormatException fails(String text) {
        return assertThrows(SkillFormatException.class, () -> SkillParser.parse(text, "SKILL.md"));
    }

    @Test
    void readsTheReferenceFormWithOneLineJsonMetadata() throws Exception {
        ParsedSkill s = SkillParser.parse("""
                ---
                name: github
                description: Interact with GitHub using the gh CLI.
                homepage: https://cli.github.com
                metadata: {"openclaw": {"emoji": "🐙", "requires": {"bins": ["gh"], "env": ["GH_TOKEN"], "config": ["browser.enabled"]}, "primaryEnv": "GH_TOKEN", "os": ["linux", "darwin"]}}
                ---
                # GitHub

                Use `gh` for everything.
                """, "SKILL.md");
        assertEquals("github", s.name());
        assertEquals("Interact with GitHub using the gh CLI.", s.description());
        assertEquals("https://cli.github.com", s.homepage());
        assertTrue(s.userInvocable());
        assertFalse(s.disableModelInvocation());
        assertEquals(List.of("gh"), s.meta().bins());
        assertEquals(List.of("GH_TOKEN"), s.meta().env());
        assertEquals(List.of("browser.enabled"), s.meta().config());
        assertEquals(List.of("linux", "darwin"), s.meta().os());
        assertEquals("GH_TOKEN", s.meta().primaryEnv());
        assertEquals("🐙", s.meta().emoji());
        assertEquals("github", s.key());
        assertEquals("# GitHub\n\nUse `gh` for everything.\n", s.body());
    }

    @Test
    void readsBlockYamlMetadataLegacyKeyAndFlags() throws Exception {
        ParsedSkill s = SkillParser.parse("""
                ---
                name: "weather"
                description: >
                  Current weather
                  and forecasts.
                user-invocable: false
                disable-model-invocation: "yes"
                command-dispatch: Tool
                command-tool: weather_now
                metadata:
                  clawdbot:
                    always: true
                    skillKey: wx
                    requires:
                      anyBins: [curl, wget]
                      bins: jq
                ---
                body""", "SKILL.md");
        assertEquals("Current weather and forecasts.", s.description());
        assertFalse(s.userInvocable());
        assertTrue(s.disableModelInvocation());
        assertEquals("tool", s.commandDispatch());
        assertEquals("weather_now", s.commandTool());
        assertTrue(s.meta().always());
        assertEquals("wx", s.key());
        assertEquals(List.of("curl", "wget"), s.meta().anyBins());
        assertEquals(List.of("jq"), s.meta().bins());
        assertEquals("body", s.body());
    }

    @Test
    void acceptsCrlfBomAndQuotedJsonMetadata() throws Exception {
        ParsedSkill s = SkillParser.parse("\uFEFF---\r\nname: a\r\ndescription: b\r\nmetadata: '{\"openclaw\":{\"requires\":{\"env\":[\"X\"]}}}'\r\n---\r\nhi\r\n",
                "SKILL.md");
        assertEquals("a", s.name());
        assertEquals(List.of("X"), s.meta().env());
        assertEquals("hi\n", s.body());
        assertNull(s.homepage());
    }

    @Test
    void anEmptyOrUnclosedFileMayStillBeBeingWritten() {
        assertTrue(fails("").maybeIncomplete());
        SkillFormatException e = fails("---\nname: a\ndescription: half");
        assertTrue(e.maybeIncomplete());
        assertTrue(e.reason().contains("not closed"), e.reason());
        assertEquals(3, e.line());
    }

    @Test
    void noFrontMatterIsLineOne() {
        SkillFormatException e = fails("# Just markdown\n");
        assertEquals(1, e.line());
        assertFalse(e.maybeIncomplete());
        assertTrue(e.reason().contains("first line must be ---"), e.reason());
    }

    @Test
    void missingRequiredKeysAreNamed() {
        SkillFormatException e = fails("---\nname: a\n---\nbody");
        assertTrue(e.reason().contains("\"description\""), e.reason());
        assertEquals(3, e.line());
        assertTrue(fails("---\ndescription: d\n---\n").reason().contains("\"name\""));
        assertTrue(fails("---\nname: \"  \"\ndescription: d\n---\n").reason().contains("name: must not be empty"));
        assertTrue(fails("---\n\n---\n").reason().contains("empty"));
    }

    @Test
    void yamlErrorsNameLineAndColumnOfTheFile() {
        SkillFormatException e = fails("---\nname: a\ndescription: d\nmetadata: {\"openclaw\": [}\n---\n");
        assertEquals(4, e.line(), e.reason());
        assertTrue(e.column() > 1, () -> "column " + e.column());
        assertTrue(e.reason().startsWith("invalid YAML front matter"), e.reason());
    }

    @Test
    void anUnclosedFlowIsReportedWhereItOpens() {
        SkillFormatException e = fails("---\nname: bad\ndescription: [oops\n---\n");
        assertEquals(3, e.line(), e.reason());
        assertEquals(14, e.column(), e.reason());
    }

    @Test
    void duplicateKeysAreRefused() {
        SkillFormatException e = fails("---\nname: a\ndescription: d\nname: b\n---\n");
        assertEquals(4, e.line(), e.reason());
        assertTrue(e.reason().toLowerCase().contains("duplicate"), e.reason());
    }

    @Test
    void wrongTypesNameTheKeyAndItsLine() {
        SkillFormatException e = fails("---\nname: a\ndescription: d\nuser-invocable: sometimes\n---\n");
        assertEquals(4, e.line());
        assertTrue(e.reason().startsWith("user-invocable: expected true or false"), e.reason());
        e = fails("---\nname: 12\ndescription: d\n---\n");
        assertEquals(2, e.line());
        assertTrue(e.reason().contains("name: expected a string, got a number"), e.reason());
        e = fails("---\nname: a\ndescription: d\nmetadata:\n  openclaw:\n    requires:\n      bins: {gh: 1}\n---\n");
        assertEquals(4, e.line());
        assertTrue(e.reason().contains("metadata.openclaw.requires.bins: expected a list of strings"), e.reason());
        e = fails("---\nname: a/b\ndescription: d\n---\n");
        assertTrue(e.reason().contains("without /"), e.reason());
        e = fails("---\n- name\n- description\n---\n");
        assertTrue(e.reason().contains("mapping"), e.reason());
    }

    @Test
    void metadataWithoutTheOpenclawObjectIsIgnored() throws Exception {
        ParsedSkill s = SkillParser.parse("---\nname: a\ndescription: d\nmetadata: {\"other\": 1}\nlicense: MIT\n---\n", "x");
        assertEquals(SkillMeta.NONE, s.meta());
    }
}
