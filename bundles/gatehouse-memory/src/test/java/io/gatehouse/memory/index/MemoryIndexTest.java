package io.gatehouse.memory.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BM25 over the chunks is not changed by the file documents that share the index; the nearest chunk is found. */
class MemoryIndexTest {
    @TempDir
    Path dir;

    @Test
    void keywordScoresAreThoseOfAnIndexOfTheChunksAlone() throws Exception {
        String[] words = "backup nightly postgres cluster copies bucket cold storage rotate password monday team".split(" ");
        Random r = new Random(7);
        List<MemoryIndex.ChunkDoc> chunks = new ArrayList<>();
        Map<String, Float> expected = new HashMap<>();
        try (MemoryIndex idx = MemoryIndex.open(dir.resolve("idx"));
                ByteBuffersDirectory plainDir = new ByteBuffersDirectory();
                IndexWriter plain = new IndexWriter(plainDir, new IndexWriterConfig(new Words()))) {
            for (int f = 0; f < 30; f++) {
                List<MemoryIndex.ChunkDoc> docs = new ArrayList<>();
                for (int c = 0; c < 1 + r.nextInt(4); c++) {
                    StringBuilder b = new StringBuilder();
                    for (int w = 5 + r.nextInt(40); w > 0; w--) {
                        b.append(words[r.nextInt(words.length)]).append(' ');
                    }
                    MemoryIndex.ChunkDoc d = new MemoryIndex.ChunkDoc("f" + f + "#" + c, "memory/f" + f + ".md", "memory", 1, 2,
                            "h" + f + c, b.toString(), 0, null);
                    docs.add(d);
                    chunks.add(d);
                    Document p = new Document();
                    p.add(new StringField("id", d.id(), Field.Store.YES));
                    p.add(new TextField("text", d.text(), Field.Store.NO));
                    plain.addDocument(p);
                }
                idx.putFile(new MemoryIndex.FileRecord("memory/f" + f + ".md", "memory", "x" + f, 1, 2, docs.size()), docs);
            }
            idx.commit(Map.of("version", "1"));
            plain.commit();
            try (DirectoryReader pr = DirectoryReader.open(plainDir)) {
                IndexSearcher ps = new IndexSearcher(pr);
                BooleanQuery q = new BooleanQuery.Builder().add(new TermQuery(new Term("text", "backup")), BooleanClause.Occur.MUST)
                        .add(new TermQuery(new Term("text", "cold")), BooleanClause.Occur.MUST).build();
                for (ScoreDoc sd : ps.search(q, 1000).scoreDocs) {
                    expected.put(ps.storedFields().document(sd.doc).get("id"), sd.score);
                }
            }
            List<MemoryIndex.Found> found = idx.keyword(List.of("backup", "cold"), 1000);
            assertTrue(found.size() > 3, "some chunks match");
            assertEquals(expected.size(), found.size());
            for (MemoryIndex.Found f : found) {
                assertEquals(expected.get(f.id()), f.score(), 0f, f.id());
            }
            for (int i = 1; i < found.size(); i++) {
                assertTrue(found.get(i - 1).score() >= found.get(i).score(), "best first");
            }
            assertEquals(new MemoryIndex.Counts(30, chunks.size(), chunks.size()), idx.counts());
        }
    }

    /**
     * One chunk unlike all others (a note about something else among many notes on one subject) is the
     * nearest to a query about it, and is found even when only a few are asked for. HNSW links such an
     * outlier from few nodes, and a search as narrow as k (4 for {@code --limit 1}) ended in the cluster.
     */
    @Test
    void theNearestChunkIsFoundWhenItIsUnlikeAllOthers() throws Exception {
        int dims = 64;
        Random r = new Random(11);
        float[] center = unit(gaussian(r, dims, 1));
        float[] outlier = unit(gaussian(r, dims, 1));
        Map<String, float[]> all = new HashMap<>();
        try (MemoryIndex idx = MemoryIndex.open(dir.resolve("idx"))) {
            for (int f = 0; f < 400; f++) {
                List<MemoryIndex.ChunkDoc> docs = new ArrayList<>();
                for (int c = 0; c < 4; c++) {
                    float[] v = gaussian(r, dims, 0.15);
                    for (int i = 0; i < dims; i++) {
                        v[i] += center[i];
                    }
                    v = unit(f == 170 && c == 0 ? outlier : v);
                    all.put("f" + f + "#" + c, v);
                    docs.add(new MemoryIndex.ChunkDoc("f" + f + "#" + c, "memory/f" + f + ".md", "memory", 1, 2, "h" + f + c,
                            "text", 0, v));
                }
                idx.putFile(new MemoryIndex.FileRecord("memory/f" + f + ".md", "memory", "x" + f, 1, 2, docs.size()), docs);
            }
            idx.commit(Map.of("version", "1"));
            float[] query = gaussian(r, dims, 0.3 / Math.sqrt(dims));
            for (int i = 0; i < dims; i++) {
                query[i] += outlier[i];
            }
            float[] q = unit(query);
            List<Map.Entry<String, Float>> exact = new ArrayList<>();
            for (Map.Entry<String, float[]> e : all.entrySet()) {
                exact.add(Map.entry(e.getKey(), VectorSimilarityFunction.DOT_PRODUCT.compare(q, e.getValue())));
            }
            exact.sort(Map.Entry.<String, Float>comparingByValue().reversed());
            assertEquals("f170#0", exact.get(0).getKey(), "the outlier is the nearest");
            for (int k : new int[] {1, 2, 4, 8, 24}) {
                List<MemoryIndex.Found> found = idx.nearest(q, k);
                assertEquals(exact.subList(0, k).stream().map(Map.Entry::getKey).toList(),
                        found.stream().map(MemoryIndex.Found::id).toList(), "k = " + k);
                for (int i = 0; i < k; i++) {
                    assertEquals(exact.get(i).getValue(), found.get(i).score(), 1e-6f, found.get(i).id());
                }
            }
            // above the exact search's limit: HNSW, k of its hits, best first, scored as the exact search
            idx.exactUpTo = 0;
            List<MemoryIndex.Found> approximate = idx.nearest(q, 24);
            assertEquals(24, approximate.size());
            for (int i = 0; i < approximate.size(); i++) {
                MemoryIndex.Found f = approximate.get(i);
                assertEquals(VectorSimilarityFunction.DOT_PRODUCT.compare(q, all.get(f.id())), f.score(), 1e-6f, f.id());
                assertTrue(i == 0 || approximate.get(i - 1).score() >= f.score(), "best first");
            }
        }
    }

    private static float[] gaussian(Random r, int dims, double sigma) {
        float[] v = new float[dims];
        for (int i = 0; i < dims; i++) {
            v[i] = (float) (sigma * r.nextGaussian());
        }
        return v;
    }

    private static float[] unit(float[] v) {
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(n));
        }
        return out;
    }
}
