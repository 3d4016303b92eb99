package io.gatehouse.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.gatehouse.api.memory.MemorySearch;
import io.gatehouse.testsupport.FakeConfigService;
import io.gatehouse.watch.FileWatchServiceImpl;

/** The memory component on real files, a real watcher and the local model, outside a framework. */
class MemoryServiceTest {
    @TempDir
    Path home;
    Path ws;
    FakeConfigService config;
    MemoryService memory;
    FileWatchServiceImpl watcher = new FileWatchServiceImpl();

    @BeforeEach
    void setUp() throws Exception {
        ws = home.resolve("workspace");
        Files.createDirectories(ws.resolve("memory"));
        Files.writeString(ws.resolve("MEMORY.md"), "# Long-term\n\nThe staging database password rotates every Monday.\n");
        Files.writeString(ws.resolve("memory/backups.md"),
                "# Backups\n\nThe nightly backup of the Postgres cluster starts at 02:00 UTC and keeps 14 copies.\n");
        Files.writeString(ws.resolve("memory/pets.md"), "# Pets\n\nMy cat is called Miso and sleeps on the radiator.\n");
        Files.writeString(ws.resolve("memory/2026-03-02.md"),
                "The team decided to migrate the billing service to Kubernetes in March.\n");
        config = new FakeConfigService(config(Map.of()));
        memory = new MemoryService();
        memory.bindConfig(config);
        memory.bindWatcher(watcher);
        memory.start(home.resolve("data"));
    }

    Map<String, Object> config(Map<String, Object> memorySearch) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("agents", Map.of("defaults", Map.of("workspace", ws.toString())));
        c.put("memorySearch", memorySearch);
        return c;
    }

    @AfterEach
    void tearDown() {
        memory.deactivate();
    }

    static void until(String what, BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    List<String> paths(String query) {
        return memory.search("main", query, 6).stream().map(MemorySearch.Hit::path).toList();
    }

    @Test
    void findsByWordsAndByMeaning() throws Exception {
        AgentMemory.SyncReport r = memory.sync("main", false).get(60, TimeUnit.SECONDS);
        assertEquals(null, r.error());
        until("vectors", () -> ((Integer) memory.agent("main").status().get("pendingEmbeddings")) == 0);
        assertEquals("memory/backups.md", paths("Postgres backup").get(0));
        // no word in common with the note
        List<String> byMeaning = paths("when do we move invoicing onto k8s?");
        assertFalse(byMeaning.isEmpty(), "paraphrase found nothing");
        assertEquals("memory/2026-03-02.md", byMeaning.get(0), byMeaning::toString);
        MemorySearch.Hit h = memory.search("main", "cat radiator", 6).get(0);
        assertEquals("memory/pets.md", h.path());
        assertEquals(1, h.startLine());
        assertEquals(4, h.endLine()); // as the reference: the text ends with a newline, so an empty 4th line
        assertEquals("memory", h.source());
        assertTrue(h.snippet().contains("Miso"));
    }

    /**
     * With the defaults and the shipped model, a question finds the note that answers it though they share no
     * word (the floor for that model is {@link MemorySettings#MIN_SCORE_LOCAL}), and a question the notes
     * know nothing about finds nothing.
     */
    @Test
    void questionsFindTheNoteThatAnswersThemAndOthersFindNothing() throws Exception {
        Files.writeString(ws.resolve("memory/oncall.md"), "# On-call\n\nPriya covers the week of the launch. Marco takes the "
                + "weekend after.\nPager escalation: after 10 minutes without acknowledgement, page the team lead.\n");
        Files.writeString(ws.resolve("memory/travel.md"), "# Team offsite\n\nThe offsite is in Lisbon from June 3 to June 6. "
                + "Flights are booked through the travel desk.\nHotel: Casa do Rio, near the river. Dinner on June 4 at 19:30.\n");
        Files.writeString(ws.resolve("memory/security.md"), "# Security\n\nLaptops must use full-disk encryption. SSH keys are "
                + "ed25519 only.\nReport a lost device to security@example.com within one hour.\n");
        AgentMemory.SyncReport r = memory.sync("main", false).get(60, TimeUnit.SECONDS);
        assertEquals(null, r.error());
        until("vectors", () -> ((Integer) memory.agent("main").status().get("pendingEmbeddings")) == 0);
        Map<String, String> answers = new LinkedHashMap<>();
        answers.put("who is on call during the launch", "memory/oncall.md");
        answers.put("what happens if nobody answers the pager", "memory/oncall.md");
        answers.put("where do we stay in Lisbon", "memory/travel.md");
        answers.put("what time is dinner at the offsite", "memory/travel.md");
        answers.put("I lost my laptop, what do I do", "memory/security.md");
        answers.put("which ssh key type is allowed", "memory/security.md");
        answers.put("when do we move invoicing onto k8s?", "memory/2026-03-02.md");
        answers.forEach((question, note) -> {
            List<MemorySearch.Hit> hits = memory.search("main", question, 6);
            assertFalse(hits.isEmpty(), question + ": nothing found");
            assertEquals(note, hits.get(0).path(), question + ": " + hits);
        });
        for (String unrelated : List.of("what is the capital of Australia", "recipe for banana bread",
                "how do I center a div in css", "who won the football world cup", "play some music")) {
            assertEquals(List.of(), memory.search("main", unrelated, 6), unrelated);
        }
    }

    @Test
    void anEditedFileIsFoundAndADeletedOneIsGone() throws Exception {
        memory.sync("main", false).get(60, TimeUnit.SECONDS);
        Files.writeString(ws.resolve("memory/pets.md"), "# Pets\n\nThe parrot Kiwi whistles the Marseillaise.\n");
        until("edited note found", () -> paths("parrot whistles").contains("memory/pets.md"));
        assertFalse(paths("Miso radiator").contains("memory/pets.md"));
        Files.delete(ws.resolve("memory/pets.md"));
        until("deleted note gone", () -> !paths("parrot whistles").contains("memory/pets.md"));
    }

    @Test
    void anAgentsOwnMemorySearchOverridesTheGlobalSection() throws Exception {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("agents", Map.of("defaults", Map.of("workspace", ws.toString(), "memorySearch", Map.of("query", Map.of("minScore", 0.2))),
                "list", List.of(Map.of("id", "main"), Map.of("id", "notes", "memorySearch", Map.of("provider", "none",
                        "chunking", Map.of("tokens", 200), "query", Map.of("maxResults", 1))))));
        c.put("memorySearch", Map.of("query", Map.of("maxResults", 4, "hybrid", Map.of("vectorWeight", 0.6, "textWeight", 0.4))));
        config.set(c);
        memory.apply(config.current());
        MemorySettings main = memory.agent("main").scope().settings();
        MemorySettings notes = memory.agent("notes").scope().settings();
        assertEquals(4, main.query().maxResults());
        assertEquals(0.2, main.query().minScore(), 1e-9);
        assertEquals(400, main.tokens());
        assertEquals("local", main.providerKind());
        assertEquals(1, notes.query().maxResults());
        assertEquals(0.2, notes.query().minScore(), 1e-9);
        assertEquals(0.6, notes.query().vectorWeight(), 1e-9);
        assertEquals(200, notes.tokens());
        assertEquals("none", notes.providerKind());
        assertEquals(null, memory.sync("notes", false).get(60, TimeUnit.SECONDS).error());
        List<MemorySearch.Hit> hits = memory.search("notes", "nightly backup Postgres", 0);
        assertEquals(1, hits.size(), hits::toString);
        assertEquals("memory/backups.md", hits.get(0).path());
        assertEquals("none", memory.agent("notes").status().get("indexEmbedder"));
    }
}
