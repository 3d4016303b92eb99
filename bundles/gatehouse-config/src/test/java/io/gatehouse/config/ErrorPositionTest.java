package io.gatehouse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.gatehouse.api.config.ConfigException;
import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Issue;
import io.gatehouse.api.config.schema.Shape;
import io.gatehouse.config.section.Sections;

/** Where a validation error points: the docs and the tool agree, key errors at the key, value errors at the value. */
class ErrorPositionTest {
    private static final Path FILE = Path.of("/opt/gatehouse/etc/gatehouse.json");
    private static final Shape GATEWAY = Shape.object().field("port", Shape.integer(0, 65535)).field("bind", Shape.string());

    private static List<String> validate(String text) throws ConfigException {
        ConfigSection gateway = new ConfigSection() {
            @Override
            public String prefix() {
                return "gateway";
            }

            @Override
            public Shape schema() {
                return GATEWAY;
            }

            @Override
            public List<ReloadRule> reloadRules() {
                return List.of(ReloadRule.restart("gateway"));
            }
        };
        Sections sections = new Sections(List.of(new Sections.Owned("gateway", gateway, "io.gatehouse.gateway")), List.of());
        Json5Parser parser = new Json5Parser();
        Map<String, Object> raw = parser.parse(FILE, text);
        Map<String, int[]> at = parser.locations(text);
        List<String> out = new ArrayList<>();
        for (Issue i : sections.validate(raw)) {
            out.add(ConfigPipeline.errorAt(FILE, at, i).toString());
        }
        return out;
    }

    @Test
    void anUnknownKeyPointsAtTheKeyAndABadValueAtTheValue() throws Exception {
        assertEquals(List.of(FILE + ":2:3: gatway: unknown key \"gatway\" (did you mean \"gateway\"?)"),
                validate("{\n  gatway: { port: 80 },\n}\n"));
        assertEquals(List.of(FILE + ":3:11: gateway.port: expected an integer 0-65535, got \"eighty\""),
                validate("{\n  gateway: {\n    port: \"eighty\",\n  },\n}\n"));
        assertEquals(List.of(FILE + ":3:5: gateway.prot: unknown key \"prot\" (did you mean \"port\"?)"),
                validate("{\n  gateway: {\n    prot: 8080,\n  },\n}\n"));
    }

    /** The examples in the operator guide are what the tool prints for the files they describe. */
    @Test
    void theOperatorGuidesExamplesAreWhatTheToolPrints() throws Exception {
        String guide = Files.readString(Path.of("../../docs/operator-guide.md"));
        Matcher m = Pattern.compile("config reload skipped \\(invalid config\\): (/opt/gatehouse/etc/gatehouse\\.json:\\d+:\\d+: .*)")
                .matcher(guide);
        List<String> documented = new ArrayList<>();
        while (m.find()) {
            documented.add(m.group(1));
        }
        assertEquals(2, documented.size(), "the guide's two validation examples: " + documented);
        assertEquals(documented.get(0), validate("{\n  gateway: {\n    port: \"eighty\",\n  },\n}\n").get(0));
        assertEquals(documented.get(1), validate("{\n  gatway: { port: 80 },\n}\n").get(0));
    }

    @Test
    void aSecretValueInAValidationErrorIsNeverEchoed() throws IOException {
        Issue bad = Issue.error("models.providers.vllm.headers.X-Tenant", "expected a string, got 1234567");
        String shown = ConfigPipeline.errorAt(FILE, Map.of(), bad).toString();
        assertFalse(shown.contains("1234567"), shown);
        assertTrue(shown.contains("(value redacted)"), shown);
        Issue url = Issue.error("models.providers.vllm.baseUrl", "expected a URL, got \"http://u:pw-x@h/v1 x\"");
        assertFalse(ConfigPipeline.errorAt(FILE, Map.of(), url).toString().contains("pw-x"));
    }
}
