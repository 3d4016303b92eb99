package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Plugins on the launched distribution: install, update and uninstall through the shell and through
 * {@code deploy/}, each bad-artifact hazard, rollback, and enable/disable — with clients on loopback
 * running throughout, none of which may be refused or fail.
 */
class PluginsTest {
    static final String ID = TestJars.EXAMPLE_ID;

    @TempDir
    Path tmp;
    Gateway g;
    InetSocketAddress gateway;
    final List<LoadLoop> loads = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        assertTrue(Files.isRegularFile(TestJars.EXAMPLE), "example plugin not built: " + TestJars.EXAMPLE.toAbsolutePath());
        g = Gateway.copyInto(tmp.resolve("home"));
        int port = Gateway.freePort();
        // agent "shouter" uses the example plugin's model provider; peer "shout" on the openai channel
        // and everything on the web chat go to it; everyone else gets the default echo agent.
        g.writeConfig("""
                {
                  gateway: { bind: 'loopback', port: %d, reload: { deferralTimeoutMs: 10000 } },
                  agents: { list: [ { id: 'main' }, { id: 'shouter', model: 'example-upper' }, { id: 'slowpoke', model: 'slow' } ] },
                  models: { providers: { slow: { type: 'example-upper', delayMs: 400 } } },
                  bindings: [
                    { agentId: 'shouter', match: { channel: 'openai', peer: { kind: 'direct', id: 'shout' } } },
                    { agentId: 'shouter', match: { channel: 'webchat' } },
                    { agentId: 'slowpoke', match: { channel: 'openai', peer: { kind: 'direct', id: 'slow' } } },
                  ],
                }
                """.formatted(port));
        g.runInForeground();
        g.awaitHealthy(Duration.ofSeconds(60));
        gateway = g.listen();
    }

    @AfterEach
    void stop() throws Exception {
        for (LoadLoop l : loads) {
            l.close();
        }
        if (g != null) {
            g.close();
        }
    }

    /** Health probes and echo chats, each on a new connection, until the test ends. */
    void startLoad() {
        loads.add(new LoadLoop(gateway));
        loads.add(LoadLoop.chat(gateway, "load-1"));
        loads.add(LoadLoop.chat(gateway, "load-2"));
    }

    /** Stops the load and asserts that no request was refused or failed and that it kept going. */
    void assertLoadClean() throws InterruptedException {
        for (LoadLoop l : loads) {
            l.close();
            assertEquals(0, l.refused.get(), "refused: " + l);
            assertEquals(0, l.failed.get(), "failed: " + l);
            assertTrue(l.ok.get() > 10, "the load ran: " + l);
        }
        loads.clear();
    }

    // ---- helpers

    JsonNode plugins() throws IOException {
        Gateway.Result r = g.cli("shell", "plugins:list --json");
        assertEquals(0, r.exit(), r.toString());
        return Gateway.JSON.readTree(r.out());
    }

    JsonNode plugin(String id) throws IOException {
        for (JsonNode p : plugins()) {
            if (id.equals(p.path("id").asText())) {
                return p;
            }
        }
        return null;
    }

    /** The plugin's row once it has the state (and version, when given). */
    JsonNode awaitPlugin(String id, String state, String version) {
        JsonNode[] seen = new JsonNode[1];
        Gateway.await(Duration.ofSeconds(60), () -> {
            try {
                for (JsonNode p : plugins()) {
                    if (id.equals(p.path("id").asText()) && state.equals(p.path("state").asText())
                            && (version == null || version.equals(p.path("version").asText()))) {
                        seen[0] = p;
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        }, "plugin " + id + " " + state + (version == null ? "" : " " + version));
        return seen[0];
    }

    void awaitGone(String id) {
        Gateway.await(Duration.ofSeconds(60), () -> {
            try {
                return plugin(id) == null;
            } catch (IOException e) {
                return false;
            }
        }, "plugin " + id + " gone from plugins:list");
    }

    long restarts() throws IOException {
        return g.status().path("restarts").asLong();
    }

    void awaitRestarts(long atLeast) {
        Gateway.await(Duration.ofSeconds(60), () -> {
            try {
                return restarts() >= atLeast;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }, atLeast + " restarts");
    }

    Gateway.Result shell(String command) {
        return g.cli("shell", command);
    }

    /** One chat through the OpenAI-compatible channel as {@code user}: status code and body. */
    HttpResponse<String> chat(String user, String text) throws IOException, InterruptedException {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}],\"user\":\"" + user + "\"}";
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.getPort()
                + "/v1/chat/completions")).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    void assertShouterAnswers() throws Exception {
        HttpResponse<String> r = chat("shout", "hello");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("HELLO"), "the example provider answered: " + r.body());
    }

    void assertShouterHasNoProvider() throws Exception {
        HttpResponse<String> r = chat("shout", "hello");
        assertNotEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("example-upper"), "the error names the missing provider: " + r.body());
    }

    Path deploy(String name) {
        return g.home.resolve("deploy").resolve(name);
    }

    /** Copies into deploy/ the way an operator's cp does: the file appears, then fills. */
    void copyIntoDeploy(Path jar, String name) throws IOException {
        Files.copy(jar, deploy(name), StandardCopyOption.REPLACE_EXISTING);
    }

    // ---- tests

    @Test
    void installUpdateAndUninstallThroughTheShellUnderLoad() throws Exception {
        assertShouterHasNoProvider();
        startLoad();
        long r0 = restarts();

        Gateway.Result install = shell("plugins:install " + TestJars.EXAMPLE.toAbsolutePath());
        assertEquals(0, install.exit(), install.toString());
        JsonNode p = awaitPlugin(ID, "enabled", null);
        assertEquals("file:" + TestJars.EXAMPLE.toAbsolutePath(), p.path("source").asText());
        awaitRestarts(r0 + 1);
        assertShouterAnswers();

        // a streamed reply from the plugin being updated is in flight: the restart waits for it
        HttpResponse<java.util.stream.Stream<String>> streaming = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.getPort() + "/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"in flight\"}],\"user\":\"slow\"}"))
                .build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, streaming.statusCode(), "the first delta is out: the reply is in flight");
        Path v2 = TestJars.exampleWithVersion(tmp, "0.9.1.test");
        Gateway.Result update = shell("plugins:update " + ID + " " + v2);
        assertEquals(0, update.exit(), update.toString());
        String streamed = String.join("\n", streaming.body().toList());
        assertTrue(streamed.contains("[DONE]") && streamed.replace("\"", "").contains("FLIGHT"),
                "the in-flight reply completed across the update: " + streamed);
        awaitPlugin(ID, "enabled", "0.9.1.test");
        assertShouterAnswers();

        Gateway.Result same = shell("plugins:update " + ID + " " + v2);
        assertEquals(0, same.exit(), same.toString());
        assertTrue(same.out().contains("up to date"), same.out());

        Gateway.Result uninstall = shell("plugins:uninstall " + ID);
        assertEquals(0, uninstall.exit(), uninstall.toString());
        awaitGone(ID);
        awaitRestarts(r0 + 3);
        assertShouterHasNoProvider();
        assertEquals(r0 + 3, restarts(), "one restart per change; a no-op update restarts nothing");

        // two installs in one shell command: the restart waits for the command, so both share it
        Gateway.Result both = shell("plugins:install " + TestJars.plainBundle(tmp, "io.gatehouse.test.a") + " ; plugins:install "
                + TestJars.plainBundle(tmp, "io.gatehouse.test.b"));
        assertEquals(0, both.exit(), both.toString());
        awaitPlugin("io.gatehouse.test.a", "enabled", "1.0.0");
        awaitPlugin("io.gatehouse.test.b", "enabled", "1.0.0");
        assertEquals(r0 + 4, restarts(), "two staged changes, one coalesced restart");
        assertLoadClean();
    }

    @Test
    void mavenCoordinatesResolveFromTheLocalRepository() throws Exception {
        Path repo = tmp.resolve("m2");
        Path art = repo.resolve("io/gatehouse/gatehouse-example-plugin/0.1.0-test/gatehouse-example-plugin-0.1.0-test.jar");
        Files.createDirectories(art.getParent());
        Files.copy(TestJars.EXAMPLE, art);
        assertEquals(0, shell("config:set plugins.maven.localRepository '\"" + repo + "\"'").exit());

        Gateway.Result missing = shell("plugins:install mvn:io.gatehouse/gatehouse-example-plugin/9.9.9");
        assertNotEquals(0, missing.exit(), missing.toString());
        assertTrue((missing.out() + missing.err()).contains("9.9.9"), "names what it looked for: " + missing);

        Gateway.Result install = shell("plugins:install mvn:io.gatehouse/gatehouse-example-plugin/0.1.0-test");
        assertEquals(0, install.exit(), install.toString());
        JsonNode p = awaitPlugin(ID, "enabled", null);
        assertEquals("mvn:io.gatehouse/gatehouse-example-plugin/0.1.0-test", p.path("source").asText());
        assertShouterAnswers();
    }

    @Test
    void deployFolderInstallsUpdatesAndUninstallsUnderLoad() throws Exception {
        startLoad();
        long r0 = restarts();

        // a half-copied jar: nothing happens until the copy is complete
        Path target = deploy("example.jar");
        try (OutputStream out = Files.newOutputStream(target)) {
            out.write(TestJars.truncatedExample(0.5));
            out.flush();
            Gateway.await(Duration.ofSeconds(10), () -> g.logContains("example.jar is not complete yet"),
                    "the deploy folder to see the partial example.jar");
            JsonNode seen = plugin(ID);
            assertTrue(seen == null, "a partial jar is not installed: " + seen);
            out.write(Files.readAllBytes(TestJars.EXAMPLE), (int) (Files.size(TestJars.EXAMPLE) * 0.5),
                    (int) Files.size(TestJars.EXAMPLE) - (int) (Files.size(TestJars.EXAMPLE) * 0.5));
        }
        JsonNode p = awaitPlugin(ID, "enabled", null);
        assertEquals("deploy:example.jar", p.path("source").asText());
        assertShouterAnswers();

        // replace in place → update
        Path v2 = TestJars.exampleWithVersion(tmp, "0.9.2.test");
        copyIntoDeploy(v2, "example.jar");
        awaitPlugin(ID, "enabled", "0.9.2.test");

        // delete → uninstall
        Files.delete(target);
        awaitGone(ID);
        assertShouterHasNoProvider();
        long used = restarts() - r0;
        assertTrue(used >= 3 && used <= 4, "about one restart per change, got " + used);
        assertLoadClean();
    }

    @Test
    void badArtifactsAreRejectedAndNeverDisturbTheGateway() throws Exception {
        startLoad();
        long r0 = restarts();
        // ignored outright: temp, hidden, editor files
        Files.write(deploy("example.jar.part"), TestJars.truncatedExample(0.7));
        Files.copy(TestJars.EXAMPLE, deploy(".hidden.jar"));
        Files.write(deploy(".example.jar.swp"), new byte[] {1, 2, 3});
        // rejected with a reason
        Files.write(deploy("corrupt.jar"), "PK\u0003\u0004 this is no zip at all".getBytes());
        Files.copy(TestJars.notABundle(tmp), deploy("plain.jar"));

        JsonNode corrupt = awaitPluginBySource("deploy:corrupt.jar", "rejected");
        assertFalse(corrupt.path("reason").asText().isBlank(), corrupt.toString());
        JsonNode plain = awaitPluginBySource("deploy:plain.jar", "rejected");
        assertTrue(plain.path("reason").asText().contains("Bundle-SymbolicName"), plain.toString());
        for (JsonNode p : plugins()) {
            String src = p.path("source").asText();
            assertFalse(src.contains(".part") || src.contains(".hidden") || src.contains(".swp"), "ignored file listed: " + p);
        }

        Gateway.Result viaShell = shell("plugins:install " + deploy("corrupt.jar"));
        assertNotEquals(0, viaShell.exit(), "a corrupt jar fails the command: " + viaShell);
        assertTrue((viaShell.out() + viaShell.err()).contains("corrupt.jar"), viaShell.toString());
        assertEquals(r0, restarts(), "rejected artifacts restart nothing");
        assertEquals(200, g.healthz());
        assertLoadClean();
    }

    JsonNode awaitPluginBySource(String source, String state) {
        JsonNode[] seen = new JsonNode[1];
        Gateway.await(Duration.ofSeconds(30), () -> {
            try {
                for (JsonNode p : plugins()) {
                    if (source.equals(p.path("source").asText()) && state.equals(p.path("state").asText())) {
                        seen[0] = p;
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        }, source + " " + state);
        return seen[0];
    }

    @Test
    void pluginsThatDoNotResolveOrStartAreRolledBack() throws Exception {
        copyIntoDeploy(TestJars.EXAMPLE, "example.jar");
        awaitPlugin(ID, "enabled", null);
        startLoad();

        // an activator that throws, through the shell: staged, restarted, rolled back, reported
        Gateway.Result install = shell("plugins:install " + TestJars.throwingActivator(tmp));
        assertEquals(0, install.exit(), install.toString());
        JsonNode failed = awaitPlugin("io.gatehouse.test.throwing", "failed", null);
        assertTrue(failed.path("reason").asText().contains("test plugin refuses to start"), failed.toString());

        // a bundle that cannot resolve, through deploy/
        copyIntoDeploy(TestJars.unresolvable(tmp), "unresolvable.jar");
        JsonNode unresolved = awaitPlugin("io.gatehouse.test.unresolvable", "failed", null);
        assertTrue(unresolved.path("reason").asText().contains("io.gatehouse.does.not.exist"), unresolved.toString());

        // an update (through deploy/, where it was installed from) whose new version does not start:
        // the old version comes back
        String version = plugin(ID).path("version").asText();
        copyIntoDeploy(TestJars.throwingActivator(tmp, ID, "9.9.9"), "example.jar"); // replaced in place
        JsonNode failedUpdate = awaitPlugin(ID, "failed", "9.9.9");
        assertTrue(failedUpdate.path("reason").asText().contains("test plugin refuses to start"), failedUpdate.toString());

        // the good plugin kept running through the rollbacks, and nothing loops
        awaitPlugin(ID, "enabled", version);
        assertShouterAnswers();
        long settled = restarts();
        assertTrue(g.log().contains("rolling back to the last good set"), "the launcher says why");
        // the framework the rollback started scanned deploy/ again and left the failed file alone
        Gateway.await(Duration.ofSeconds(10), () -> g.logContains("unresolvable.jar: io.gatehouse.test.unresolvable 1.0.0 was rolled back"),
                "the deploy folder to skip the rolled-back file");
        assertEquals(settled, restarts(), "a rolled-back deploy file is not retried until it changes");
        assertEquals("failed", plugin("io.gatehouse.test.unresolvable").path("state").asText());
        assertLoadClean();
    }

    @Test
    void enableAndDisableAreHotPersistedAndKeptAcrossRestarts() throws Exception {
        copyIntoDeploy(TestJars.EXAMPLE, "example.jar");
        awaitPlugin(ID, "enabled", null);
        startLoad();
        long r0 = restarts();
        for (int i = 0; i < 3; i++) {
            Gateway.Result off = shell("plugins:disable " + ID);
            assertEquals(0, off.exit(), off.toString());
            assertEquals("disabled", plugin(ID).path("state").asText(), "disable is done when the command returns");
            assertShouterHasNoProvider();
            Gateway.Result on = shell("plugins:enable " + ID);
            assertEquals(0, on.exit(), on.toString());
            assertEquals("enabled", plugin(ID).path("state").asText());
            assertShouterAnswers();
        }
        assertEquals(r0, restarts(), "enable/disable never restarts the framework");

        assertEquals(0, shell("plugins:disable " + ID).exit());
        String config = Files.readString(g.home.resolve("etc/gatehouse.json"));
        assertTrue(config.contains("io.gatehouse.example.upper") && config.contains("enabled: false")
                || config.contains("\"enabled\": false"), "persisted in gatehouse.json:\n" + config);
        assertEquals(0, shell("gateway:restart").exit());
        awaitRestarts(r0 + 1);
        assertEquals("disabled", awaitPlugin(ID, "disabled", null).path("state").asText(), "kept across restarts");
        assertShouterHasNoProvider();

        // plugins.allow: installed but not started, with a clear status
        assertEquals(0, shell("plugins:enable " + ID).exit());
        assertEquals(0, shell("config:set plugins.allow '[\"io.gatehouse.channel.openai\",\"io.gatehouse.channel.webchat\"]'").exit());
        JsonNode notAllowed = awaitPlugin(ID, "disabled", null);
        assertTrue(notAllowed.path("reason").asText().contains("plugins.allow"), notAllowed.toString());
        assertNotEquals(0, shell("plugins:enable " + ID).exit(), "enabling a plugin the allow list excludes fails");
        assertEquals(0, shell("config:unset plugins.allow").exit());
        awaitPlugin(ID, "enabled", null);
        assertShouterAnswers();
        assertEquals(r0 + 1, restarts());
        assertLoadClean();
    }

    @Test
    void disablingAChannelPluginDrainsItsInFlightMessagesFirst() throws Exception {
        copyIntoDeploy(TestJars.EXAMPLE, "example.jar");
        awaitPlugin(ID, "enabled", null);
        // the web chat goes to a slow agent, so replies are in flight when the channel is disabled
        assertEquals(0, shell("config:set agents.list.1.model '\"slow\"'").exit());
        startLoad();
        CompletableFuture<String> done = new CompletableFuture<>();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        CompletableFuture<Void> firstDelta = new CompletableFuture<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + gateway.getPort() + "/ws"), new WebSocket.Listener() {
                    final StringBuilder frame = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        frame.append(data);
                        if (last) {
                            String f = frame.toString();
                            frame.setLength(0);
                            if (f.contains("\"ready\"")) {
                                ready.complete(null);
                            } else if (f.contains("\"delta\"")) {
                                firstDelta.complete(null);
                            } else if (f.contains("\"done\"") || f.contains("\"error\"")) {
                                done.complete(f);
                            }
                        }
                        socket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        ready.get(10, TimeUnit.SECONDS);
        ws.sendText("{\"type\":\"message\",\"text\":\"still there\"}", true).get(5, TimeUnit.SECONDS);
        firstDelta.get(10, TimeUnit.SECONDS); // the slow reply is streaming: in flight

        Gateway.Result off = shell("plugins:disable io.gatehouse.channel.webchat");
        assertEquals(0, off.exit(), off.toString());
        String reply = done.get(20, TimeUnit.SECONDS);
        assertTrue(reply.contains("\"done\"") && reply.contains("STILL THERE"), "the in-flight reply completed: " + reply);
        assertEquals("disabled", plugin("io.gatehouse.channel.webchat").path("state").asText());
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.getPort() + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, page.statusCode(), "the web chat is gone");

        assertEquals(0, shell("plugins:enable io.gatehouse.channel.webchat").exit());
        Gateway.await(Duration.ofSeconds(10), () -> {
            try {
                return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.getPort() + "/"))
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }, "the web chat page back");
        assertLoadClean();
    }
}
