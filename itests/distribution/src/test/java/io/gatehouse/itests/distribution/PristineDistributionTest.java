package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's order works: an operator who ran the gateway in {@code runtime/target/gatehouse},
 * dropped a plugin into its {@code deploy/} and left its {@code data/} behind does not change what the
 * distribution tests start from.
 */
class PristineDistributionTest {

    @Test
    void testHomesIgnoreWhatAnOperatorLeftInTheBuiltDistribution(@TempDir Path tmp) throws Exception {
        Path strayPlugin = Gateway.DISTRIBUTION.resolve("deploy/stray-plugin-from-the-readme.jar");
        Path strayData = Gateway.DISTRIBUTION.resolve("data/plugins/stray-marker");
        boolean dataExisted = Files.isDirectory(Gateway.DISTRIBUTION.resolve("data"));
        List<Path> planted = List.of(strayPlugin, strayData);
        try {
            Files.createDirectories(strayPlugin.getParent());
            Files.createDirectories(strayData.getParent());
            for (Path p : planted) {
                Files.writeString(p, "left behind by an operator following the README");
            }
            try (Gateway g = Gateway.copyInto(tmp.resolve("home"))) {
                assertFalse(Files.exists(g.home.resolve("deploy/stray-plugin-from-the-readme.jar")), "deploy/ copied from the README's gateway");
                assertFalse(Files.exists(g.home.resolve("data")), "data/ copied from the README's gateway");
                assertTrue(Files.isExecutable(g.home.resolve("bin/gatehouse")));
                assertTrue(Files.isRegularFile(g.home.resolve("deploy/README.txt")), "the distribution's own deploy/ content");
            }
        } finally {
            for (Path p : planted) {
                Files.deleteIfExists(p);
            }
            if (!dataExisted) {
                Gateway.deleteTree(Gateway.DISTRIBUTION.resolve("data"));
            }
        }
    }
}
