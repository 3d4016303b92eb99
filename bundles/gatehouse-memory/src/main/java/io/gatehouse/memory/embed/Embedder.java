package io.gatehouse.memory.embed;

import java.io.IOException;
import java.util.List;

/** Turns texts into unit-length vectors. Thread-safe. */
public interface Embedder extends AutoCloseable {

    /** What made the vectors ({@code local:all-minilm-l6-v2-q}); vectors of different keys never mix. */
    String key();

    /** One unit-length vector per text, in order. */
    List<float[]> embed(List<String> texts) throws IOException;

    default float[] embed(String text) throws IOException {
        return embed(List.of(text)).get(0);
    }

    @Override
    void close();

    /** Scales to unit length (a zero vector stays zero). */
    static float[] normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        if (sum == 0) {
            return v;
        }
        float inv = (float) (1 / Math.sqrt(sum));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * inv;
        }
        return out;
    }
}
