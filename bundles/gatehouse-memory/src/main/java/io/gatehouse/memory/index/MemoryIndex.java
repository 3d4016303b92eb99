package io.gatehouse.memory.index;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.NRTCachingDirectory;
import org.apache.lucene.util.Bits;

/**
 * One Lucene index of one agent's memory. Each file is a {@code file} document (path, source, content
 * hash, mtime, size) plus one {@code chunk} document per chunk (text for BM25, the vector for HNSW when it
 * is known, else the {@code pending} mark); a file's documents are replaced together, so any commit is
 * consistent file by file. The sync thread alone writes; searches use a searcher refreshed after each
 * commit, so they see the last committed index and never wait for a writer.
 */
public final class MemoryIndex implements Closeable {
    static final String KIND = "kind";
    static final String KIND_FILE = "file";
    static final String KIND_CHUNK = "chunk";
    static final String PATH = "path";
    static final String FILE_PATH = "fpath";
    static final String SOURCE = "source";
    static final String ID = "id";
    static final String HASH = "hash";
    static final String FILE_HASH = "fhash";
    static final String TEXT = "text";
    static final String VECTOR = "vec";
    static final String PENDING = "pending";
    static final String START = "start";
    static final String END = "end";
    static final String MTIME = "mtime";
    static final String SIZE = "size";
    static final String CHUNKS = "chunks";

    /** A file as indexed. */
    public record FileRecord(String path, String source, String hash, long mtime, long size, int chunks) {
    }

    /** A chunk to index; {@code vector} null when it still has to be embedded. */
    public record ChunkDoc(String id, String path, String source, int startLine, int endLine, String hash, String text,
            long mtime, float[] vector) {
    }

    /** A hit of either search, with its raw Lucene score. */
    public record Found(String id, String path, String source, int startLine, int endLine, String text, long mtime,
            float score) {
    }

    private final Path dir;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private volatile Map<String, String> meta;
    private volatile Counts counts;

    private MemoryIndex(Path dir, Directory directory, IndexWriter writer) throws IOException {
        this.dir = dir;
        this.directory = directory;
        this.writer = writer;
        this.searchers = new SearcherManager(writer, null);
        Map<String, String> m = new HashMap<>();
        Iterable<Map.Entry<String, String>> data = writer.getLiveCommitData();
        if (data != null) {
            data.forEach(e -> m.put(e.getKey(), e.getValue()));
        }
        this.meta = Map.copyOf(m);
    }

    /**
     * Opens (or creates) the index in {@code dir}. Fails with {@link org.apache.lucene.index.CorruptIndexException}
     * (or another IOException) when the last commit cannot be read.
     */
    public static MemoryIndex open(Path dir) throws IOException {
        // small flushed segments (a sync of a few files made searchable) stay in memory until the next
        // commit writes and syncs them (within a second): a near-real-time refresh creates no files on
        // disk. At most 16 MB per index, segments under 2 MB: larger flushes go to disk as before.
        Directory d = new NRTCachingDirectory(FSDirectory.open(dir), 2.0, 16.0);
        try {
            IndexWriterConfig c = new IndexWriterConfig(new Words());
            c.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
            c.setCommitOnClose(false);
            c.setRAMBufferSizeMB(64);
            return new MemoryIndex(dir, d, new IndexWriter(d, c));
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** Whether {@code dir} holds a committed index. */
    public static boolean exists(Path dir) throws IOException {
        try (Directory d = FSDirectory.open(dir)) {
            return DirectoryReader.indexExists(d);
        }
    }

    public Path dir() {
        return dir;
    }

    /** The metadata of the last commit (what the index was built with). */
    public Map<String, String> meta() {
        return meta;
    }

    /** Reads every byte of the committed index and checks its checksums. */
    public void checkIntegrity() throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                leaf.reader().checkIntegrity();
            }
        } finally {
            searchers.release(s);
        }
    }

    // ---- the sync thread's view (sees its own changes)

    /**
     * The sync thread's view: the searchers' reader, refreshed first so it includes everything written so
     * far (one near-real-time reader for searches and the sync alike: the sync thread refreshes after
     * each batch of writes anyway, so a second reader of its own would only reopen the same segments).
     */
    private IndexSearcher view() throws IOException {
        searchers.maybeRefreshBlocking();
        counts = null; // normally a no-op refresh; after a failed sync it makes the failed sync's writes visible
        return searchers.acquire();
    }

    /** Every indexed file by path. */
    public Map<String, FileRecord> files() throws IOException {
        Map<String, FileRecord> out = new HashMap<>();
        IndexSearcher s = view();
        try {
            StoredFields stored = s.storedFields();
            TopDocs all = s.search(new TermQuery(new Term(KIND, KIND_FILE)), Math.max(1, s.getIndexReader().numDocs()));
            for (ScoreDoc sd : all.scoreDocs) {
                Document d = stored.document(sd.doc);
                FileRecord r = fileRecord(d);
                out.put(r.path(), r);
            }
        } finally {
            searchers.release(s);
        }
        return out;
    }

    /** The indexed files among these paths. */
    public Map<String, FileRecord> files(Collection<String> paths) throws IOException {
        Map<String, FileRecord> out = new HashMap<>();
        IndexSearcher s = view();
        try {
            StoredFields stored = s.storedFields();
            for (String p : paths) {
                TopDocs top = s.search(new TermQuery(new Term(FILE_PATH, p)), 1);
                if (top.scoreDocs.length > 0) {
                    FileRecord r = fileRecord(stored.document(top.scoreDocs[0].doc));
                    out.put(r.path(), r);
                }
            }
        } finally {
            searchers.release(s);
        }
        return out;
    }

    private static FileRecord fileRecord(Document d) {
        return new FileRecord(d.get(PATH), d.get(SOURCE), d.get(FILE_HASH), num(d, MTIME), num(d, SIZE), (int) num(d, CHUNKS));
    }

    private static long num(Document d, String field) {
        Number n = d.getField(field) == null ? null : d.getField(field).numericValue();
        return n == null ? 0 : n.longValue();
    }

    /** Replaces the file's documents with these (atomically). */
    public void putFile(FileRecord file, List<ChunkDoc> chunks) throws IOException {
        List<Document> docs = new ArrayList<>(chunks.size() + 1);
        docs.add(fileDoc(file));
        for (ChunkDoc c : chunks) {
            docs.add(chunkDoc(c));
        }
        writer.updateDocuments(new Term(PATH, file.path()), docs);
    }

    /** Updates only the file document (content unchanged, e.g. a new mtime). */
    public void touchFile(FileRecord file) throws IOException {
        writer.updateDocument(new Term(FILE_PATH, file.path()), fileDoc(file));
    }

    public void deleteFile(String path) throws IOException {
        writer.deleteDocuments(new Term(PATH, path));
    }

    private static Document fileDoc(FileRecord f) {
        Document d = new Document();
        d.add(new StringField(KIND, KIND_FILE, Field.Store.NO));
        d.add(new StringField(PATH, f.path(), Field.Store.YES));
        d.add(new StringField(FILE_PATH, f.path(), Field.Store.NO));
        d.add(new StringField(SOURCE, f.source(), Field.Store.YES));
        d.add(new StoredField(FILE_HASH, f.hash()));
        d.add(new StoredField(MTIME, f.mtime()));
        d.add(new StoredField(SIZE, f.size()));
        d.add(new StoredField(CHUNKS, f.chunks()));
        // an empty text: no term, so BM25's statistics (documents with the field, their total length) are
        // those of the chunks alone, but every document has a norm and the norms stay dense (sparse norms
        // cost a skip per scored chunk)
        d.add(new TextField(TEXT, "", Field.Store.NO));
        return d;
    }

    private static Document chunkDoc(ChunkDoc c) {
        Document d = new Document();
        d.add(new StringField(KIND, KIND_CHUNK, Field.Store.NO));
        d.add(new StringField(ID, c.id(), Field.Store.YES));
        d.add(new StringField(PATH, c.path(), Field.Store.YES));
        d.add(new StringField(SOURCE, c.source(), Field.Store.YES));
        d.add(new StringField(HASH, c.hash(), Field.Store.YES));
        d.add(new TextField(TEXT, c.text(), Field.Store.YES));
        d.add(new StoredField(START, c.startLine()));
        d.add(new StoredField(END, c.endLine()));
        d.add(new StoredField(MTIME, c.mtime()));
        if (c.vector() != null) {
            d.add(new KnnFloatVectorField(VECTOR, c.vector(), VectorSimilarityFunction.DOT_PRODUCT));
        } else {
            d.add(new StringField(PENDING, "1", Field.Store.NO));
        }
        return d;
    }

    /** A snapshot of the chunks still waiting for a vector (of these paths, or all when null). */
    public Pending pending(Collection<String> paths) throws IOException {
        IndexSearcher s = view();
        DirectoryReader r = (DirectoryReader) s.getIndexReader();
        r.incRef();
        searchers.release(s);
        try {
            Query q = new TermQuery(new Term(PENDING, "1"));
            if (paths != null) {
                BooleanQuery.Builder any = new BooleanQuery.Builder();
                for (String p : paths) {
                    any.add(new TermQuery(new Term(PATH, p)), BooleanClause.Occur.SHOULD);
                }
                q = new BooleanQuery.Builder().add(q, BooleanClause.Occur.FILTER)
                        .add(any.setMinimumNumberShouldMatch(1).build(), BooleanClause.Occur.FILTER).build();
            }
            TopDocs top = s.search(q, Math.max(1, r.numDocs()));
            int[] docs = new int[top.scoreDocs.length];
            for (int i = 0; i < docs.length; i++) {
                docs[i] = top.scoreDocs[i].doc;
            }
            java.util.Arrays.sort(docs);
            return new Pending(r, docs);
        } catch (IOException | RuntimeException e) {
            r.decRef();
            throw e;
        }
    }

    /** Chunks without vectors, read in batches from one reader; close it when done. */
    public static final class Pending implements Closeable {
        private final DirectoryReader reader;
        private final int[] docs;
        private final StoredFields stored;

        Pending(DirectoryReader reader, int[] docs) throws IOException {
            this.reader = reader;
            this.docs = docs;
            this.stored = reader.storedFields();
        }

        public int size() {
            return docs.length;
        }

        public List<ChunkDoc> batch(int from, int to) throws IOException {
            List<ChunkDoc> out = new ArrayList<>();
            for (int i = from; i < Math.min(to, docs.length); i++) {
                Document d = stored.document(docs[i]);
                out.add(new ChunkDoc(d.get(ID), d.get(PATH), d.get(SOURCE), (int) num(d, START), (int) num(d, END), d.get(HASH),
                        d.get(TEXT), num(d, MTIME), null));
            }
            return out;
        }

        @Override
        public void close() throws IOException {
            reader.decRef();
        }
    }

    /** Gives a pending chunk its vector. */
    public void setVector(ChunkDoc chunk, float[] vector) throws IOException {
        writer.updateDocument(new Term(ID, chunk.id()), chunkDoc(new ChunkDoc(chunk.id(), chunk.path(), chunk.source(),
                chunk.startLine(), chunk.endLine(), chunk.hash(), chunk.text(), chunk.mtime(), vector)));
    }

    /** Makes everything written so far durable and visible to searches. */
    public void commit(Map<String, String> newMeta) throws IOException {
        writer.setLiveCommitData(Map.copyOf(newMeta).entrySet());
        writer.commit();
        meta = Map.copyOf(newMeta);
        searchers.maybeRefreshBlocking();
        counts = null;
    }

    /**
     * Makes what was written visible to searches without making it durable yet (a small sync's changes
     * are committed a moment later; a kill before that loses them, and the next sync redoes them, since
     * their file records were not committed either).
     */
    public void refresh() throws IOException {
        searchers.maybeRefreshBlocking();
        counts = null;
    }

    /** Whether Lucene is merging segments in the background (or has merges queued). */
    public boolean merging() {
        return writer.hasPendingMerges() || !writer.getMergingSegments().isEmpty();
    }

    public boolean hasUncommittedChanges() {
        return writer.hasUncommittedChanges();
    }

    // ---- searches (last commit or refresh)

    /** Counts of the last commit: files, chunks, chunks with vectors. */
    public record Counts(int files, int chunks, int pending) {
    }

    public Counts counts() throws IOException {
        Counts c = counts;
        if (c != null) {
            return c;
        }
        IndexSearcher s = searchers.acquire();
        try {
            c = new Counts(s.count(new TermQuery(new Term(KIND, KIND_FILE))), s.count(new TermQuery(new Term(KIND, KIND_CHUNK))),
                    s.count(new TermQuery(new Term(PENDING, "1"))));
        } finally {
            searchers.release(s);
        }
        counts = c;
        return c;
    }

    /** Whether any chunk of the last commit has a vector. */
    public boolean hasVectors() throws IOException {
        Counts c = counts();
        return c.chunks() > c.pending();
    }

    /** BM25 over the chunk text: every term must occur. */
    public List<Found> keyword(List<String> terms, int n) throws IOException {
        if (terms.isEmpty()) {
            return List.of();
        }
        BooleanQuery.Builder q = new BooleanQuery.Builder();
        for (String t : terms) {
            q.add(new TermQuery(new Term(TEXT, t)), BooleanClause.Occur.MUST);
        }
        // only chunk documents have a text field: no filter on the kind needed
        return run(q.build(), n);
    }

    /**
     * Up to this many chunk vectors a vector search compares the query with every one of them, as the
     * reference does (its search is exact); above it HNSW finds them approximately. HNSW links a chunk unlike
     * all others (the note about something else, the one a query about it wants) from few or no nodes, and a
     * graph search missed it even 100 wide. A full scan of 20,000 vectors of 384 dimensions costs a few
     * milliseconds (docs/benchmarks.md).
     */
    static final int EXACT_UP_TO = 20_000;

    /** How many candidates an approximate search keeps while it walks the graph (its {@code ef}). */
    static final int SEARCH_BREADTH = 100;

    /** {@link #EXACT_UP_TO}, lowered by tests to reach the approximate search. */
    int exactUpTo = EXACT_UP_TO;

    /** Nearest chunks by vector; the score is Lucene's {@code (1 + dot) / 2}. */
    public List<Found> nearest(float[] vector, int k) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            TopDocs top = vectorCount(s) <= exactUpTo ? exactNearest(s, vector, k)
                    // the query keeps the SEARCH_BREADTH nearest; the k best of them are read
                    : s.search(new KnnFloatVectorQuery(VECTOR, vector, Math.max(k, SEARCH_BREADTH)), Math.max(1, k));
            return found(s, top);
        } finally {
            searchers.release(s);
        }
    }

    private static long vectorCount(IndexSearcher s) throws IOException {
        long n = 0;
        for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
            FloatVectorValues v = leaf.reader().getFloatVectorValues(VECTOR);
            n += v == null ? 0 : v.size();
        }
        return n;
    }

    /** Every live chunk vector compared with the query: the k best, best first (ties: lower doc first). */
    private static TopDocs exactNearest(IndexSearcher s, float[] vector, int k) throws IOException {
        int n = Math.max(1, k);
        PriorityQueue<ScoreDoc> worstFirst = new PriorityQueue<>(n + 1, (a, b) -> a.score != b.score
                ? Float.compare(a.score, b.score) : Integer.compare(b.doc, a.doc));
        long hits = 0;
        for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
            FloatVectorValues values = leaf.reader().getFloatVectorValues(VECTOR);
            if (values == null) {
                continue;
            }
            Bits live = leaf.reader().getLiveDocs();
            for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
                if (live != null && !live.get(doc)) {
                    continue;
                }
                hits++;
                float score = VectorSimilarityFunction.DOT_PRODUCT.compare(vector, values.vectorValue());
                ScoreDoc worst = worstFirst.peek();
                if (worstFirst.size() < n) {
                    worstFirst.add(new ScoreDoc(leaf.docBase + doc, score));
                } else if (score > worst.score) {
                    worstFirst.poll();
                    worstFirst.add(new ScoreDoc(leaf.docBase + doc, score));
                }
            }
        }
        ScoreDoc[] best = new ScoreDoc[worstFirst.size()];
        for (int i = best.length - 1; i >= 0; i--) {
            best[i] = worstFirst.poll();
        }
        return new TopDocs(new TotalHits(hits, TotalHits.Relation.EQUAL_TO), best);
    }

    private static final java.util.Set<String> FOUND_FIELDS = java.util.Set.of(ID, PATH, SOURCE, START, END, TEXT, MTIME);

    private List<Found> run(Query q, int n) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return found(s, s.search(q, Math.max(1, n)));
        } finally {
            searchers.release(s);
        }
    }

    private static List<Found> found(IndexSearcher s, TopDocs top) throws IOException {
        StoredFields stored = s.storedFields();
        ScoreDoc[] hits = top.scoreDocs;
        // stored fields read in document order (blocks are decompressed once), results kept in score order
        Integer[] order = new Integer[hits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Integer.compare(hits[a].doc, hits[b].doc));
        Found[] out = new Found[hits.length];
        for (int i : order) {
            ScoreDoc sd = hits[i];
            Document d = stored.document(sd.doc, FOUND_FIELDS);
            out[i] = new Found(d.get(ID), d.get(PATH), d.get(SOURCE), (int) num(d, START), (int) num(d, END), d.get(TEXT),
                    num(d, MTIME), sd.score);
        }
        return java.util.Arrays.asList(out);
    }

    /** Whether the index has any document (a fresh index has none). */
    public boolean isEmpty() throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return s.getIndexReader().numDocs() == 0;
        } finally {
            searchers.release(s);
        }
    }

    /** Drops what was not committed and closes (the write lock is released). */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        try {
            searchers.close();
        } catch (IOException e) {
            failure = e;
        }
        try {
            writer.rollback();
        } catch (IOException | RuntimeException e) {
            failure = failure == null ? new IOException(e) : failure;
        }
        try {
            directory.close();
        } catch (IOException e) {
            failure = failure == null ? e : failure;
        }
        if (failure != null) {
            throw failure;
        }
    }
}
