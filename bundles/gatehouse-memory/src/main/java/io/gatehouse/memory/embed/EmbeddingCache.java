package io.gatehouse.memory.embed;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * Vectors by chunk hash, for one embedder ({@code data/memory/cache/<embedder>/}), shared by every agent:
 * an unchanged chunk is never embedded twice, not after an edit elsewhere in its file, a rebuild, or a
 * file that left and came back. Committed with the indexes.
 */
public final class EmbeddingCache implements Closeable {
    private static final String HASH = "hash";
    private static final String VECTOR = "vec";
    private static final String AT = "at";

    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final int maxEntries;

    public EmbeddingCache(Path dir, int maxEntries) throws IOException {
        this.directory = FSDirectory.open(dir);
        try {
            IndexWriterConfig c = new IndexWriterConfig(new StandardAnalyzer());
            c.setCommitOnClose(true);
            this.writer = new IndexWriter(directory, c);
            this.searchers = new SearcherManager(writer, null);
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
        this.maxEntries = maxEntries;
    }

    /** The cached vectors of these hashes (those found). */
    public Map<String, float[]> get(List<String> hashes) throws IOException {
        Map<String, float[]> out = new HashMap<>();
        searchers.maybeRefresh();
        IndexSearcher s = searchers.acquire();
        try {
            for (String h : hashes) {
                if (out.containsKey(h)) {
                    continue;
                }
                TopDocs top = s.search(new TermQuery(new Term(HASH, h)), 1);
                if (top.scoreDocs.length > 0) {
                    BytesRef b = s.storedFields().document(top.scoreDocs[0].doc).getBinaryValue(VECTOR);
                    if (b != null) {
                        out.put(h, decode(b));
                    }
                }
            }
        } finally {
            searchers.release(s);
        }
        return out;
    }

    public void put(String hash, float[] vector) throws IOException {
        Document d = new Document();
        d.add(new StringField(HASH, hash, Field.Store.NO));
        d.add(new StoredField(VECTOR, encode(vector)));
        long now = System.currentTimeMillis();
        d.add(new LongPoint(AT, now));
        d.add(new NumericDocValuesField(AT, now));
        writer.updateDocument(new Term(HASH, hash), d);
    }

    /** Makes the entries durable; drops the oldest beyond {@code maxEntries} (0: no limit). */
    public void commit() throws IOException {
        if (maxEntries > 0) {
            searchers.maybeRefreshBlocking();
            IndexSearcher s = searchers.acquire();
            try {
                int n = s.getIndexReader().numDocs();
                if (n > maxEntries) {
                    TopDocs oldest = s.search(new MatchAllDocsQuery(), n - maxEntries,
                            new Sort(new SortField(AT, SortField.Type.LONG)));
                    for (ScoreDoc sd : oldest.scoreDocs) {
                        writer.tryDeleteDocument(s.getIndexReader(), sd.doc);
                    }
                }
            } finally {
                searchers.release(s);
            }
        }
        if (writer.hasUncommittedChanges()) {
            writer.commit();
        }
    }

    public int size() throws IOException {
        searchers.maybeRefresh();
        IndexSearcher s = searchers.acquire();
        try {
            return s.getIndexReader().numDocs();
        } finally {
            searchers.release(s);
        }
    }

    static BytesRef encode(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return new BytesRef(b.array());
    }

    static float[] decode(BytesRef r) {
        ByteBuffer b = ByteBuffer.wrap(r.bytes, r.offset, r.length).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[r.length / 4];
        b.asFloatBuffer().get(v);
        return v;
    }

    @Override
    public void close() throws IOException {
        try {
            searchers.close();
            writer.close();
        } finally {
            directory.close();
        }
    }
}
