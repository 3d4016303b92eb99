package io.gatehouse.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.gatehouse.api.config.schema.Issue;
import io.gatehouse.support.socket.ListenAddress;

/** The gateway section: its shape and the token rule beyond loopback use the listening address's one decision. */
class GatewaySectionTest {

    /** Case 11: beyond loopback a token is needed unless gateway.auth.mode is "none". */
    @Test
    void beyondLoopbackATokenIsNeededUnlessModeIsNone() {
        GatewaySection section = new GatewaySection();
        assertEquals(List.of(), section.crossCheck(Map.of("gateway", Map.of("bind", "loopback"))));
        List<Issue> issues = section.crossCheck(Map.of("gateway", Map.of("bind", "lan", "port", 1)));
        assertEquals(1, issues.size());
        assertEquals("gateway.bind", issues.get(0).path());
        assertTrue(issues.get(0).reason().contains("without gateway.auth.token"), issues.get(0).reason());
        assertEquals(List.of(), section.crossCheck(Map.of("gateway", Map.of("bind", "lan", "auth", Map.of("token", "${T}")))));
        assertEquals(List.of(), section.crossCheck(Map.of("gateway", Map.of("bind", "lan", "auth", Map.of("mode", "none")))));
        assertEquals(1, section.crossCheck(Map.of("gateway", Map.of("bind", "0.0.0.0", "auth", Map.of("token", " ")))).size());
    }

    @Test
    void theSectionShapeUsesTheSameDecision() {
        List<Issue> out = new ArrayList<>();
        new GatewaySection().schema().check("gateway", Map.of("bind", "loopbak", "port", 1), out);
        assertEquals(1, out.size(), out.toString());
        assertTrue(out.get(0).reason().contains("did you mean \"loopback\""), out.toString());
        out.clear();
        new GatewaySection().schema().check("gateway", Map.of("foo", 1), out);
        assertEquals("gateway.foo", out.get(0).path(), "unknown nested keys are errors (case 9)");
        out.clear();
        new GatewaySection().schema().check("gateway", Map.of("port", BigInteger.TWO.pow(64).add(BigInteger.valueOf(80))), out);
        assertEquals(1, out.size(), "2^64 + 80 is not port 80");
        assertNull(ListenAddress.bindProblem("::"));
        // case 5: an explicit null is not "the default port"
        out.clear();
        java.util.Map<String, Object> nulls = new java.util.HashMap<>();
        nulls.put("port", null);
        nulls.put("bind", null);
        new GatewaySection().schema().check("gateway", nulls, out);
        assertEquals(2, out.size(), out.toString());
        assertTrue(out.stream().anyMatch(i -> i.path().equals("gateway.port") && i.reason().contains("got null")), out.toString());
    }
}
