package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.FrameworkUtil;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ReloadPlan;
import io.gatehouse.api.config.SectionState;
import io.gatehouse.itests.support.Poll;

/**
 * The operator guide's reload table agrees with the running gateway: each row's section is owned by
 * the bundle it names, and a change there is planned as the row says. A rule changed in code without
 * the guide (or the other way round) fails here.
 */
@ExtendWith(ServiceExtension.class)
class ReloadTableIT {

    @InjectService
    ConfigService config;

    record Row(String section, String owner, String kind, String actions) {
    }

    private static List<Row> table() throws Exception {
        Path guide = Path.of(FrameworkUtil.getBundle(ReloadTableIT.class).getBundleContext().getProperty("gatehouse.docs"),
                "operator-guide.md");
        String text = Files.readString(guide);
        int begin = text.indexOf("<!-- reload-table:begin -->");
        int end = text.indexOf("<!-- reload-table:end -->");
        assertTrue(begin > 0 && end > begin, "reload table markers in " + guide);
        List<Row> rows = new ArrayList<>();
        for (String line : text.substring(begin, end).split("\n")) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = Arrays.stream(line.split("\\|", -1)).map(String::trim).toArray(String[]::new);
            rows.add(new Row(cells[1].replace("`", ""), cells[2].replace("`", ""), cells[3], cells[4].replace("`", "")));
        }
        assertTrue(rows.size() >= 10, "rows read: " + rows);
        return rows;
    }

    @Test
    void everyRowOfTheGuidesReloadTableIsWhatTheRunningGatewayDoes() throws Exception {
        for (Row row : table()) {
            if (!row.owner().isEmpty()) {
                // owners register as their bundles start: wait for each to be served; a row below a
                // section (plugins.entries) belongs to the section with the longest matching prefix
                SectionState s = Poll.until(row.section() + " served", Duration.ofSeconds(10),
                        () -> config.sections().stream()
                                .filter(x -> row.section().equals(x.prefix()) || row.section().startsWith(x.prefix() + "."))
                                .max(java.util.Comparator.comparingInt(x -> x.prefix().length())).orElse(null),
                        x -> x != null && (x.state().equals(SectionState.ACTIVE) || x.state().equals(SectionState.CONFIG)));
                assertEquals(row.owner(), s.owner(), row.section());
            }
            ReloadPlan plan = config.plan(List.of(row.section()));
            switch (row.kind()) {
                case "restart" -> assertTrue(plan.restartGateway(), row + " -> " + plan);
                case "hot" -> {
                    assertFalse(plan.restartGateway(), row + " -> " + plan);
                    assertEquals(List.of(row.section()), plan.hotReasons(), row + " -> " + plan);
                    if (!row.actions().contains("<id>")) {
                        List<String> expected = row.actions().isEmpty() ? List.of()
                                : Arrays.stream(row.actions().split(",")).map(String::trim).toList();
                        assertEquals(expected, plan.actions(), row + " -> " + plan);
                    }
                }
                case "none" -> {
                    assertEquals(List.of(row.section()), plan.noopPaths(), row + " -> " + plan);
                    assertEquals(List.of(), plan.inert(), row + " -> " + plan);
                }
                case "ignored" -> assertEquals(List.of(row.section() + ": ignored: not implemented by Gatehouse"), plan.inert(),
                        row + " -> " + plan);
                default -> throw new AssertionError("unknown kind in the guide: " + row);
            }
        }
    }

    @Test
    void aNestedUnknownKeyIsRejectedWithItsPositionAndASuggestion() throws Exception {
        Path file = config.current().source();
        String original = Files.readString(file);
        String hash = config.current().hash();
        try {
            Files.writeString(file, "{\n  gateway: {\n    bind: 'loopback',\n    prot: 0,\n  },\n}\n");
            var error = Poll.until("nested typo rejected", Duration.ofSeconds(10), () -> config.lastError().orElse(null),
                    e -> e != null && "gateway.prot".equals(e.path()));
            assertEquals(4, error.line(), error.toString());
            assertTrue(error.column() > 0, error.toString());
            assertTrue(error.reason().contains("did you mean \"port\""), error.toString());
            assertEquals(hash, config.current().hash(), "the typo was applied");
        } finally {
            Files.writeString(file, original);
            config.reload();
        }
    }

    @Test
    void sectionsListAnOwnerOrAStateForEverySection() {
        List<SectionState> sections = config.sections();
        for (String expected : List.of("gateway", "gateway.auth", "gateway.reload", "bindings", "agents", "channels", "plugins",
                "logging", "cron", "mcp", "hooks")) {
            assertTrue(sections.stream().anyMatch(s -> s.prefix().equals(expected)), expected + " in " + sections);
        }
        for (SectionState s : sections) {
            assertTrue(!s.owner().isEmpty() || s.state().equals(SectionState.IGNORED), s.toString());
        }
    }
}
