package io.gatehouse.memory.chunk;

/**
 * A piece of a file that is indexed and embedded on its own.
 *
 * @param startLine first line (1-based)
 * @param endLine   last line
 * @param text      the lines joined with {@code \n}
 * @param hash      sha256 (hex) of the text's UTF-8 bytes
 */
public record Chunk(int startLine, int endLine, String text, String hash) {
}
