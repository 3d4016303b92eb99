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
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BM25 over the chunks is not changed by the file documents that share the index. */
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
}
