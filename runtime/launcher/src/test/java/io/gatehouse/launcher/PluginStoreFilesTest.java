package io.gatehouse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gatehouse.launcher.api.PluginFailure;
import io.gatehouse.launcher.api.StoredPlugin;

class PluginStoreFilesTest {
    @TempDir
    Path tmp;

    private Path jar(String name, String content) throws IOException {
        Path p = tmp.resolve("in").resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private PluginStoreFiles store() throws IOException {
        return new PluginStoreFiles(tmp.resolve("data/plugins"));
    }

    private StoredPlugin stage(PluginStoreFiles s, String id, String version, Path jar) throws IOException {
        return s.stage(id, version, io.gatehouse.support.files.Sha256.of(jar), "file:" + jar, List.of(jar));
    }

    @Test
    void stagedPluginsSurviveANewStoreInstanceInInstallOrder() throws IOException {
        PluginStoreFiles s = store();
        stage(s, "b", "1.0.0", jar("b.jar", "bee"));
        stage(s, "a", "1.0.0", jar("a.jar", "ay"));
        StoredPlugin b2 = stage(s, "b", "2.0.0", jar("b2.jar", "bee two"));

        List<StoredPlugin> staged = store().staged();
        assertEquals(List.of("b", "a"), staged.stream().map(StoredPlugin::id).toList(), "an update keeps its place");
        assertEquals("2.0.0", staged.get(0).version());
        assertEquals(b2.sha256(), staged.get(0).sha256());
        Path stored = staged.get(0).jars().get(0);
        assertTrue(stored.startsWith(tmp.resolve("data/plugins/store")), stored.toString());
        assertEquals("bee two", Files.readString(stored), "the store holds a copy, not the caller's file");
        assertTrue(staged.get(0).bundleLocations().get(0).startsWith("reference:file:"));
    }

    @Test
    void theStoreCopyIsIndependentOfTheSourceFile() throws IOException {
        PluginStoreFiles s = store();
        Path src = jar("x.jar", "one");
        StoredPlugin p = stage(s, "x", "1", src);
        Files.writeString(src, "changed later");
        assertEquals("one", Files.readString(p.jars().get(0)));
    }

    @Test
    void unstageRemovesOnlyThatPlugin() throws IOException {
        PluginStoreFiles s = store();
        stage(s, "a", "1", jar("a.jar", "a"));
        stage(s, "b", "1", jar("b.jar", "b"));
        assertTrue(s.unstage("a").isPresent());
        assertFalse(s.unstage("a").isPresent(), "a second unstage finds nothing");
        assertEquals(List.of("b"), store().staged().stream().map(StoredPlugin::id).toList());
    }

    @Test
    void rollBackRestoresTheLastGoodSetAndRecordsEachChange() throws IOException {
        PluginStoreFiles s = store();
        stage(s, "keep", "1", jar("keep.jar", "keep"));
        stage(s, "old", "1", jar("old.jar", "old"));
        stage(s, "upd", "1", jar("upd1.jar", "upd one"));
        List<StoredPlugin> good = s.staged();
        s.markGood(good);

        stage(s, "new", "1", jar("new.jar", "new"));
        stage(s, "upd", "2", jar("upd2.jar", "upd two"));
        s.unstage("old");
        List<StoredPlugin> tried = s.staged();

        List<PluginFailure> recorded = s.rollBack(tried, "plugin new did not start: boom");
        assertTrue(PluginStoreFiles.sameSet(good, s.staged()), "the staged set is the last good one again");
        assertEquals(List.of("update upd 2", "install new 1", "uninstall old 1"),
                recorded.stream().map(f -> f.action() + " " + f.id() + " " + f.version()).toList());
        List<PluginFailure> persisted = store().failures();
        assertEquals(3, persisted.size());
        assertTrue(persisted.stream().allMatch(f -> f.reason().equals("plugin new did not start: boom")));

        // staging the id again (a fixed jar) clears its failure
        stage(s, "new", "1.0.1", jar("new-fixed.jar", "new fixed"));
        assertEquals(List.of("upd", "old"), s.failures().stream().map(PluginFailure::id).toList());
        s.unstage("upd");
        assertEquals(List.of("old"), s.failures().stream().map(PluginFailure::id).toList());
    }

    @Test
    void rollBackWithNoLastGoodSetMeansNoPlugins() throws IOException {
        PluginStoreFiles s = store();
        stage(s, "first", "1", jar("first.jar", "first"));
        s.rollBack(s.staged(), "does not resolve");
        assertEquals(List.of(), s.staged());
        assertEquals("install", s.failures().get(0).action());
    }

    @Test
    void garbageCollectionKeepsWhatAnyIndexOrTheRunningFrameworkUses() throws IOException {
        PluginStoreFiles s = store();
        StoredPlugin v1 = stage(s, "p", "1", jar("p1.jar", "p one"));
        s.markGood(s.staged());
        StoredPlugin v2 = stage(s, "p", "2", jar("p2.jar", "p two"));
        StoredPlugin gone = stage(s, "q", "1", jar("q.jar", "q"));
        s.unstage("q");
        s.startingWith(List.of());
        s.collectGarbage();
        assertTrue(Files.exists(v1.jars().get(0)), "the last good set's jar stays");
        assertTrue(Files.exists(v2.jars().get(0)), "the staged set's jar stays");
        assertFalse(Files.exists(gone.jars().get(0)), "an unstaged, never good jar goes");

        s.markGood(s.staged());
        s.collectGarbage();
        assertFalse(Files.exists(v1.jars().get(0)), "replaced everywhere: goes");
        try (Stream<Path> left = Files.list(tmp.resolve("data/plugins"))) {
            assertTrue(left.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temp files left behind");
        }
    }

    @Test
    void anUnreadableIndexIsTreatedAsEmptyRatherThanStoppingTheGateway() throws IOException {
        PluginStoreFiles s = store();
        Files.writeString(s.indexFile(), "{ not json");
        assertEquals(List.of(), s.staged());
        stage(s, "a", "1", jar("a.jar", "a"));
        assertEquals(1, s.staged().size(), "the next stage writes a good index");
    }
}
