package io.gatehouse.api.memory;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** Searches an agent's memory: its memory files and, when configured, its session transcripts. */
@ProviderType
public interface MemorySearch {

    /** {@link Hit#source()} of a memory file ({@code MEMORY.md}, {@code memory/**}, extra paths). */
    String SOURCE_MEMORY = "memory";

    /** {@link Hit#source()} of a session transcript. */
    String SOURCE_SESSIONS = "sessions";

    /**
     * A hit: a chunk of a file.
     *
     * @param path      file path relative to the agent's workspace ({@code MEMORY.md}, {@code memory/2026-01-02.md});
     *                  an extra path outside the workspace as given, a transcript as {@code sessions/<file>.jsonl}
     * @param startLine first line of the chunk (1-based; for a transcript, a line of the JSONL file)
     * @param endLine   last line of the chunk
     * @param score     relevance 0-1, higher is better
     * @param snippet   the chunk's text, at most {@link #SNIPPET_MAX_CHARS} characters
     * @param source    {@link #SOURCE_MEMORY} or {@link #SOURCE_SESSIONS}
     */
    record Hit(String path, int startLine, int endLine, double score, String snippet, String source) {

        /** The longest snippet a hit carries. */
        public static final int SNIPPET_MAX_CHARS = 700;

        /** A memory-file hit without line numbers (the 0.1 shape). */
        public Hit(String path, String snippet, double score) {
            this(path, 0, 0, score, snippet, SOURCE_MEMORY);
        }
    }

    /**
     * The answer of a search.
     *
     * @param hits  best first
     * @param stale true when files known to have changed were not indexed yet (the search did not wait for
     *              them beyond its short deadline; the index catches up in the background)
     */
    record Result(List<Hit> hits, boolean stale) {
        public Result {
            hits = List.copyOf(hits);
        }
    }

    /** The best hits for {@code query} in the memory of {@code agentId}, at most {@code limit}. */
    List<Hit> search(String agentId, String query, int limit);

    /** As {@link #search}, telling also whether the answer may miss recent changes. */
    default Result query(String agentId, String query, int limit) {
        return new Result(search(agentId, query, limit), false);
    }
}
