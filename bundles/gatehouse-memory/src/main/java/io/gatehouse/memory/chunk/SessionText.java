package io.gatehouse.memory.chunk;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A session transcript (JSONL, one message per line) as text to index: one line per user or assistant
 * message ({@code User: ...}, {@code Assistant: ...}, white space collapsed), with the transcript line
 * each came from so hits point into the JSONL file. Other lines (errors, torn lines) are skipped.
 */
public final class SessionText {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SessionText() {
    }

    /** Chunks of a transcript, with line numbers of the JSONL file. */
    public static List<Chunk> chunks(String jsonl, int tokens, int overlap) {
        List<String> lines = new ArrayList<>();
        List<Integer> lineMap = new ArrayList<>();
        String[] raw = jsonl.split("\n", -1);
        for (int i = 0; i < raw.length; i++) {
            String l = raw[i].strip();
            if (l.isEmpty()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(l);
            } catch (Exception torn) {
                continue;
            }
            String role = n.path("role").asText("");
            String content = n.path("content").isTextual() ? n.path("content").asText() : null;
            if (content == null || content.isBlank() || !(role.equals("user") || role.equals("assistant"))) {
                continue;
            }
            lines.add((role.equals("user") ? "User: " : "Assistant: ") + content.strip().replaceAll("\\s+", " "));
            lineMap.add(i + 1);
        }
        if (lines.isEmpty()) {
            return List.of();
        }
        List<Chunk> out = new ArrayList<>();
        for (Chunk c : Chunker.chunk(String.join("\n", lines), tokens, overlap)) {
            out.add(new Chunk(lineMap.get(c.startLine() - 1), lineMap.get(c.endLine() - 1), c.text(), c.hash()));
        }
        return out;
    }
}
