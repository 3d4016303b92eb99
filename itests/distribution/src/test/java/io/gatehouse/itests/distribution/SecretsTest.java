package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets stay secret on the launched distribution: what the shell shows, what the log says, and who
 * may read the files that hold them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsTest {
    static final String TELEGRAM_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0";
    static final List<String> SECRETS = List.of("gw-secret-token-1", "pw-in-url", "hdr-secret-1", "hdr-secret-2", "hdr-secret-3",
            "newtok-secret-99", "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0", "wh-secret-77");

    Gateway g;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        g = Gateway.copyInto(tmp.resolve("home"));
        g.writeConfig("""
                {
                  gateway: { bind: 'loopback', port: %d, auth: { token: 'gw-secret-token-1' } },
                  models: { providers: { vllm: { type: 'openai-compatible', baseUrl: 'http://alice:pw-in-url@127.0.0.1:%d/v1',
                    maxRetries: 0, headers: { Authorization: 'Bearer hdr-secret-1', 'x-api-key': 'hdr-secret-2', 'Api-Key': 'hdr-secret-3' } } } },
                  agents: { list: [ { id: 'main', default: true }, { id: 'remote', model: 'vllm/m1' } ] },
                  bindings: [ { agentId: 'remote', match: { channel: 'openai', peer: { kind: 'direct', id: 'remote' } } } ],
                }
                """.formatted(Gateway.freePort(), Gateway.freePort()));
        g.runInForeground();
        g.awaitHealthy(Duration.ofSeconds(60));
    }

    @AfterAll
    void stop() {
        if (g != null) {
            g.close();
        }
    }

    private static void assertNoSecret(String where, String text) {
        for (String s : SECRETS) {
            assertFalse(text.contains(s), s + " shown in " + where + ":\n" + text);
        }
    }

    @Test
    void theShellNeverShowsTokensHeaderValuesOrUrlCredentials() {
        for (String cmd : List.of("config:show", "config:show models", "config:get models.providers.vllm.headers",
                "config:get models.providers.vllm.baseUrl", "config:get gateway.auth.token")) {
            Gateway.Result r = g.cli("shell", cmd);
            assertEquals(0, r.exit(), r.toString());
            assertNoSecret(cmd, r.out() + r.err());
        }
        Gateway.Result headers = g.cli("shell", "config:get models.providers.vllm.headers");
        assertTrue(headers.out().contains("\"x-api-key\" : \"<redacted>\""), headers.out());
    }

    @Test
    void filesHoldingSecretsAreTheOwnersOnly() throws Exception {
        Gateway.Result set = g.cli("shell", "config:set gateway.auth.token newtok-secret-99");
        assertEquals(0, set.exit(), set.toString());
        Gateway.Result cm = g.cli("shell", "config:get gateway.auth.token");
        assertNoSecret("config:get after config:set", cm.out() + cm.err());
        Gateway.await(Duration.ofSeconds(10), () -> Files.exists(g.home.resolve("data/config-admin")), "Config Admin's store");

        assertEquals("rw-------", mode(g.home.resolve("etc/gatehouse.json")), "the config as shipped and after config:set");
        assertEquals("rwx------", mode(g.home.resolve("data")));
        assertEquals("rw-------", mode(g.home.resolve("data/config/last-good.json")));
        assertEquals("rw-------", mode(g.home.resolve("data/admin.token")));
        // data/ is 0700, so nothing in it is reachable by others; the files that hold secrets are 0600 besides
        List<String> open = new ArrayList<>();
        try (Stream<Path> files = Stream.of("data/config-admin", "data/config", "data/admin.token")
                .map(g.home::resolve).filter(Files::exists).flatMap(SecretsTest::walk)) {
            for (Path f : files.toList()) {
                Set<PosixFilePermission> p = Files.getPosixFilePermissions(f);
                if (p.stream().anyMatch(x -> x.name().startsWith("GROUP") || x.name().startsWith("OTHERS"))) {
                    open.add(g.home.relativize(f) + " " + PosixFilePermissions.toString(p));
                }
            }
        }
        assertEquals(List.of(), open, "files holding secrets that others could read if data/ were open");
        assertNoSecret("the log", g.log());
    }

    @Test
    void aConfigFileOthersCanReadIsReportedAtStart(@TempDir Path other) throws Exception {
        try (Gateway second = Gateway.copyInto(other.resolve("home"))) {
            Files.setPosixFilePermissions(second.home.resolve("etc/gatehouse.json"), PosixFilePermissions.fromString("rw-r--r--"));
            second.runInForeground();
            second.awaitHealthy(Duration.ofSeconds(60));
            Gateway.await(Duration.ofSeconds(10), () -> second.logContains("is readable or writable by other users (rw-r--r--)"),
                    "the permission warning");
            assertTrue(second.logContains("chmod 600 " + second.home.resolve("etc/gatehouse.json")), readLog(second));
        }
    }

    /**
     * A provider's URL credentials reach no client, log line or transcript: the failed turn's error
     * names the provider (an unreachable one here: nothing listens on its port).
     */
    @Test
    void aFailingProvidersUrlCredentialsReachNoClientLogOrTranscript() throws Exception {
        Gateway.Result set = g.cli("shell", "config:set gateway.auth.token test-token-for-the-provider-call");
        assertEquals(0, set.exit(), set.toString());
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create("http://127.0.0.1:" + g.listen().getPort() + "/v1/chat/completions"))
                .header("Authorization", "Bearer test-token-for-the-provider-call").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gatehouse\",\"user\":\"remote\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .timeout(Duration.ofSeconds(60)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() >= 500, r.statusCode() + " " + r.body());
        assertTrue(r.body().contains("vllm"), "the error names the provider: " + r.body());
        assertNoSecret("the HTTP error sent to the client", r.body());
        Gateway.await(Duration.ofSeconds(10), () -> g.logContains("vllm"), "the failure in the log");
        assertNoSecret("the log", g.log());
        // a new session's first lines are written by a transcript thread, possibly after the reply
        String[] transcripts = {""};
        Gateway.await(Duration.ofSeconds(10), () -> {
            transcripts[0] = transcripts();
            return transcripts[0].contains("\"error\"");
        }, "the failure in the transcript");
        assertNoSecret("the session transcript", transcripts[0]);
    }

    private String transcripts() {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(g.home.resolve("data/agents"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                all.append(Files.readString(f));
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return ""; // a file renamed or deleted while walked: look again
        }
        return all.toString();
    }

    /**
     * The Telegram channel's bot token and webhook secret: never in config:show/get, channels:list or the log,
     * also while the channel fails against a Bot API server that refuses it (its URLs carry the token).
     */
    @Test
    void telegramSecretsShowNowhere() throws Exception {
        String section = "{\"botToken\":\"" + TELEGRAM_TOKEN + "\",\"webhookSecret\":\"wh-secret-77\",\"apiRoot\":\"http://127.0.0.1:"
                + Gateway.freePort() + "\"}";
        Gateway.Result set = g.cli("shell", "config:set channels.telegram '" + section + "'");
        assertEquals(0, set.exit(), set.toString());
        try {
            Gateway.await(Duration.ofSeconds(30), () -> {
                Gateway.Result l = g.cli("shell", "channels:list", "--json");
                return l.exit() == 0 && l.out().contains("\"telegram\"") && l.out().contains("accounts");
            }, "the telegram channel in channels:list");
            List<String> shown = new ArrayList<>();
            for (String cmd : List.of("config:show", "config:show channels", "config:get channels.telegram",
                    "config:get channels.telegram.botToken", "channels:list")) {
                Gateway.Result r = g.cli("shell", cmd);
                assertEquals(0, r.exit(), cmd + ": " + r);
                shown.add(cmd + ": " + r.out() + r.err());
            }
            Gateway.Result json = g.cli("shell", "channels:list", "--json");
            shown.add("channels:list --json: " + json.out() + json.err());
            assertTrue(shown.get(2).contains("\"botToken\" : \"<redacted>\"") && shown.get(2).contains("\"webhookSecret\" : \"<redacted>\""),
                    shown.get(2));
            for (String text : shown) {
                assertNoSecret(text.substring(0, text.indexOf(':')), text);
            }
            assertNoSecret("the log", g.log());
        } finally {
            assertEquals(0, g.cli("shell", "config:unset channels.telegram").exit());
        }
    }

    /** A secret written without quotes is the token the parser stops at: the error names its kind, never its text. */
    @Test
    void aParseErrorNeverEchoesTheTokenItStoppedAt() throws Exception {
        String before = Files.readString(g.home.resolve("etc/gatehouse.json"));
        try {
            g.writeConfig(before.replace("'gw-secret-token-1'", "sk_live_unquoted_42"));
            Gateway.await(Duration.ofSeconds(20), () -> g.logContains("a bare word of 19 characters"), "the parse error in the log");
            Gateway.Result history = g.cli("shell", "config:history", "--json");
            Gateway.Result status = g.cli("shell", "gateway:status", "--json");
            assertEquals(0, status.exit(), status.toString());
            assertTrue(status.out().contains("a bare word of 19 characters"), status.out());
            for (String shown : List.of(g.log(), history.out() + history.err(), status.out() + status.err(),
                    Files.exists(g.home.resolve("data/config/history.jsonl")) ? Files.readString(g.home.resolve("data/config/history.jsonl")) : "")) {
                assertFalse(shown.contains("sk_live_unquoted_42"), shown);
            }
        } finally {
            g.writeConfig(before + "\n// restored by the test\n");
            Gateway.await(Duration.ofSeconds(20), () -> {
                Gateway.Result st = g.cli("shell", "gateway:status", "--json");
                return st.exit() == 0 && !st.out().contains("a bare word of 19 characters");
            }, "the valid config back in force");
        }
    }

    /** The log names the address HTTP serves, never the port of Felix HTTP's bootstrap connector (closed at once). */
    @Test
    void everyPortTheLogNamesForHttpIsTheGatewayPort() throws Exception {
        int port = g.listen().getPort();
        Gateway.await(Duration.ofSeconds(10), () -> g.logContains("HTTP serving on the gateway socket 127.0.0.1:" + port),
                "the line naming the gateway socket");
        List<String> wrong = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("HTTP:(\\d+)").matcher(g.log());
        while (m.find()) {
            if (Integer.parseInt(m.group(1)) != port) {
                wrong.add(m.group());
            }
        }
        assertEquals(List.of(), wrong, "log lines naming an HTTP port other than the gateway's " + port);
    }

    private static Stream<Path> walk(Path p) {
        try {
            return Files.walk(p).toList().stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String readLog(Gateway gw) throws IOException {
        return gw.log();
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
