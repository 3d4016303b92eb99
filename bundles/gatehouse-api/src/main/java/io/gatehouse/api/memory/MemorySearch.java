package io.gatehouse.api.memory;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** Searches an agent's memory files. */
@ProviderType
public interface MemorySearch {

    /**
     * A hit.
     *
     * @param path    file path relative to the memory root
     * @param snippet matching text
     * @param score   relevance, higher is better
     */
    record Hit(String path, String snippet, double score) {
    }

    List<Hit> search(String agentId, String query, int limit);
}
