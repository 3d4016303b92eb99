/**
 * Memory: searching an agent's memory files and session transcripts.
 *
 * <p>0.2: hits carry line range and source, {@code MemorySearch.query} tells whether an answer is stale.
 */
@Export
@Version("0.2.0")
package io.gatehouse.api.memory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
