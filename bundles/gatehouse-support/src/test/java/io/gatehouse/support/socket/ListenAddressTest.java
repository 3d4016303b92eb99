package io.gatehouse.support.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;


/** The one decision of the gateway's address, for the launcher and the gateway bundle alike (issue cases 1, 3 and 5). */
class ListenAddressTest {

    /** Case 1: a one-letter typo was an UnresolvedAddressException at the rebind, a stack trace at start. */
    @Test
    void aTypoInBindIsAnErrorWithADidYouMean() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ListenAddress.of("loopbak", 18789));
        assertEquals("gateway.bind: expected loopback, lan, all or an IP address, got \"loopbak\" (did you mean \"loopback\"?)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ListenAddress.of("example.com", 1)); // never looked up
        assertThrows(IllegalArgumentException.class, () -> ListenAddress.of("300.1.1.1", 1));
        assertThrows(IllegalArgumentException.class, () -> ListenAddress.of(42, 1));
        assertThrows(IllegalArgumentException.class, () -> ListenAddress.of(" ", 1));
    }

    @Test
    void portsAreIntegersInRangeAndNeverWrapAround() {
        assertEquals(8080, ListenAddress.of(null, 8080L).port());
        assertTrue(ListenAddress.portProblem(BigInteger.TWO.pow(64).add(BigInteger.valueOf(8080))).contains("0-65535"));
        assertTrue(ListenAddress.portProblem(80.0).contains("got 80.0"));
        assertTrue(ListenAddress.portProblem("80").contains("got \"80\""));
        assertTrue(ListenAddress.portProblem(-1).contains("0-65535"));
        assertTrue(ListenAddress.portProblem(65536).contains("0-65535"));
    }

    /** Case 5: absent values are the defaults, the same everywhere. */
    @Test
    void absentMeansTheDefaults() {
        ListenAddress d = ListenAddress.of(null, null);
        assertEquals(ListenAddress.defaults(), d);
        assertEquals("127.0.0.1:18789", d.toString());
        assertTrue(d.loopback());
    }

    @Test
    void namesAndLiterals() {
        assertEquals("0.0.0.0", ListenAddress.of("lan", 1).host());
        assertEquals("0.0.0.0", ListenAddress.of("all", 1).host());
        assertEquals("127.0.0.1", ListenAddress.of("localhost", 1).host());
        assertEquals("10.1.2.3", ListenAddress.of("10.1.2.3", 1).host());
        assertTrue(ListenAddress.of("::1", 1).loopback());
        assertEquals("[0:0:0:0:0:0:0:1]:7", ListenAddress.of("[::1]", 7).toString());
        assertFalse(ListenAddress.of("lan", 1).loopback());
    }

    /** Case 3: lan to loopback on the same port is a different address, and the status says so until it moves. */
    @Test
    void matchesComparesHostAndPortAndTreatsEveryWildcardAsOne() {
        assertTrue(ListenAddress.of("lan", 80).matches(new InetSocketAddress("::", 80)));
        assertFalse(ListenAddress.of("loopback", 80).matches(new InetSocketAddress("0.0.0.0", 80)));
        assertFalse(ListenAddress.of("lan", 80).matches(new InetSocketAddress("127.0.0.1", 80)));
        assertFalse(ListenAddress.of("loopback", 80).matches(new InetSocketAddress("127.0.0.1", 81)));
        assertTrue(ListenAddress.of("loopback", 0).matches(new InetSocketAddress("127.0.0.1", 40123)), "port 0: any port");
        assertEquals("0.0.0.0:80", ListenAddress.text(new InetSocketAddress("::", 80)));
    }
}
