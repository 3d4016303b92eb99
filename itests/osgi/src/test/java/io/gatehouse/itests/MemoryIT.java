package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import io.gatehouse.api.channel.InboundMessage;
import io.gatehouse.api.channel.MessageSink;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.memory.MemorySearch;
import io.gatehouse.api.routing.RouteRequest;
import io.gatehouse.itests.support.ConfigFile;
import io.gatehouse.itests.support.Gatehouse;
import io.gatehouse.itests.support.LauncherServices;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.Poll;
import io.gatehouse.itests.support.Shell;
import io.gatehouse.support.shell.ShellProtocol;

/**
 * The memory bundle in a real framework with the local model: notes are found after a sync by words and
 * by meaning, edits and deletions follow, transcripts are batched, the index survives a restart of the
 * bundle (and so a new class loader for the native model) and a corrupted index is rebuilt.
 */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(ServiceExtension.class)
class MemoryIT {
    static final RouteRequest BOB = new RouteRequest("webchat", null, new RouteRequest.Peer("direct", "bob-memory"), null, null,
            List.of(), null);

    @InjectService(timeout = 30_000)
    ConfigService config;

    ConfigFile configFile;
    Path ws;
    Path data;

    @BeforeAll
    static void gatewayUp(LauncherServices launcher) {
        Gatehouse.awaitHealthy(launcher);
    }

    @BeforeEach
    void setUp() throws Exception {
        BundleContext ctx = FrameworkUtil.getBundle(MemoryIT.class).getBundleContext();
        configFile = ConfigFile.of(MemoryIT.class, ".memory-restore.tmp");
        data = Path.of(ctx.getProperty("gatehouse.data")).toAbsolutePath();
        ws = data.getParent().resolve("memory-ws-" + Long.toString(System.nanoTime(), 36));
        Files.createDirectories(ws.resolve("memory"));
        Files.writeString(ws.resolve("MEMORY.md"), "# Long-term\n\nThe staging database password rotates every Monday.\n");
        Files.writeString(ws.resolve("memory/backups.md"),
                "# Backups\n\nThe nightly backup of the Postgres cluster starts at 02:00 UTC and keeps 14 copies.\n");
        Files.writeString(ws.resolve("memory/2026-03-02.md"),
                "The team decided to migrate the billing service to Kubernetes in March.\n");
        config.set("agents", Map.of("defaults", Map.of("workspace", ws.toString())), "itest");
    }

    @AfterEach
    void restore() throws Exception {
        configFile.restore(config, () -> config.current().get("agents").isEmpty()
                && config.current().get("memorySearch").isEmpty() && config.current().get("bindings").isEmpty());
    }

    static MemorySearch memory() {
        BundleContext ctx = FrameworkUtil.getBundle(MemoryIT.class).getBundleContext();
        var ref = ctx.getServiceReference(MemorySearch.class);
        return ref == null ? null : ctx.getService(ref);
    }

    static List<String> paths(String query) {
        return paths("main", query);
    }

    static List<String> paths(String agent, String query) {
        MemorySearch m = memory();
        return m == null ? List.of() : m.search(agent, query, 6).stream().map(MemorySearch.Hit::path).toList();
    }

    static ShellProtocol.Result shell(LauncherServices launcher, String command) throws Exception {
        return Shell.run(launcher.adminSocket().port(), launcher.adminToken(), command);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> status(LauncherServices launcher) throws Exception {
        return status(launcher, "main");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> status(LauncherServices launcher, String agent) throws Exception {
        ShellProtocol.Result r = shell(launcher, "memory:status --json --agent " + agent);
        assertEquals(0, r.exit(), r::toString);
        return (Map<String, Object>) ((List<Object>) Gatehouse.json(r.out()).get("agents")).get(0);
    }

    /** The agent's memory covers the test workspace and has embedded everything. */
    static Map<String, Object> synced(LauncherServices launcher, String workspace) {
        return synced(launcher, "main", workspace);
    }

    static Map<String, Object> synced(LauncherServices launcher, String agent, String workspace) {
        return Poll.until("memory of " + agent + " synced with " + workspace, Duration.ofSeconds(90), () -> status(launcher, agent),
                s -> workspace.equals(s.get("workspace")) && Integer.valueOf(0).equals(s.get("pendingEmbeddings"))
                        && "0".equals(s.get("dirty")) && Boolean.FALSE.equals(s.get("syncing"))
                        && Boolean.FALSE.equals(s.get("rebuilding")) && s.get("error") == null);
    }

    @Test
    void anEditedFileIsFoundAfterSyncAndADeletedOneIsGone(LauncherServices launcher) throws Exception {
        synced(launcher, ws.toString());
        assertEquals("memory/backups.md", paths("Postgres backup copies").get(0));

        Files.writeString(ws.resolve("memory/backups.md"), "# Backups\n\nSnapshots of the Cassandra ring go to the cold bucket.\n");
        ShellProtocol.Result sync = shell(launcher, "memory:sync --agent main");
        assertEquals(0, sync.exit(), sync::toString);
        assertTrue(sync.out().contains("1 indexed"), sync.out());
        assertEquals("memory/backups.md", paths("Cassandra snapshots cold bucket").get(0));
        assertFalse(paths("Postgres backup copies").contains("memory/backups.md"));

        Files.delete(ws.resolve("memory/backups.md"));
        sync = shell(launcher, "memory:sync --agent main");
        assertTrue(sync.out().contains("1 removed"), sync.out());
        assertFalse(paths("Cassandra snapshots cold bucket").contains("memory/backups.md"));

        ShellProtocol.Result search = shell(launcher, "memory:search --json --agent main Monday password");
        Map<String, Object> found = Gatehouse.json(search.out());
        List<?> hits = (List<?>) found.get("hits");
        assertEquals("MEMORY.md", ((Map<?, ?>) hits.get(0)).get("path"), search::toString);
        assertEquals("memory", ((Map<?, ?>) hits.get(0)).get("source"));
        assertEquals(Boolean.FALSE, found.get("stale"));
    }

    @Test
    void aParaphraseWithNoSharedWordFindsTheNoteThroughTheLocalModel(LauncherServices launcher) throws Exception {
        synced(launcher, ws.toString());
        assertEquals(List.of(), MemorySearchWords.shared("when do we move invoicing onto k8s?",
                Files.readString(ws.resolve("memory/2026-03-02.md"))));
        MemorySearch.Result r = Poll.until("an answer with the model loaded", Duration.ofSeconds(60),
                () -> memory().query("main", "when do we move invoicing onto k8s?", 6), x -> !x.stale());
        assertFalse(r.hits().isEmpty(), "the paraphrase found nothing");
        assertEquals("memory/2026-03-02.md", r.hits().get(0).path(), r::toString);
        Map<String, Object> s = Gatehouse.json(shell(launcher, "memory:status --json").out());
        assertEquals("ready", ((Map<?, ?>) s.get("model")).get("state"), s::toString);
    }

    @Test
    void transcriptsAreIndexedInBatchesOnceTheirThresholdIsReached(LauncherServices launcher,
            @InjectService(timeout = 30_000) MessageSink sink) throws Exception {
        // an agent of its own, so its transcript holds only this test's messages (a new one each run: the
        // itest home outlives a build that is not clean)
        String scribe = "scribe-" + Long.toString(System.nanoTime(), 36);
        config.set("agents", Map.of("defaults", Map.of("workspace", ws.toString()),
                "list", List.of(Map.of("id", "main", "default", true), Map.of("id", scribe))), "itest");
        config.set("bindings", List.of(Map.of("agentId", scribe, "match",
                Map.of("channel", "webchat", "peer", Map.of("kind", "direct", "id", "bob-memory")))), "itest");
        config.set("memorySearch", Map.of("sources", List.of("memory", "sessions"), "query", Map.of("minScore", 0.05),
                "sync", Map.of("sessions", Map.of("deltaMessages", 6, "deltaBytes", 10_000_000))), "itest");
        synced(launcher, scribe, ws.toString());
        String word = "zebra" + Long.toString(System.nanoTime(), 36);
        int batches = batches(status(launcher, scribe));
        // one message: a user line and an assistant line, below the threshold of 6
        sink.deliver(new InboundMessage(BOB, "remember the " + word + " protocol", System.currentTimeMillis()), d -> { })
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        Map<String, Object> below = Poll.until("the first batch counted", Duration.ofSeconds(30), () -> status(launcher, scribe),
                s -> batches(s) > batches);
        assertTrue(String.valueOf(below.get("transcripts")).contains("messages=2"), below::toString);
        assertFalse(sessionsHit(scribe, word), "indexed before the threshold");

        // two more: six new lines in all, the threshold
        for (int i = 0; i < 2; i++) {
            sink.deliver(new InboundMessage(BOB, "and again " + i, System.currentTimeMillis()), d -> { })
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        Poll.until("the transcript indexed after the batch", Duration.ofSeconds(30), () -> sessionsHit(scribe, word), Boolean.TRUE::equals);
    }

    static boolean sessionsHit(String agent, String word) {
        MemorySearch m = memory();
        return m != null && m.search(agent, word, 6).stream()
                .anyMatch(h -> h.source().equals("sessions") && h.snippet().contains(word) && h.path().startsWith("sessions/"));
    }

    static int batches(Map<String, Object> s) {
        return s.get("transcripts") instanceof Map<?, ?> t && t.get("batches") instanceof Number n ? n.intValue() : -1;
    }

    @Test
    void theIndexSurvivesARestartAndACorruptedOneIsRebuilt(LauncherServices launcher) throws Exception {
        Map<String, Object> before = synced(launcher, ws.toString());
        String indexDir = (String) before.get("index");
        Bundle bundle = memoryBundle();

        bundle.stop();
        bundle.start();
        Map<String, Object> after = synced(launcher, ws.toString());
        assertEquals(indexDir, after.get("index"), "the same index serves after the restart");
        Map<?, ?> last = (Map<?, ?>) after.get("lastSync");
        assertEquals(0, last.get("indexed"), after::toString);
        assertEquals(0, last.get("embedded"), after::toString);
        assertEquals("memory/backups.md", paths("Postgres backup copies").get(0));
        // the model loads again, in the bundle's new class loader; until it is ready answers are stale
        MemorySearch.Result r = Poll.until("the paraphrase answered by the reloaded model", Duration.ofSeconds(60),
                () -> memory().query("main", "when do we move invoicing onto k8s?", 6), x -> !x.stale());
        assertEquals("memory/2026-03-02.md", r.hits().get(0).path(), r::toString);

        bundle.stop();
        corrupt(Path.of(indexDir));
        bundle.start();
        Map<String, Object> rebuilt = synced(launcher, ws.toString());
        assertNotEquals(indexDir, rebuilt.get("index"), "a new index replaced the corrupt one");
        assertFalse(Files.exists(Path.of(indexDir)), "the corrupt index was removed");
        assertEquals(3, rebuilt.get("files"));
        assertEquals("memory/backups.md", paths("Postgres backup copies").get(0));
    }

    static Bundle memoryBundle() {
        for (Bundle b : FrameworkUtil.getBundle(MemoryIT.class).getBundleContext().getBundles()) {
            if (b.getSymbolicName().equals("io.gatehouse.memory")) {
                return b;
            }
        }
        throw new AssertionError("no memory bundle");
    }

    /** Overwrites the middle of every index file with garbage (the write lock aside). */
    static void corrupt(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> !p.getFileName().toString().equals("write.lock")).toList()) {
                try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                    long len = raf.length();
                    if (len > 8) {
                        raf.seek(len / 2);
                        raf.write(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef});
                    }
                }
            }
        }
    }

    /** The words two texts share, as the memory index splits them. */
    static final class MemorySearchWords {
        static List<String> shared(String a, String b) {
            List<String> wa = words(a);
            List<String> wb = words(b);
            return wa.stream().filter(wb::contains).distinct().toList();
        }

        static List<String> words(String s) {
            return java.util.regex.Pattern.compile("[\\p{L}\\p{N}_]+").matcher(s.toLowerCase(java.util.Locale.ROOT)).results()
                    .map(java.util.regex.MatchResult::group).toList();
        }
    }
}
