package io.gatehouse.config.plan;

import static io.gatehouse.config.plan.Conformance.list;
import static io.gatehouse.config.plan.Conformance.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class ConfigDiffTest {

    /**
     * Other functions of the reference that the section also holds: the reloader's plugin-install
     * timestamp heuristics, which Gatehouse does not implement (see ReloadPlannerTest).
     */
    private static final Set<String> OTHER_FUNCTIONS = Set.of("listPluginInstallTimestampMetadataPaths",
            "listPluginInstallWholeRecordPaths");

    @TestFactory
    Stream<DynamicTest> everyDiffConfigPathsCase() {
        List<Map<String, Object>> cases = Conformance.section("diffConfigPaths");
        List<DynamicTest> tests = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Map<String, Object> c : cases) {
            String fn = (String) c.get("fn");
            String name = (String) c.get("name");
            if (OTHER_FUNCTIONS.contains(fn)) {
                continue;
            }
            if (!"diffConfigPaths".equals(fn)) {
                fail("unexpected function in diffConfigPaths section: " + fn + " (" + name + ")");
            }
            assertTrue(names.add(name), "duplicate case name " + name);
            List<Object> args = list(c.get("args"));
            List<String> expect = strings(c.get("expect"));
            tests.add(DynamicTest.dynamicTest(name, () -> assertEquals(expect, diff(args.get(0), args.get(1)), name)));
        }
        assertEquals(13, tests.size(), "diffConfigPaths cases in the conformance data");
        return tests.stream();
    }

    @SuppressWarnings("unchecked")
    private static List<String> diff(Object before, Object after) {
        if (before instanceof Map<?, ?> b && after instanceof Map<?, ?> a) {
            return ConfigDiff.changedPaths((Map<String, Object>) b, (Map<String, Object>) a);
        }
        return ConfigDiff.changedValuePaths(before, after);
    }

    @Test
    void numbersCompareByValueAsInTheReference() {
        assertEquals(List.of(), ConfigDiff.changedPaths(Map.of("a", 1), Map.of("a", 1.0)));
        assertEquals(List.of(), ConfigDiff.changedPaths(Map.of("a", 1L), Map.of("a", 1)));
        assertEquals(List.of(), ConfigDiff.changedPaths(Map.of("a", List.of(1, Map.of("b", 2))),
                Map.of("a", List.of(1.0, Map.of("b", 2L)))));
        assertEquals(List.of(), ConfigDiff.changedPaths(Map.of("a", Double.NaN), Map.of("a", Double.NaN)));
        assertEquals(List.of("a"), ConfigDiff.changedPaths(Map.of("a", 1), Map.of("a", 1.5)));
        assertEquals(List.of("a"), ConfigDiff.changedPaths(Map.of("a", 1), Map.of("a", "1")));
        assertEquals(List.of("a"), ConfigDiff.changedPaths(Map.of("a", List.of(1)), Map.of("a", List.of("1"))));
    }

    @Test
    void arraysAreReportedByTheirOwnPathNeverAnIndex() {
        assertEquals(List.of("x.list"), ConfigDiff.changedPaths(Map.of("x", Map.of("list", List.of(1, 2))),
                Map.of("x", Map.of("list", List.of(1, 2, 3)))));
        assertEquals(List.of("x.list"), ConfigDiff.changedPaths(Map.of("x", Map.of("list", List.of())),
                Map.of("x", Map.of("list", Map.of()))));
    }

    @Test
    void nullAndAbsentDifferButNullEqualsNull() {
        Map<String, Object> withNull = new LinkedHashMap<>();
        withNull.put("x", null);
        assertEquals(List.of("x"), ConfigDiff.changedPaths(Map.of(), withNull));
        assertEquals(List.of(), ConfigDiff.changedPaths(withNull, new LinkedHashMap<>(withNull)));
        assertEquals(List.of("x"), ConfigDiff.changedPaths(withNull, Map.of("x", Map.of("y", 1))));
    }

    @Test
    void keysFollowJavaScriptPropertyOrder() {
        // Object.keys puts array-index keys first, ascending, then the others in insertion order
        Map<String, Object> before = new LinkedHashMap<>();
        before.put("b", 1);
        before.put("10", 1);
        before.put("2", 1);
        before.put("-1", 1);
        before.put("01", 1);
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("z", 1);
        after.put("3", 1);
        assertEquals(List.of("2", "10", "b", "-1", "01", "3", "z"), ConfigDiff.changedPaths(before, after));
    }

    @Test
    void emptyConfigsAndRootReplacement() {
        assertEquals(List.of(), ConfigDiff.changedPaths(Map.of(), Map.of()));
        assertEquals(List.of(ConfigDiff.ROOT), ConfigDiff.changedValuePaths(Map.of(), List.of()));
        assertEquals(List.of("meta.lastTouchedAt"), ConfigDiff.changedPaths(
                Map.of("meta", Map.of("lastTouchedAt", "t1"), "gateway", Map.of("port", 1)),
                Map.of("meta", Map.of("lastTouchedAt", "t2"), "gateway", Map.of("port", 1))));
    }
}
