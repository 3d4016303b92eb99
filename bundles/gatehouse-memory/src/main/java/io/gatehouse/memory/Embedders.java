package io.gatehouse.memory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.gatehouse.memory.embed.Embedder;
import io.gatehouse.memory.embed.EmbeddingCache;
import io.gatehouse.memory.embed.LocalMiniLm;
import io.gatehouse.memory.embed.OpenAiEmbeddings;

/**
 * The embedder the config names, loaded on first use (first sync or search) on a thread of its own, and
 * the vector cache that goes with it. A config change of provider or model replaces both.
 */
final class Embedders implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Embedders.class);
    private final Path memoryRoot;
    private final ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gatehouse-memory-model");
        t.setDaemon(true);
        return t;
    });

    private MemorySettings settings;
    private String key;
    /** Written under the lock; read without it by searches (they never wait for a cache commit). */
    private volatile CompletableFuture<Embedder> future;
    private EmbeddingCache cache;
    private volatile String state = "not loaded";
    private volatile long loadMs = -1;

    /** Makes the embedder a config names (the benchmark swaps in its own). */
    interface Factory {
        Embedder create(MemorySettings s) throws IOException;
    }

    private final Factory factory;

    Embedders(Path memoryRoot) {
        this.memoryRoot = memoryRoot;
        this.factory = this::create;
    }

    Embedders(Path memoryRoot, Factory factory) {
        this.memoryRoot = memoryRoot;
        this.factory = factory;
    }

    /** Applies the config: a new provider or model drops the loaded embedder and its cache. */
    synchronized void configure(MemorySettings s) {
        String k = s.embedderKey();
        boolean cacheChanged = settings == null || settings.cacheEnabled() != s.cacheEnabled()
                || settings.cacheMaxEntries() != s.cacheMaxEntries();
        boolean remoteChanged = settings == null || !settings.remote().equals(s.remote()) || settings.localThreads() != s.localThreads();
        settings = s;
        if (k.equals(key) && !remoteChanged && !cacheChanged) {
            return;
        }
        if (!k.equals(key) || remoteChanged) {
            dropEmbedder();
        }
        key = k;
        closeCache();
        if (!k.equals("none") && s.cacheEnabled()) {
            cache = openCache(k, s.cacheMaxEntries());
        }
        state = k.equals("none") ? "off (provider none: keyword search only)" : "not loaded";
    }

    synchronized String key() {
        return key;
    }

    /** The embedder, loading it in the background; null when the provider is {@code none}. */
    synchronized CompletableFuture<Embedder> load() {
        if (key == null || key.equals("none")) {
            return CompletableFuture.completedFuture(null);
        }
        if (future == null) {
            MemorySettings s = settings;
            String k = key;
            state = "loading";
            future = CompletableFuture.supplyAsync(() -> {
                long t0 = System.nanoTime();
                try {
                    Embedder e = factory.create(s);
                    loadMs = (System.nanoTime() - t0) / 1_000_000;
                    state = "ready";
                    LOG.info("memory: embeddings by {} ready ({} ms)", k, loadMs);
                    return e;
                } catch (IOException | RuntimeException | LinkageError e) {
                    state = "failed: " + e.getMessage();
                    LOG.warn("memory: embeddings by {} unavailable, searching by words only: {}", k, e.getMessage());
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }, loader);
        }
        return future;
    }

    /** The ready embedder after waiting at most {@code waitMs}, else null (still loading, failed or none). */
    Embedder get(long waitMs) {
        CompletableFuture<Embedder> f = future;
        if (f == null) {
            f = load(); // takes the lock, which the sync thread may hold while it commits the cache
        }
        try {
            return waitMs <= 0 ? f.getNow(null) : f.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    synchronized EmbeddingCache cache() {
        return cache;
    }

    String state() {
        return state;
    }

    long loadMs() {
        return loadMs;
    }

    private Embedder create(MemorySettings s) throws IOException {
        return switch (s.providerKind()) {
            case "openai" -> new OpenAiEmbeddings(s.remote().baseUrl(), s.model(), s.remote().apiKey(), s.remote().headers(),
                    s.remote().timeoutMs(), s.remote().batchSize());
            default -> {
                if (!s.model().equals(LocalMiniLm.MODEL)) {
                    throw new IOException("the local provider has only the model \"" + LocalMiniLm.MODEL + "\", not \""
                            + s.model() + "\"");
                }
                yield LocalMiniLm.load(memoryRoot, s.localThreads());
            }
        };
    }

    private EmbeddingCache openCache(String k, int maxEntries) {
        Path dir = memoryRoot.resolve("cache").resolve(k.replaceAll("[^A-Za-z0-9._-]", "_"));
        try {
            Files.createDirectories(dir);
            return new EmbeddingCache(dir, maxEntries);
        } catch (IOException | RuntimeException e) {
            LOG.warn("memory: the embedding cache in {} cannot be opened ({}); starting it anew", dir, e.toString());
            io.gatehouse.memory.AgentMemory.deleteTree(dir);
            try {
                Files.createDirectories(dir);
                return new EmbeddingCache(dir, maxEntries);
            } catch (IOException | RuntimeException again) {
                LOG.warn("memory: no embedding cache: {}", again.toString());
                return null;
            }
        }
    }

    private void dropEmbedder() {
        CompletableFuture<Embedder> f = future;
        future = null;
        if (f != null) {
            f.thenAccept(e -> {
                if (e != null) {
                    e.close();
                }
            });
        }
    }

    synchronized void commitCache() {
        if (cache != null) {
            try {
                cache.commit();
            } catch (IOException | RuntimeException e) {
                LOG.warn("memory: cannot commit the embedding cache: {}", e.toString());
            }
        }
    }

    private void closeCache() {
        if (cache != null) {
            try {
                cache.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("memory: cannot close the embedding cache: {}", e.toString());
            }
            cache = null;
        }
    }

    @Override
    public synchronized void close() {
        dropEmbedder();
        closeCache();
        loader.shutdown();
        try {
            loader.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
