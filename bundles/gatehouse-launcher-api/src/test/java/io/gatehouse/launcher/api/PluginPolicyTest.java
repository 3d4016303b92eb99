package io.gatehouse.launcher.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.gatehouse.launcher.api.PluginPolicy.Decision;

/** The table of which plugins run, as the launcher (framework start) and the plugins bundle (in process) apply it. */
class PluginPolicyTest {
    private static final String ID = "io.gatehouse.channel.openai";

    static Stream<Arguments> table() {
        Map<String, Object> disabled = Map.of("enabled", false);
        Map<String, Object> enabled = Map.of("enabled", true);
        return Stream.of(
                // no plugins section, or not an object: everything runs
                Arguments.of("no section", null, Decision.RUN),
                Arguments.of("section not an object", "junk", Decision.RUN),
                Arguments.of("empty section", Map.of(), Decision.RUN),
                // entries.<id>.enabled
                Arguments.of("enabled: true", Map.of("entries", Map.of(ID, enabled)), Decision.RUN),
                Arguments.of("enabled: false", Map.of("entries", Map.of(ID, disabled)), Decision.DISABLED_BY_CONFIG),
                Arguments.of("enabled: 'false' (a string is not false)", Map.of("entries", Map.of(ID, Map.of("enabled", "false"))),
                        Decision.RUN),
                Arguments.of("another plugin disabled", Map.of("entries", Map.of("other", disabled)), Decision.RUN),
                Arguments.of("entry not an object", Map.of("entries", Map.of(ID, false)), Decision.RUN),
                // allow
                Arguments.of("empty allow list", Map.of("allow", List.of()), Decision.RUN),
                Arguments.of("allowed", Map.of("allow", List.of("x", ID)), Decision.RUN),
                Arguments.of("allowed with spaces", Map.of("allow", List.of(" " + ID + " ")), Decision.RUN),
                Arguments.of("not allowed", Map.of("allow", List.of("x")), Decision.NOT_ALLOWED),
                Arguments.of("allow not a list", Map.of("allow", "x"), Decision.RUN),
                // both: disabled wins over not allowed
                Arguments.of("disabled and not allowed", Map.of("allow", List.of("x"), "entries", Map.of(ID, disabled)),
                        Decision.DISABLED_BY_CONFIG),
                Arguments.of("enabled but not allowed", Map.of("allow", List.of("x"), "entries", Map.of(ID, enabled)),
                        Decision.NOT_ALLOWED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides(String what, Object section, Decision expected) {
        assertEquals(expected, PluginPolicy.decide(section, ID), what);
    }

    @Test
    void explainsWhyAPluginDoesNotRun() {
        assertNull(PluginPolicy.explain(Decision.RUN, ID));
        assertEquals("disabled: plugins.entries.\"io.gatehouse.channel.openai\".enabled is false",
                PluginPolicy.explain(Decision.DISABLED_BY_CONFIG, ID));
        assertEquals("disabled: plugins.entries.upper.enabled is false", PluginPolicy.explain(Decision.DISABLED_BY_CONFIG, "upper"));
        assertTrue(PluginPolicy.explain(Decision.NOT_ALLOWED, ID).contains("not in plugins.allow"));
    }

    @Test
    void pluginIdIsTheHeaderElseTheSymbolicNameWithoutDirectives() {
        Hashtable<String, String> h = new Hashtable<>();
        h.put("Bundle-SymbolicName", "io.x.y;singleton:=true");
        assertEquals("io.x.y", PluginPolicy.pluginId(h));
        h.put(PluginPolicy.ID_HEADER, " upper ");
        assertEquals("upper", PluginPolicy.pluginId(h));
        assertNull(PluginPolicy.pluginId(new Hashtable<>()));
    }
}
