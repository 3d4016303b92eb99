package io.gatehouse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gatehouse.support.feature.FeatureFile;

class BootFeaturesTest {
    @TempDir
    Path home;

    @Test
    void coreComesFirstAndMavenLocationsResolveUnderSystem() throws Exception {
        Path features = Files.createDirectories(home.resolve("features"));
        Files.writeString(features.resolve("a-extra.json"), "{ id: 'extra', boot: false, bundles: [] }");
        Files.writeString(features.resolve("core.json"), """
                // comment
                { id: "core", bundles: [
                    { location: "mvn:org.apache.felix/org.apache.felix.scr/2.2.18", startLevel: 10 },
                    { location: "mvn:org.apache.felix/org.apache.felix.http.jetty12/1.1.8/jar/with-jetty-websockets", console: false },
                    { location: "plugins/x.jar", start: false },
                ] }
                """);
        List<FeatureFile> all = BootFeatures.readAll(features);
        assertEquals(List.of("core", "extra"), all.stream().map(FeatureFile::id).toList());
        assertFalse(all.get(1).boot());
        FeatureFile core = all.get(0);
        GatewayHome gh = new GatewayHome(home);
        assertEquals(home.resolve("system/org/apache/felix/org.apache.felix.scr/2.2.18/org.apache.felix.scr-2.2.18.jar"),
                BootFeatures.resolve(core.bundles().get(0), gh));
        assertEquals(home.resolve("system/org/apache/felix/org.apache.felix.http.jetty12/1.1.8/"
                + "org.apache.felix.http.jetty12-1.1.8-with-jetty-websockets.jar"), BootFeatures.resolve(core.bundles().get(1), gh));
        assertEquals(Boolean.FALSE, core.bundles().get(1).console());
        assertNull(core.bundles().get(0).console());
        assertEquals(50, core.bundles().get(2).startLevel());
        assertFalse(core.bundles().get(2).start());
        assertEquals(home.resolve("plugins/x.jar"), BootFeatures.resolve(core.bundles().get(2), gh));
    }

    @Test
    void aFeatureBootsOnlyWhenItSaysSo() throws Exception {
        Path features = Files.createDirectories(home.resolve("features"));
        Files.writeString(features.resolve("core.json"), "{ id: 'core', bundles: [] }");
        Files.writeString(features.resolve("quiet.json"), "{ id: 'quiet', bundles: [] }");
        Files.writeString(features.resolve("loud.json"), "{ id: 'loud', boot: true, bundles: ['lib/x.jar'] }");
        List<FeatureFile> all = BootFeatures.readAll(features);
        assertTrue(all.get(0).boot(), "core always boots");
        assertEquals(List.of("loud"), all.stream().filter(f -> f.boot() && !f.id().equals("core")).map(FeatureFile::id).toList());
        assertEquals(home.resolve("lib/x.jar"), BootFeatures.resolve(all.get(1).bundles().get(0), new GatewayHome(home)));
    }

    @Test
    void missingCoreIsAnError() throws Exception {
        Path features = Files.createDirectories(home.resolve("features"));
        Files.writeString(features.resolve("x.json"), "{ id: 'x', bundles: [] }");
        LaunchException e = assertThrows(LaunchException.class, () -> BootFeatures.readAll(features));
        assertTrue(e.getMessage().contains("core"), e.getMessage());
    }

    @Test
    void badEntriesNameFileAndField() throws Exception {
        Path f = home.resolve("core.json");
        Files.writeString(f, "{ id: 'core', bundles: [ { location: 'mvn:a/b/1', startLevel: 0 } ] }");
        LaunchException e = assertThrows(LaunchException.class, () -> BootFeatures.read(f));
        assertTrue(e.getMessage().contains("bundles[0].startLevel"), e.getMessage());
        Files.writeString(f, "{ id: 'core', bundles: [ { startLevel: 3 } ] }");
        e = assertThrows(LaunchException.class, () -> BootFeatures.read(f));
        assertTrue(e.getMessage().contains("bundles[0].location"), e.getMessage());
        Files.writeString(f, "{ id: 'core', bundles: [ \n{ location: 'mvn:a/b' } ] }");
        FeatureFile bad = BootFeatures.read(f);
        e = assertThrows(LaunchException.class, () -> BootFeatures.resolve(bad.bundles().get(0), new GatewayHome(home)));
        assertTrue(e.getMessage().contains("mvn:a/b"), e.getMessage());
        Files.writeString(f, "{ id: 'core', \n bundles: [ ");
        e = assertThrows(LaunchException.class, () -> BootFeatures.read(f));
        assertTrue(e.getMessage().startsWith(f + ":2:"), e.getMessage());
    }
}
