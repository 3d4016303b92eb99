package io.gatehouse.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.gatehouse.api.memory.MemorySearch;
import io.gatehouse.memory.chunk.Chunk;
import io.gatehouse.memory.chunk.Chunker;
import io.gatehouse.memory.embed.Embedder;
import io.gatehouse.memory.embed.LocalMiniLm;
import io.gatehouse.testsupport.FakeConfigService;
import io.gatehouse.watch.FileWatchServiceImpl;

/**
 * Memory benchmark (bench/memory.sh): the memory component in process, on generated 4 KB Markdown files.
 * Keyword index of 1,000 and 10,000 files, incremental sync of one changed file, embedding throughput of the
 * local model, search p50/p99 over about 100,000 chunks (words only and hybrid with the local model embedding
 * each query), and searches during a rebuild of 10,000 files. To build indexes of 100,000 chunks in minutes,
 * chunk vectors there come from a cheap word-hashing embedder (the search cost does not depend on what the
 * vectors mean); query vectors always come from the real model.
 */
public final class MemoryBench {
    static final String[] WORDS = ("gateway memory agent index search vector keyword chunk file sync model config reload channel "
            + "route session transcript backup deploy freeze rotation launch postgres cluster snapshot kubernetes billing "
            + "invoice migration staging password rotate monday friday weekend oncall priya alice bob team decided schedule "
            + "nightly retention copies bucket cold storage latency budget incident review outage pager alert threshold "
            + "dashboard metric trace log level debug warning error retry timeout socket port restart drain plugin feature")
            .split(" ");

    /** Corpus: "uniform" (the 100 WORDS, each in ~70% of chunks: a worst case for BM25) or "zipf". */
    static String vocab = "uniform";
    /** The zipf corpus: WORDS first (the most frequent), then 20,000 generated words, Zipf (s = 1) over the ranks. */
    static String[] zipfWords;
    static double[] zipfCdf;

    final Path root;
    final Map<String, Object> results = new LinkedHashMap<>();
    LocalMiniLm model;

    MemoryBench(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path root = Path.of(o.getOrDefault("dir", Files.createTempDirectory("memory-bench").toString()));
        MemoryBench b = new MemoryBench(root);
        int small = Integer.parseInt(o.getOrDefault("small", "1000"));
        int large = Integer.parseInt(o.getOrDefault("large", "10000"));
        int chunkFiles = Integer.parseInt(o.getOrDefault("chunk-files", "10000"));
        int searchTokens = Integer.parseInt(o.getOrDefault("search-tokens", "180"));
        int embedChunks = Integer.parseInt(o.getOrDefault("embed-chunks", "300"));
        int searches = Integer.parseInt(o.getOrDefault("searches", "1000"));
        vocab = o.getOrDefault("vocab", "uniform");
        if (!vocab.equals("uniform") && !vocab.equals("zipf")) {
            throw new IllegalArgumentException("--vocab uniform|zipf");
        }
        b.results.put("vocab", vocab);
        b.model = LocalMiniLm.load(root.resolve("model-data"), 1);
        String only = o.getOrDefault("only", "index,embed,search,rebuild");
        if (only.contains("index")) {
            b.keywordIndex(small, "");
            b.keywordIndex(large, "");
            // the small index again in the now warm JVM (other files, another index): a gateway that has run a while
            b.keywordIndex(small, "-warm");
        }
        if (only.contains("embed")) {
            b.embedding(embedChunks);
            b.incrementalWithEmbeddings();
        }
        if (only.contains("search")) {
            b.searches(chunkFiles, searchTokens, searches);
        }
        if (only.contains("rebuild")) {
            if (!Files.isDirectory(root.resolve("ws-" + large))) {
                generate(root.resolve("ws-" + large), large, large);
            }
            b.rebuildWhileSearching(large);
        }
        b.model.close();
        System.out.println("RESULTS " + new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(b.results));
    }

    // ---- files

    static Path generate(Path ws, int files, long seed) throws IOException {
        Files.createDirectories(ws.resolve("memory"));
        Random r = new Random(seed);
        for (int i = 0; i < files; i++) {
            Files.writeString(ws.resolve("memory/note-" + i + ".md"), note(r, i));
        }
        return ws;
    }

    static String note(Random r, int i) {
        StringBuilder b = new StringBuilder("# Note " + i + "\n\n");
        while (b.length() < 4096) {
            b.append(word(r)).append(r.nextInt(12) == 0 ? ".\n" : " ");
        }
        return b.toString();
    }

    static String word(Random r) {
        if (!vocab.equals("zipf")) {
            return WORDS[r.nextInt(WORDS.length)];
        }
        zipf();
        int k = Arrays.binarySearch(zipfCdf, r.nextDouble());
        return zipfWords[Math.min(zipfWords.length - 1, k < 0 ? -k - 1 : k)];
    }

    static synchronized void zipf() {
        if (zipfWords != null) {
            return;
        }
        Random g = new Random(2024);
        String[] w = new String[WORDS.length + 20_000];
        System.arraycopy(WORDS, 0, w, 0, WORDS.length);
        String consonants = "bcdfghklmnprstvz";
        String vowels = "aeiou";
        java.util.Set<String> seen = new java.util.HashSet<>(Arrays.asList(WORDS));
        for (int i = WORDS.length; i < w.length;) {
            StringBuilder b = new StringBuilder();
            for (int k = 2 + g.nextInt(3); k > 0; k--) {
                b.append(consonants.charAt(g.nextInt(consonants.length()))).append(vowels.charAt(g.nextInt(vowels.length())));
            }
            if (seen.add(b.toString())) {
                w[i++] = b.toString();
            }
        }
        double[] cdf = new double[w.length];
        double sum = 0;
        for (int i = 0; i < w.length; i++) {
            sum += 1.0 / (i + 1);
            cdf[i] = sum;
        }
        for (int i = 0; i < cdf.length; i++) {
            cdf[i] /= sum;
        }
        zipfWords = w;
        zipfCdf = cdf;
    }

    /** A bench service over {@code ws}: provider none (words only), or local with the given chunk embedder. */
    final class Bench implements AutoCloseable {
        final FakeConfigService config;
        final MemoryService service = new MemoryService();
        final AtomicBoolean realChunks = new AtomicBoolean();

        Bench(Path ws, Path data, Map<String, Object> memorySearch) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("agents", Map.of("defaults", Map.of("workspace", ws.toString())));
            c.put("memorySearch", memorySearch);
            config = new FakeConfigService(c);
            service.bindConfig(config);
            service.bindWatcher(new FileWatchServiceImpl());
            service.start(data, s -> new BenchEmbedder(s.embedderKey()));
        }

        void set(Map<String, Object> memorySearch, Path ws) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("agents", Map.of("defaults", Map.of("workspace", ws.toString())));
            c.put("memorySearch", memorySearch);
            config.set(c);
            service.apply(config.current());
        }

        AgentMemory agent() {
            return service.agent("main");
        }

        AgentMemory.SyncReport sync() throws Exception {
            return service.sync("main", false).get(2, TimeUnit.HOURS);
        }

        @SuppressWarnings("unchecked")
        int status(String key) {
            Object v = agent().status().get(key);
            return v instanceof Number n ? n.intValue() : -1;
        }

        @Override
        public void close() {
            service.deactivate();
        }

        /** Chunks: word hashing (or the real model); queries: always the real model. */
        final class BenchEmbedder implements Embedder {
            final String key;

            BenchEmbedder(String key) {
                this.key = key;
            }

            @Override
            public String key() {
                return key;
            }

            @Override
            public List<float[]> embed(List<String> texts) throws IOException {
                if (realChunks.get()) {
                    return model.embed(texts);
                }
                List<float[]> out = new ArrayList<>();
                for (String t : texts) {
                    out.add(hashing(t));
                }
                return out;
            }

            @Override
            public float[] embed(String query) throws IOException {
                return model.embed(query);
            }

            @Override
            public void close() {
            }
        }
    }

    static float[] hashing(String text) {
        float[] v = new float[384];
        for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            if (!w.isEmpty()) {
                int h = w.hashCode();
                v[Math.floorMod(h, 384)] += 1;
                v[Math.floorMod(h * 31 + 7, 384)] -= 0.5f;
            }
        }
        return Embedder.normalize(v);
    }

    // ---- phases

    void keywordIndex(int files, String tag) throws Exception {
        Path ws = generate(root.resolve("ws-" + files + tag), files, files + tag.length());
        try (Bench b = new Bench(ws, root.resolve("data-kw-" + files + tag), Map.of("provider", "none"))) {
            long t0 = System.nanoTime();
            AgentMemory.SyncReport r = b.sync();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long fullCpu = syncCpu();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("files", b.status("files"));
            m.put("chunks", b.status("chunks"));
            m.put("ms", ms);
            m.put("filesPerSecond", Math.round(files * 1000.0 / ms));
            m.put("syncThreadCpuMs", fullCpu / 1_000_000);
            m.put("error", r.error());
            m.put("mergesSettledAfterMs", settle(b));
            // one changed file, 20 times
            long[] inc = new long[20];
            long[] incCpu = new long[20];
            Random rnd = new Random(3);
            for (int i = 0; i < inc.length; i++) {
                Path f = ws.resolve("memory/note-" + rnd.nextInt(files) + ".md");
                Files.writeString(f, Files.readString(f).replaceFirst("\n\n", "\n\nchanged " + i + " "));
                long c0 = syncCpu();
                long s0 = System.nanoTime();
                b.agent().filesChanged(Set.of(f));
                b.agent().requestSync("bench", false, false).get(1, TimeUnit.MINUTES);
                inc[i] = System.nanoTime() - s0;
                incCpu[i] = syncCpu() - c0;
                Thread.sleep(200); // not a wait for an effect: changes 200 ms apart, as an editor saves them
            }
            m.put("incrementalOneFileMs", percentiles(inc));
            m.put("incrementalOneFileSyncThreadCpuMs", percentiles(incCpu));
            results.put("keywordIndex" + files + tag, m);
            System.out.println("keyword index " + files + tag + ": " + m);
        }
    }

    void embedding(int chunks) throws Exception {
        List<String> texts = new ArrayList<>();
        Random r = new Random(11);
        for (int i = 0; texts.size() < chunks; i++) {
            for (Chunk c : Chunker.chunk(note(r, i), 400, 80)) {
                texts.add(c.text());
            }
        }
        texts = texts.subList(0, chunks);
        model.embed(texts.subList(0, 5));
        long t0 = System.nanoTime();
        model.embed(texts);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long[] q = new long[200];
        for (int i = 0; i < q.length; i++) {
            long s0 = System.nanoTime();
            model.embed(query(r));
            q[i] = System.nanoTime() - s0;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("chunks", chunks);
        m.put("ms", ms);
        m.put("chunksPerSecond", Math.round(chunks * 10000.0 / ms) / 10.0);
        m.put("filesPerSecond4KB", Math.round(chunks * 10000.0 / ms / 3.0) / 10.0);
        m.put("queryEmbeddingMs", percentiles(q));
        results.put("embedding", m);
        System.out.println("embedding: " + m);
    }

    void incrementalWithEmbeddings() throws Exception {
        int files = 50;
        Path ws = generate(root.resolve("ws-embed"), files, 99);
        try (Bench b = new Bench(ws, root.resolve("data-embed"), Map.of())) {
            b.realChunks.set(true);
            long t0 = System.nanoTime();
            b.sync();
            long full = (System.nanoTime() - t0) / 1_000_000;
            long[] inc = new long[10];
            Random rnd = new Random(5);
            for (int i = 0; i < inc.length; i++) {
                Path f = ws.resolve("memory/note-" + rnd.nextInt(files) + ".md");
                // one line near the end changed: its chunk (and any overlapping one) is embedded again
                String s = Files.readString(f);
                Files.writeString(f, s.substring(0, s.length() - 20) + " edit" + i + "\n");
                long s0 = System.nanoTime();
                b.agent().filesChanged(Set.of(f));
                AgentMemory.SyncReport r = b.agent().requestSync("bench", false, false).get(1, TimeUnit.MINUTES);
                inc[i] = System.nanoTime() - s0;
                if (r.embedded() < 1) {
                    throw new IllegalStateException("nothing embedded: " + r);
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("files", files);
            m.put("fullSyncMs", full);
            m.put("incrementalOneFileMs", percentiles(inc));
            results.put("incrementalWithEmbeddings", m);
            System.out.println("incremental with embeddings: " + m);
        }
    }

    /** Two words: any two of WORDS (uniform), or two content words of ranks 100-5,000 (zipf). */
    String query(Random r) {
        if (!vocab.equals("zipf")) {
            return WORDS[r.nextInt(WORDS.length)] + " " + WORDS[r.nextInt(WORDS.length)];
        }
        zipf();
        return zipfWords[WORDS.length + r.nextInt(4_900)] + " " + zipfWords[WORDS.length + r.nextInt(4_900)];
    }

    static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** CPU time (ns) of the agent's sync thread so far; -1 when it is not found. */
    static long syncCpu() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("gatehouse-memory-sync-main")) {
                return THREADS.getThreadCpuTime(t.getId());
            }
        }
        return -1;
    }

    /** Waits (at most 10 minutes) until Lucene's background merges of the full sync are done; the ms waited. */
    static long settle(Bench b) throws InterruptedException {
        long t0 = System.nanoTime();
        while (b.agent().merging() && System.nanoTime() - t0 < TimeUnit.MINUTES.toNanos(10)) {
            Thread.sleep(100);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    void searches(int files, int tokens, int n) throws Exception {
        Path ws = generate(root.resolve("ws-search"), files, 1234);
        // smaller chunks than the default make ~100,000 chunks out of 10,000 files of 4 KB
        try (Bench b = new Bench(ws, root.resolve("data-search"), Map.of("chunking", Map.of("tokens", tokens, "overlap", tokens / 5)))) {
            long t0 = System.nanoTime();
            b.sync();
            long build = (System.nanoTime() - t0) / 1_000_000;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("files", b.status("files"));
            m.put("chunks", b.status("chunks"));
            m.put("buildMs", build);
            m.put("mergesSettledAfterMs", settle(b));
            Random r = new Random(77);
            for (int i = 0; i < 50; i++) {
                b.agent().search(query(r), 6, true);
                b.agent().search(query(r), 6, false);
            }
            long[] kw = new long[n];
            long[] hy = new long[n];
            long[] kwCpu = new long[n];
            long[] hyCpu = new long[n];
            int hits = 0;
            for (int i = 0; i < n; i++) {
                String q = query(r);
                long c0 = THREADS.getCurrentThreadCpuTime();
                long s0 = System.nanoTime();
                hits += b.agent().search(q, 6, true).hits().size() > 0 ? 1 : 0;
                kw[i] = System.nanoTime() - s0;
                kwCpu[i] = THREADS.getCurrentThreadCpuTime() - c0;
                c0 = THREADS.getCurrentThreadCpuTime();
                s0 = System.nanoTime();
                b.agent().search(q, 6, false);
                hy[i] = System.nanoTime() - s0;
                hyCpu[i] = THREADS.getCurrentThreadCpuTime() - c0;
            }
            m.put("keywordMs", percentiles(kw));
            m.put("hybridMs", percentiles(hy));
            m.put("keywordCpuMs", percentiles(kwCpu));
            m.put("hybridCpuMs", percentiles(hyCpu));
            m.put("keywordQueriesWithHits", hits);
            results.put("search", m);
            System.out.println("search: " + m);
        }
    }

    void rebuildWhileSearching(int files) throws Exception {
        Path ws = root.resolve("ws-" + files);
        try (Bench b = new Bench(ws, root.resolve("data-rebuild"), Map.of())) {
            b.sync();
            Random r = new Random(9);
            b.set(Map.of("chunking", Map.of("tokens", 300, "overlap", 60)), ws);
            List<Long> lat = new ArrayList<>();
            List<Long> paced = new ArrayList<>();
            int stale = 0;
            long t0 = System.nanoTime();
            // until the new index is swapped in (chunk count changes) or 10 minutes; 9 searches back to back,
            // then one after 50 ms without searching (as an agent's turns come: apart)
            int chunksBefore = b.status("chunks");
            for (int i = 0; b.status("chunks") == chunksBefore && System.nanoTime() - t0 < TimeUnit.MINUTES.toNanos(10); i++) {
                boolean pause = i % 10 == 9;
                if (pause) {
                    Thread.sleep(50); // not a wait for an effect: the pause between two turns
                }
                long s0 = System.nanoTime();
                MemorySearch.Result res = b.agent().search(query(r), 6, false);
                (pause ? paced : lat).add(System.nanoTime() - s0);
                stale += res.stale() ? 1 : 0;
            }
            long rebuild = (System.nanoTime() - t0) / 1_000_000;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("files", files);
            m.put("rebuildMs", rebuild);
            m.put("searches", lat.size() + paced.size());
            m.put("staleAnswers", stale);
            m.put("hybridMs", percentiles(lat.stream().mapToLong(Long::longValue).toArray()));
            m.put("hybridAfter50msPauseMs", percentiles(paced.stream().mapToLong(Long::longValue).toArray()));
            results.put("searchDuringRebuild", m);
            System.out.println("search during rebuild: " + m);
        }
    }

    static Map<String, Object> percentiles(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        Map<String, Object> m = new LinkedHashMap<>();
        if (s.length == 0) {
            return m;
        }
        m.put("p50", ms(s[(int) Math.floor(0.50 * (s.length - 1))]));
        m.put("p99", ms(s[(int) Math.floor(0.99 * (s.length - 1))]));
        m.put("max", ms(s[s.length - 1]));
        m.put("n", s.length);
        return m;
    }

    static double ms(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }
}
