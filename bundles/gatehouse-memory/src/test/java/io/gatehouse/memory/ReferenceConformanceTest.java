package io.gatehouse.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.gatehouse.memory.chunk.Chunk;
import io.gatehouse.memory.chunk.Chunker;
import io.gatehouse.memory.search.Ranking;

/**
 * Every {@code memory} vector of the reference gateway's conformance data (chunking, FTS query building,
 * BM25 rank to score, the keyword fallback boost, temporal decay) run against our implementation. The
 * file is a copy of shared/conformance/openclaw-reference.json; nothing here repeats its expected values.
 */
class ReferenceConformanceTest {

    @TestFactory
    Stream<DynamicTest> memoryVectors() throws Exception {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/conformance/openclaw-reference.json")) {
            root = new ObjectMapper().readTree(in);
        }
        JsonNode cases = root.get("memory");
        assertFalse(cases == null || cases.isEmpty(), "no memory vectors");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases) {
            tests.add(DynamicTest.dynamicTest(c.get("fn").asText() + ": " + c.get("name").asText(), () -> run(c)));
        }
        return tests.stream();
    }

    private static void run(JsonNode c) {
        JsonNode args = c.get("args");
        JsonNode expect = c.get("expect");
        switch (c.get("fn").asText()) {
            case "chunkMarkdown" -> {
                List<Chunk> got = Chunker.chunk(args.get(0).asText(), args.get(1).get("tokens").asInt(),
                        args.get(1).get("overlap").asInt());
                List<Map<String, Object>> want = new ArrayList<>();
                for (JsonNode e : expect) {
                    want.add(chunkMap(e.get("startLine").asInt(), e.get("endLine").asInt(), e.get("text").asText(),
                            e.get("hash").asText()));
                }
                assertEquals(want, got.stream().map(k -> chunkMap(k.startLine(), k.endLine(), k.text(), k.hash())).toList());
            }
            case "bm25RankToScore" -> assertEquals(expect.asDouble(), Ranking.bm25RankToScore(number(args.get(0))), 1e-12);
            case "buildFtsQuery" -> assertEquals(expect.isNull() ? null : expect.asText(), Ranking.buildFtsQuery(args.get(0).asText()));
            case "scoreFallbackKeywordResult" -> {
                JsonNode p = args.get(0);
                assertEquals(expect.asDouble(), Ranking.scoreFallbackKeywordResult(p.get("query").asText(),
                        p.get("path").asText(), p.get("text").asText(), p.get("ftsScore").asDouble()), 1e-12);
            }
            case "calculateTemporalDecayMultiplier" -> {
                JsonNode p = args.get(0);
                assertEquals(expect.asDouble(), Ranking.temporalDecayMultiplier(p.get("ageInDays").asDouble(),
                        p.get("halfLifeDays").asDouble()), 1e-12);
            }
            default -> fail("no implementation for reference function " + c.get("fn").asText());
        }
    }

    /** Arguments are JSON numbers or, for values JSON has none of, strings ("NaN", "Infinity", "-4.2"). */
    private static double number(JsonNode n) {
        return n.isNumber() ? n.asDouble() : Double.parseDouble(n.asText());
    }

    private static Map<String, Object> chunkMap(int start, int end, String text, String hash) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("startLine", start);
        m.put("endLine", end);
        m.put("text", text);
        m.put("hash", hash);
        return m;
    }
}
