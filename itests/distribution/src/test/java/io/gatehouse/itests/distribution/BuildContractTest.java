package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** What a newcomer's build needs and does: no Node for the product, and an incremental second build. */
class BuildContractTest {
    static final Path ROOT = Path.of(System.getProperty("gatehouse.root", "../..")).toAbsolutePath().normalize();
    /** The default lifecycle up to the phases a test setup may use. */
    static final List<String> LIFECYCLE = List.of("validate", "initialize", "generate-sources", "process-sources",
            "generate-resources", "process-resources", "compile", "process-classes", "generate-test-sources",
            "process-test-sources", "generate-test-resources", "process-test-resources", "test-compile",
            "process-test-classes", "test", "prepare-package", "package", "pre-integration-test", "integration-test",
            "post-integration-test", "verify", "install", "deploy");

    /** {@code mvn -DskipTests package} builds the product without Node: npm/node only run after package, and skip with the tests. */
    @Test
    void theProductBuildsWithoutNode() throws Exception {
        List<String> offenders = new ArrayList<>();
        int npmExecutions = 0;
        try (Stream<Path> poms = Files.walk(ROOT)) {
            for (Path pom : poms.filter(p -> p.getFileName().toString().equals("pom.xml"))
                    .filter(p -> !ROOT.relativize(p).toString().contains("target/") && !ROOT.relativize(p).startsWith(".git"))
                    .toList()) {
                Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
                NodeList executions = doc.getElementsByTagName("execution");
                for (int i = 0; i < executions.getLength(); i++) {
                    Element ex = (Element) executions.item(i);
                    String executable = text(ex, "executable");
                    if (!executable.matches("npm|npx|node|yarn|pnpm")) {
                        continue;
                    }
                    npmExecutions++;
                    String phase = text(ex, "phase");
                    String where = ROOT.relativize(pom) + " execution " + text(ex, "id") + " (" + executable + " in phase " + phase + ")";
                    if (LIFECYCLE.indexOf(phase) <= LIFECYCLE.indexOf("package")) {
                        offenders.add(where + ": runs in `mvn -DskipTests package`");
                    }
                    if (!text(ex, "skip").equals("${skipTests}")) {
                        offenders.add(where + ": does not skip with -DskipTests");
                    }
                }
            }
        }
        assertTrue(npmExecutions > 0, "the test clients' npm ci is declared somewhere");
        assertEquals(List.of(), offenders);
    }

    /**
     * bnd must not stamp a new qualifier into every bundle at every build: a changed manifest makes
     * every module downstream recompile, so a second build with nothing changed would not be incremental.
     */
    @Test
    void bundleVersionsAreTheSameInEveryBuild() throws IOException {
        List<String> stamped = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> jars = Files.walk(Gateway.Pristine.HOME.resolve("system/io/gatehouse"))) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                try (JarFile j = new JarFile(jar.toFile())) {
                    String version = j.getManifest().getMainAttributes().getValue("Bundle-Version");
                    checked++;
                    if (version == null || version.matches(".*\\.\\d{8,}.*")) {
                        stamped.add(jar.getFileName() + ": " + version);
                    }
                }
            }
        }
        assertTrue(checked >= 10, "Gatehouse bundles in system/: " + checked);
        assertEquals(List.of(), stamped, "bundle versions with a build timestamp");
        assertFalse(Files.readString(ROOT.resolve("bnd.bnd")).isBlank());
    }

    private static String text(Element parent, String tag) {
        NodeList n = parent.getElementsByTagName(tag);
        return n.getLength() == 0 ? "" : n.item(0).getTextContent().trim();
    }
}
