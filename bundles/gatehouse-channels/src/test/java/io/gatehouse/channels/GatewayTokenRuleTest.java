package io.gatehouse.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.gatehouse.api.auth.GatewayAuth;
import io.gatehouse.launcher.api.ListeningSocket;
import io.gatehouse.testsupport.FakeConfigService;

class GatewayTokenRuleTest {
    private final FakeConfigService config = new FakeConfigService(Map.of());

    private static ListeningSocket boundTo(String host) {
        InetSocketAddress at = new InetSocketAddress(host, 18789);
        return new ListeningSocket() {
            @Override
            public InetSocketAddress localAddress() {
                return at;
            }

            @Override
            public SocketChannel accept() throws IOException {
                throw new IOException("not used");
            }
        };
    }

    private GatewayTokenRule rule() {
        return new GatewayTokenRule(config, boundTo("127.0.0.1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "127.255.255.255", "127.0.0.0", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "[::ffff:127.0.0.1]"})
    void loopbackAddressesAreLoopback(String address) {
        assertTrue(GatewayTokenRule.isLoopback(address), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "ip6-localhost", "example.com", "127.0.0.1.example.com", "10.0.0.1", "192.168.1.20",
            "::ffff:10.0.0.1", "2001:db8::1", "[2001:db8::1]", "0.0.0.0", "::", "", "[", "[]", "not an address",
            "127.0.0.1a", "128.0.0.1", "127.0.0.1 "})
    void otherAddressesAndHostNamesAreNot(String address) {
        assertFalse(GatewayTokenRule.isLoopback(address), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "255.255.255.255", "127.1.22.255"})
    void dottedQuadsAreRecognised(String address) {
        assertTrue(GatewayTokenRule.isDottedQuad(address), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.01", "127.0.0", "127.0.0.1.", ".127.0.0.1", "127.0.0.256", "1270.0.0.1", "127.0.0.-1", ""})
    void otherTextIsNoDottedQuad(String address) {
        assertFalse(GatewayTokenRule.isDottedQuad(address), address);
    }

    @Test
    void withoutATokenOnlyLoopbackClientsPass() {
        GatewayAuth auth = rule();
        assertTrue(auth.allowed("127.0.0.1", null));
        assertTrue(auth.allowed("[::1]", null));
        assertTrue(auth.allowed("::ffff:127.0.0.1", "anything"));
        assertFalse(auth.allowed("10.1.2.3", null), "a non-loopback client without a token");
        assertFalse(auth.allowed("10.1.2.3", "guess"), "no token is configured, so none can match");
        assertFalse(auth.allowed("localhost", null), "a host name is never trusted as loopback");
        assertFalse(auth.allowed(null, null));
        assertFalse(auth.tokenConfigured());
    }

    @Test
    void aBlankTokenCountsAsNone() {
        config.set(Map.of("gateway", Map.of("auth", Map.of("token", "  "))));
        assertTrue(rule().allowed("127.0.0.1", null));
        assertFalse(rule().allowed("192.168.0.9", "  "));
    }

    @Test
    void withATokenEveryClientMustPresentIt() {
        config.set(Map.of("gateway", Map.of("auth", Map.of("token", "s3cret"))));
        GatewayAuth auth = rule();
        assertTrue(auth.allowed("10.1.2.3", "s3cret"));
        assertFalse(auth.allowed("10.1.2.3", "s3cre"));
        assertFalse(auth.allowed("10.1.2.3", null));
        assertFalse(auth.allowed("127.0.0.1", null), "loopback needs the token too once one is set");
        assertFalse(auth.allowed("127.0.0.1", "S3CRET"));
        assertTrue(auth.tokenConfigured());
    }

    @Test
    void theTokenInForceIsReadOnEveryCall() {
        GatewayAuth auth = rule();
        assertFalse(auth.allowed("10.1.2.3", "new"));
        config.set(Map.of("gateway", Map.of("auth", Map.of("token", "new"))));
        assertTrue(auth.allowed("10.1.2.3", "new"));
        config.set(Map.of());
        assertFalse(auth.allowed("10.1.2.3", "new"));
    }

    @Test
    void gatewayOnLoopbackFollowsTheSocket() {
        assertTrue(new GatewayTokenRule(config, boundTo("127.0.0.1")).gatewayOnLoopback());
        assertTrue(new GatewayTokenRule(config, boundTo("::1")).gatewayOnLoopback());
        assertFalse(new GatewayTokenRule(config, boundTo("0.0.0.0")).gatewayOnLoopback());
    }

    @Test
    void bearerTokens() {
        assertEquals("abc", GatewayAuth.bearer("Bearer abc"));
        assertEquals("abc", GatewayAuth.bearer("  bearer   abc  "));
        assertNull(GatewayAuth.bearer("Basic dXNlcjpwYXNz"));
        assertNull(GatewayAuth.bearer(null));
    }
}
