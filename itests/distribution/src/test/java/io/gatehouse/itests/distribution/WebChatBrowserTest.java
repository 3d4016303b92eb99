package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The web chat page of the launched distribution in a real browser: playwright-core drives the system Chromium
 * ({@code src/test/node/webchat-browser.mjs}), types like a user and waits for the streamed replies.
 */
class WebChatBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    @BeforeEach
    void browserInstalled() {
        NodeClient.require(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM + " (.ci/run installs it)");
        NodeClient.assumeInstalled("playwright-core");
    }

    @Test
    void aUserTypesTwoMessagesAndSeesBothStreamedReplies() throws Exception {
        Path home = Files.createDirectory(dir.resolve("home"));
        Path work = Files.createDirectory(dir.resolve("work"));
        Path screenshot = work.resolve("webchat.png");
        try (Gateway g = Gateway.copyInto(home)) {
            Gateway.Result start = g.cli("start");
            assertEquals(0, start.exit(), start.toString());
            g.awaitHealthy(Duration.ofSeconds(30));
            int port = g.listen().getPort();
            assertEquals("127.0.0.1", g.listen().getHostString(), "loopback only");

            String first = "hello from chromium";
            String second = "and a second one, sent with the button";
            Gateway.Result r = NodeClient.run(work, Duration.ofSeconds(120), "webchat-browser.mjs",
                    "http://127.0.0.1:" + port + "/", screenshot.toString(), first, second);
            assertEquals(0, r.exit(), r.toString());
            JsonNode out = Gateway.JSON.readTree(r.out());
            assertEquals("echo: " + first, out.path("reply").asText(), out.toString());
            assertEquals("echo: " + second, out.path("replies").path(1).asText(), out.toString());
            assertEquals(screenshot.toString(), out.path("screenshot").asText());

            assertTrue(Files.isRegularFile(screenshot), "screenshot written: " + screenshot);
            assertTrue(Files.size(screenshot) > 5_000, "a real page, not a blank image: " + Files.size(screenshot) + " bytes");
            try (InputStream in = Files.newInputStream(screenshot)) {
                assertArrayEquals(PNG, in.readNBytes(PNG.length), "a PNG file");
            }
            // kept beside the installed clients (target/screenshots) for a look after the build
            Path kept = NodeClient.CLIENTS.resolveSibling("screenshots").resolve("webchat.png");
            Files.createDirectories(kept.getParent());
            Files.copy(screenshot, kept, StandardCopyOption.REPLACE_EXISTING);

            // Both messages came from one page, so they are one webchat peer (the browser session) in one session.
            String peer = "direct:" + out.path("session").asText();
            assertFalse(out.path("session").asText().isEmpty(), out.toString());
            List<String> texts = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            for (JsonNode m : OpenAiClientTest.userMessages(g, "webchat")) {
                assertEquals(peer, m.path("peer").asText(), m.toString());
                texts.add(m.path("content").asText());
                keys.add(m.path("sessionKey").asText());
            }
            assertEquals(List.of(first, second), texts);
            assertEquals(keys.get(0), keys.get(1), "the same session: " + keys);
        }
    }
}
