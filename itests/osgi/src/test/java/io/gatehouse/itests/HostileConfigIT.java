package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import io.gatehouse.api.config.ConfigError;
import io.gatehouse.api.config.ConfigException;
import io.gatehouse.api.config.ConfigSection;
import io.gatehouse.api.config.ConfigService;
import io.gatehouse.api.config.ReloadRule;
import io.gatehouse.api.config.schema.Issue;
import io.gatehouse.api.config.schema.Shape;
import io.gatehouse.itests.support.ConfigFile;
import io.gatehouse.itests.support.LauncherServices;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.Poll;
import io.gatehouse.itests.support.TestSections;

/**
 * Hostile and mistaken files in place of {@code gatehouse.json} (issue cases 2, 7 and 8): each is
 * rejected with the real reason, the last good config stays in force, the watcher survives, and the
 * next good file is applied.
 */
@ExtendWith(LauncherServicesExtension.class)
@ExtendWith(ServiceExtension.class)
class HostileConfigIT {
    static final Duration APPLY = ConfigFile.APPLY;

    @InjectService(timeout = 30_000)
    ConfigService config;

    ConfigFile configFile;
    Path file;
    Path etc;
    ServiceRegistration<ConfigSection> section;
    /** {@code talk} stands for a section only a framework restart applies. */
    ServiceRegistration<ConfigSection> restartSection;
    /** What the test section's check does to a value of {@code messages.boom}: an Error to throw. */
    final AtomicReference<Error> boom = new AtomicReference<>();

    @BeforeEach
    void setUp() throws Exception {
        configFile = ConfigFile.of(HostileConfigIT.class, ".hostile.tmp");
        file = configFile.path();
        etc = configFile.dir();
        section = TestSections.register(HostileConfigIT.class, "messages", new Shape() {
            @Override
            public void check(String path, Object value, List<Issue> out) {
                if (value instanceof Map<?, ?> m && m.containsKey("boom") && boom.get() != null) {
                    throw boom.get(); // an owner's check failing as badly as it can
                }
            }

            @Override
            public String describe() {
                return "anything";
            }
        }, ReloadRule.hot("messages"));
        restartSection = TestSections.restartOnly(HostileConfigIT.class, "talk");
    }

    @AfterEach
    void restore() throws Exception {
        section.unregister();
        restartSection.unregister();
        for (String leftover : new String[] {"a.json", "b.json"}) {
            Files.deleteIfExists(etc.resolve(leftover));
        }
        if (Files.isDirectory(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(file);
        }
        Files.deleteIfExists(file); // a FIFO or a link
        configFile.restore(config, () -> config.current().get("messages").isEmpty());
    }

    private static String good(int n) {
        return "{\n  gateway: { bind: 'loopback', port: 0 },\n  messages: { marker: " + n + " },\n}\n";
    }

    private void write(String text) throws Exception {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** temp file + rename, as editors do; whatever is at the path (a folder, a FIFO) is deleted first */
    private void write(byte[] bytes) throws Exception {
        configFile.replace(bytes);
    }

    private void applied(int n) {
        ConfigFile.awaitNumber(config, "messages.marker", n);
        Poll.until("no config error after marker " + n, APPLY, () -> config.lastError(), e -> e.isEmpty());
    }

    /** The hostile file is rejected with {@code reason}, the marker {@code n} stays in force, then {@code n+1} applies. */
    private ConfigError rejectedThenRecovers(int n, String reason) throws Exception {
        ConfigError e = Poll.until("rejection: " + reason, APPLY, () -> config.lastError().orElse(null),
                x -> x != null && x.reason().contains(reason));
        assertEquals(n, ((Number) config.current().get("messages.marker").orElseThrow()).intValue(), "last good in force");
        ConfigException direct = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(ConfigException.class, () -> config.reload()), "gateway:reload blocked");
        assertTrue(direct.error().reason().contains(reason), direct.error().toString());
        write(good(n + 1));
        applied(n + 1);
        return e;
    }

    @Test
    void aFifoInPlaceOfTheFileNeitherBlocksTheWatcherNorTheReload() throws Exception {
        write(good(1));
        applied(1);
        Files.delete(file);
        assumeTrue(new ProcessBuilder("mkfifo", file.toString()).start().waitFor() == 0, "mkfifo");
        rejectedThenRecovers(1, "not a regular file");
    }

    @Test
    void aLinkToDevZeroIsRefusedBeforeItIsRead() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/zero")));
        write(good(3));
        applied(3);
        Files.delete(file);
        Files.createSymbolicLink(file, Path.of("/dev/zero"));
        rejectedThenRecovers(3, "not a regular file");
    }

    @Test
    void aFolderALoopAndBadBytesAreNamedNotMissing() throws Exception {
        write(good(5));
        applied(5);
        Files.delete(file);
        Files.createDirectory(file);
        rejectedThenRecovers(5, "is a folder");

        Files.delete(file);
        Files.createSymbolicLink(etc.resolve("a.json"), etc.resolve("b.json"));
        Files.createSymbolicLink(etc.resolve("b.json"), etc.resolve("a.json"));
        Files.createSymbolicLink(file, etc.resolve("a.json"));
        rejectedThenRecovers(6, "symbolic link loop");

        byte[] bytes = good(7).replace("port: 0", "port: 0, x: 'a\u00ff'").getBytes(StandardCharsets.ISO_8859_1);
        write(bytes);
        ConfigError e = rejectedThenRecovers(7, "not UTF-8");
        assertEquals(2, e.line(), e.toString());
        assertTrue(e.column() > 30, e.toString());
    }

    @Test
    void aUtf8ByteOrderMarkIsAccepted() throws Exception {
        byte[] body = good(9).getBytes(StandardCharsets.UTF_8);
        byte[] bom = new byte[body.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, bom, 3, body.length);
        write(bom);
        applied(9);
    }

    @Test
    void aHugeFileAndADeepFileAreRefusedWithTheirLimits() throws Exception {
        write(good(11));
        applied(11);
        write("{ messages: { pad: '" + "x".repeat(2 << 20) + "' } }");
        rejectedThenRecovers(11, "over the limit of 1048576 bytes");

        write("{\n messages: " + "{ a: ".repeat(900) + "1" + " }".repeat(900) + "\n}");
        ConfigError deep = rejectedThenRecovers(12, "deeper than the limit of 64 levels");
        assertEquals(2, deep.line(), deep.toString());
    }

    /** Supervision: an Error thrown while the watcher's change is evaluated is reported, and the next edit applies. */
    @Test
    void anErrorInsideTheReloadIsReportedAndTheNextEditStillApplies() throws Exception {
        write(good(13));
        applied(13);
        for (Error injected : new Error[] {new StackOverflowError("injected"), new OutOfMemoryError("injected")}) {
            boom.set(injected);
            write(good(13).replace("marker: 13", "marker: 13, boom: true"));
            ConfigError e = Poll.until("the injected " + injected.getClass().getSimpleName() + " is reported", APPLY,
                    () -> config.lastError().orElse(null), x -> x != null && x.reason().contains("internal error"));
            assertEquals(13, ((Number) config.current().get("messages.marker").orElseThrow()).intValue());
            assertTrue(config.history().stream().anyMatch(h -> e.equals(h.error())), "in history too");
            boom.set(null);
            write(good(14));
            applied(14);
            write(good(13));
            applied(13);
        }
    }

    /** Case 7: writing back the content in force after a rejected edit clears the error. */
    @Test
    void writingBackTheConfigInForceClearsTheOldError() throws Exception {
        write(good(15));
        applied(15);
        write("{ messages: { marker: 16 }, gateway: { port: 'eighty' } }");
        Poll.until("rejected", APPLY, () -> config.lastError(), e -> e.isPresent());
        write(good(15)); // the very bytes in force
        Poll.until("the error is gone", APPLY, () -> config.lastError(), e -> e.isEmpty());
    }

    /** Case 7: in hot mode a restart-only change is in force but not running: said, and shown until undone. */
    @Test
    void hotModeSaysWhatIsNotRunning(LauncherServices launcher) throws Exception {
        String hot = "{\n  gateway: { bind: 'loopback', port: 0, reload: { mode: 'hot' } },\n  messages: { marker: 17 },\n}\n";
        write(hot);
        applied(17);
        int restarts = launcher.launcher().restartRequests().size();
        write(hot.replace("marker: 17 },", "marker: 18 },\n  talk: { voice: 'low' },"));
        applied(18);
        List<String> pending = Poll.until("pending restart shown", APPLY, () -> config.pendingRestart(),
                p -> p.stream().anyMatch(x -> x.startsWith("talk")));
        assertTrue(pending.get(0).contains("next framework restart"), pending.toString());
        assertEquals(restarts, launcher.launcher().restartRequests().size(), "hot mode restarts nothing");
        write(hot);
        applied(17);
        Poll.until("nothing pending once undone", APPLY, () -> config.pendingRestart(), List::isEmpty);
    }
}
