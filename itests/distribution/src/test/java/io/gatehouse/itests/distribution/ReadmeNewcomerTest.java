package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** The README's plugin install works as written, on a fresh machine (no `mvn install` before it). */
class ReadmeNewcomerTest {
    static final Pattern SHELL_LINE = Pattern.compile("^runtime/target/gatehouse/bin/gatehouse shell \"(plugins:install [^\"]+)\"",
            Pattern.MULTILINE);

    @Test
    void theReadmesPluginInstallWorksAsWritten(@TempDir Path tmp) throws Exception {
        String readme = Files.readString(BuildContractTest.ROOT.resolve("README.md"));
        List<String> installs = new ArrayList<>();
        Matcher m = SHELL_LINE.matcher(readme);
        while (m.find()) {
            installs.add(m.group(1));
        }
        assertEquals(1, installs.size(), "the README's plugins:install line: " + installs);
        // run from the repository's root, as the README says: $PWD is that folder
        String command = installs.get(0).replace("$PWD", BuildContractTest.ROOT.toString());
        assertFalse(command.contains("mvn:"), "mvn: coordinates need an `mvn install` first: " + command);

        try (Gateway g = Gateway.copyInto(tmp.resolve("home"))) {
            g.runInForeground();
            g.awaitHealthy(Duration.ofSeconds(60));
            Gateway.Result r = g.cli("shell", command);
            assertEquals(0, r.exit(), r.toString());
            Gateway.await(Duration.ofSeconds(60), () -> enabled(g, TestJars.EXAMPLE_ID), TestJars.EXAMPLE_ID + " enabled after the restart");
            assertTrue(g.status().path("restarts").asInt() >= 1);
        }
    }

    private static boolean enabled(Gateway g, String id) {
        Gateway.Result r = g.cli("shell", "plugins:list", "--json");
        if (r.exit() != 0) {
            return false;
        }
        try {
            for (JsonNode row : Gateway.JSON.readTree(r.out())) {
                if (id.equals(row.path("id").asText()) && "enabled".equals(row.path("state").asText())) {
                    return true;
                }
            }
        } catch (java.io.IOException e) {
            return false;
        }
        return false;
    }
}
