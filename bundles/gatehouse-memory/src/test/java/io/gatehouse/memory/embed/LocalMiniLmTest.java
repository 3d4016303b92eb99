package io.gatehouse.memory.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Our WordPiece + ONNX Runtime pipeline against langchain4j's AllMiniLmL6V2QuantizedEmbeddingModel (with
 * the HuggingFace tokenizers library): {@code embed/minilm-reference.json} holds its token ids and vectors
 * for texts with accents, CJK, emoji, controls and long words (made by {@code MiniLmReference.java.txt}).
 */
class LocalMiniLmTest {
    @TempDir
    static Path data;
    static LocalMiniLm model;

    @BeforeAll
    static void load() throws Exception {
        model = LocalMiniLm.load(data, 1);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void tokensAndVectorsMatchTheReferenceImplementation() throws Exception {
        JsonNode ref;
        try (InputStream in = getClass().getResourceAsStream("/embed/minilm-reference.json")) {
            ref = new ObjectMapper().readTree(in);
        }
        for (JsonNode c : ref) {
            String text = c.get("text").asText();
            List<Long> want = new ArrayList<>();
            c.get("ids").forEach(n -> want.add(n.asLong()));
            List<Long> got = new ArrayList<>();
            got.add(101L);
            model.tokenIds(text).forEach(i -> got.add((long) i));
            got.add(102L);
            assertEquals(want, got, text);
            float[] wantVec = new float[c.get("embedding").size()];
            for (int i = 0; i < wantVec.length; i++) {
                wantVec[i] = (float) c.get("embedding").get(i).asDouble();
            }
            float[] v = model.embed(text);
            assertEquals(384, v.length);
            assertTrue(dot(wantVec, v) > 0.9999, text + ": cosine " + dot(wantVec, v));
        }
    }

    @Test
    void aParaphraseIsCloserThanAnUnrelatedText() throws Exception {
        float[] note = model.embed("The backup of the database runs every night at two o'clock.");
        float[] paraphrase = model.embed("When is the nightly DB snapshot scheduled?");
        float[] unrelated = model.embed("My favourite colour is green and I like cats.");
        assertTrue(dot(note, paraphrase) > dot(note, unrelated) + 0.2,
                dot(note, paraphrase) + " vs " + dot(note, unrelated));
    }

    @Test
    void longTextsAreCutAtWordsAndAveragedEmptyTextsStillEmbed() throws Exception {
        String word = "gateway memory index ";
        float[] longText = model.embed(word.repeat(400));
        assertEquals(1.0, Math.sqrt(dot(longText, longText)), 1e-4);
        float[] empty = model.embed("");
        assertEquals(1.0, Math.sqrt(dot(empty, empty)), 1e-4);
        assertTrue(Files.isRegularFile(data.resolve("models/all-minilm-l6-v2-q.onnx")));
        assertTrue(Files.isRegularFile(data.resolve("native/onnxruntime-1.20.0-linux-x64/libonnxruntime.so")));
        try (var s = Files.list(data.resolve("native"))) {
            assertEquals(List.of("onnxruntime-1.20.0-linux-x64"), s.map(p -> p.getFileName().toString()).toList(),
                    "the per-load folder is gone");
        }
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
