package io.gatehouse.config.edit;

import static io.gatehouse.config.edit.Fixtures.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LocateTest {
    private final Json5Document big = parse(Fixtures.BIG);

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
        ''                               | 4:1   | -
        gateway                          | 6:12  | 6:3
        gateway.port                     | 8:11  | 8:5
        gateway.tls                      | 9:12  | 9:5
        gateway.tls.cert                 | 9:36  | 9:30
        gateway.reload.deferralTimeoutMs | 14:26 | 14:7
        gateway.reload.debounceMs        | 15:19 | 15:7
        bindings                         | 20:13 | 20:3
        bindings.0                       | 21:5  | -
        bindings.1                       | 26:5  | -
        bindings.1.agentId               | 27:16 | 27:7
        bindings.1.match.channel         | 28:25 | 28:16
        bindings.1.tags.1                | 30:23 | -
        bindings.0.weight                | 24:15 | 24:7
        limits.ceiling                   | 42:58 | 42:49
        """)
    void locatesValuesAndKeys(String path, String value, String key) {
        Location at = big.locate(path).orElseThrow();
        assertEquals(value, at.toString());
        assertEquals(value, at.line() + ":" + at.column());
        assertEquals(Optional.ofNullable(key), at.key().map(Position::toString));
    }

    @Test
    void locatesKeysWithDotsThroughTheListForm() {
        Location at = big.locate(List.of("logging", "levels", "org.eclipse.jetty")).orElseThrow();
        assertEquals("38:28", at.toString());
        assertEquals("38:7", at.key().orElseThrow().toString());
        assertTrue(big.locate("logging.levels.org.eclipse.jetty").isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nope", "gateway.nope", "gateway.port.x", "bindings.2", "bindings.x", "bindings.01",
        "bindings.-1", "list.0", "gateway..port"})
    void missingPathsHaveNoLocation(String path) {
        assertTrue(big.locate(path).isEmpty());
    }

    @Test
    void reportsLikeACompiler() {
        Location at = parse(Fixtures.DIST).locate("gateway.port").orElseThrow();
        assertEquals("etc/gatehouse.json:7:11: gateway.port: expected an integer",
                "etc/gatehouse.json:" + at + ": gateway.port: expected an integer");
    }

    @Test
    void columnsCountCharactersAndLinesCountCrLf() {
        Json5Document doc = parse("{\r\n\ta: 'é',\r\n\tb: [1,\r 2],\r\n}");
        assertEquals("2:5", doc.locate("a").orElseThrow().toString());
        assertEquals("3:2", doc.locate("b").orElseThrow().key().orElseThrow().toString());
        assertEquals("4:2", doc.locate("b.1").orElseThrow().toString());
        assertEquals(doc.text().indexOf('2'), doc.locate("b.1").orElseThrow().value().offset());
    }

    @Test
    void anEmptyDocumentLocatesNothing() {
        assertTrue(parse("// only a comment\n").locate("").isEmpty());
    }
}
