package io.gatehouse.memory.embed;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * The quantized all-MiniLM-L6-v2 sentence model (384 dimensions) shipped in this bundle, run by ONNX
 * Runtime with no network and no key: WordPiece ids, {@code [CLS] ... [SEP]} sequences of at most 512
 * tokens (a longer text is cut at word boundaries and its parts averaged by length), mean pooling, unit
 * length. The same computation as langchain4j's {@code AllMiniLmL6V2QuantizedEmbeddingModel}.
 */
public final class LocalMiniLm implements Embedder {
    public static final String MODEL = "all-minilm-l6-v2-q";
    static final int MAX_TOKENS = 510;

    private final String key;
    private final OrtSession session;
    private final WordPiece tokenizer;
    private final boolean tokenTypes;

    private LocalMiniLm(String key, OrtSession session, WordPiece tokenizer) throws OrtException {
        this.key = key;
        this.session = session;
        this.tokenizer = tokenizer;
        this.tokenTypes = session.getInputNames().contains("token_type_ids");
    }

    /**
     * Loads natives and model.
     *
     * @param memoryRoot {@code data/memory}: natives go to {@code native/}, the model file to {@code models/}
     * @param threads    ONNX Runtime intra-op threads per call
     */
    public static LocalMiniLm load(Path memoryRoot, int threads) throws IOException {
        OrtEnvironment env = NativeLibs.load(memoryRoot.resolve("native"));
        URL model = resource(MODEL + ".onnx");
        URL tokenizer = resource(MODEL + "-tokenizer.json");
        Path models = memoryRoot.resolve("models");
        Files.createDirectories(models);
        Path modelFile = models.resolve(MODEL + ".onnx");
        NativeLibs.extract(model, modelFile);
        WordPiece wp;
        try (InputStream in = tokenizer.openStream()) {
            wp = WordPiece.load(in);
        }
        try {
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            o.setIntraOpNumThreads(Math.max(1, threads));
            o.setInterOpNumThreads(1);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return new LocalMiniLm("local:" + MODEL, env.createSession(modelFile.toString(), o), wp);
        } catch (OrtException e) {
            throw new IOException("cannot load " + modelFile + ": " + e.getMessage(), e);
        }
    }

    /** In the bundle under {@code models/}; in the upstream jar (unit tests) at its root. */
    private static URL resource(String name) throws IOException {
        URL u = LocalMiniLm.class.getResource("/models/" + name);
        if (u == null) {
            u = LocalMiniLm.class.getResource("/" + name);
        }
        if (u == null) {
            throw new IOException("the model resource " + name + " is missing from the bundle");
        }
        return u;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public List<float[]> embed(List<String> texts) throws IOException {
        List<float[]> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(embedOne(t));
        }
        return out;
    }

    /** Token ids of a text (no special tokens), for tests. */
    List<Integer> tokenIds(String text) {
        return tokenizer.encode(text);
    }

    private float[] embedOne(String text) throws IOException {
        List<Integer> ids = tokenizer.encode(text);
        List<int[]> parts = new ArrayList<>();
        int start = 0;
        do {
            int end = Math.min(ids.size(), start + MAX_TOKENS);
            if (end < ids.size()) {
                int cut = end;
                while (cut > start + 1 && tokenizer.continues(ids.get(cut))) {
                    cut--;
                }
                end = cut;
            }
            parts.add(new int[] {start, end});
            start = end;
        } while (start < ids.size());
        float[] sum = null;
        long total = 0;
        for (int[] p : parts) {
            int len = p[1] - p[0];
            float[] v = run(ids.subList(p[0], p[1]));
            if (sum == null) {
                sum = new float[v.length];
            }
            int weight = Math.max(1, len);
            for (int i = 0; i < v.length; i++) {
                sum[i] += v[i] * weight;
            }
            total += weight;
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= total;
        }
        return Embedder.normalize(sum);
    }

    private float[] run(List<Integer> part) throws IOException {
        int n = part.size() + 2;
        long[] ids = new long[n];
        long[] mask = new long[n];
        long[] types = new long[n];
        ids[0] = tokenizer.cls();
        for (int i = 0; i < part.size(); i++) {
            ids[i + 1] = part.get(i);
        }
        ids[n - 1] = tokenizer.sep();
        java.util.Arrays.fill(mask, 1);
        long[] shape = {1, n};
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor tIds = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
                OnnxTensor tMask = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
                OnnxTensor tTypes = OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape)) {
            Map<String, OnnxTensor> in = new HashMap<>();
            in.put("input_ids", tIds);
            in.put("attention_mask", tMask);
            if (tokenTypes) {
                in.put("token_type_ids", tTypes);
            }
            try (OrtSession.Result r = session.run(in)) {
                float[][][] hidden = (float[][][]) r.get(0).getValue();
                float[][] tokens = hidden[0];
                float[] mean = new float[tokens[0].length];
                for (float[] t : tokens) {
                    for (int i = 0; i < mean.length; i++) {
                        mean[i] += t[i];
                    }
                }
                for (int i = 0; i < mean.length; i++) {
                    mean[i] /= tokens.length;
                }
                return mean;
            }
        } catch (OrtException e) {
            throw new IOException("embedding failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // closing
        }
    }
}
