package io.gatehouse.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.gatehouse.api.routing.RouteRequest;
import io.gatehouse.routing.resolve.RouteTable;

/** The reference's {@code [routing]} debug lines, under {@code io.gatehouse.routing}; none when debug is off. */
class DebugLogTest {
    /** Seed 001: a peer binding and an account binding for QQBot. */
    static final Map<String, Object> QQBOT = Map.of("bindings", List.of(
            Map.of("agentId", "tutor_480562E9913A985D4A79822A643E27B6", "match", Map.of("channel", "qqbot",
                    "accountId", "study", "peer", Map.of("kind", "direct", "id", "480562E9913A985D4A79822A643E27B6"))),
            Map.of("agentId", "study", "match", Map.of("channel", "qqbot", "accountId", "study"))));
    static final RouteRequest C2C = new RouteRequest("qqbot", "study",
            new RouteRequest.Peer("direct", "480562E9913A985D4A79822A643E27B6"), null, null, List.of(), null);

    Logger routing;
    ListAppender<ILoggingEvent> lines;

    @BeforeEach
    void attach() {
        routing = (Logger) LoggerFactory.getLogger("io.gatehouse.routing");
        lines = new ListAppender<>();
        lines.start();
        routing.addAppender(lines);
        routing.setAdditive(false); // the lines are checked here, not printed
    }

    @AfterEach
    void detach() {
        routing.detachAppender(lines);
        routing.setLevel(null);
        routing.setAdditive(true);
    }

    @Test
    void debugLinesHaveTheReferenceShape() {
        routing.setLevel(Level.DEBUG);
        RouteTable table = RouteTable.build("h", QQBOT, 100);
        assertEquals("tutor_480562e9913a985d4a79822a643e27b6", table.resolve(C2C).agentId());
        List<String> messages = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(List.of(
                "[routing] resolveAgentRoute: channel=qqbot accountId=study peer=direct:480562E9913A985D4A79822A643E27B6 guildId=none teamId=none bindings=2",
                "[routing] binding: agentId=tutor_480562E9913A985D4A79822A643E27B6 accountPattern=study peer=direct:480562E9913A985D4A79822A643E27B6 guildId=none teamId=none roles=0",
                "[routing] binding: agentId=study accountPattern=study peer=none guildId=none teamId=none roles=0",
                "[routing] match: matchedBy=binding.peer agentId=tutor_480562E9913A985D4A79822A643E27B6"), messages);
        assertTrue(lines.list.stream().allMatch(e -> e.getLoggerName().startsWith("io.gatehouse.routing.")));
        // with debug on, every call logs (the cache is bypassed)
        table.resolve(C2C);
        assertEquals(8, lines.list.size());
    }

    @Test
    void noLinesWhenDebugIsOff() {
        routing.setLevel(Level.INFO);
        RouteTable.build("h", QQBOT, 100).resolve(C2C);
        assertTrue(lines.list.isEmpty(), lines.list.toString());
    }
}
