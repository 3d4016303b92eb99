package io.gatehouse.launcher.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;

/** No command line reaches the log through a thread name. */
class SafeThreadNameTest {

    @Test
    void gogoPipeThreadsAreLoggedWithoutTheirCommandLine() {
        assertEquals("gogo-pipe", SafeThreadName.safe("pipe-config:set gateway.auth.token sk_live_123"));
        assertEquals("gatehouse-shell-1", SafeThreadName.safe("gatehouse-shell-1"));
        assertEquals("main", SafeThreadName.safe("main"));
    }

    /** With the distribution's logback.xml, a line logged while Gogo runs a command names no part of it. */
    @Test
    void theDistributionsLogConfigUsesIt(@TempDir Path home) throws Exception {
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        ctx.putProperty("gatehouse.home", home.toString());
        JoranConfigurator j = new JoranConfigurator();
        j.setContext(ctx);
        j.doConfigure(Path.of("../src/dist/etc/logback.xml").toFile());
        Thread t = new Thread(() -> ctx.getLogger("io.gatehouse.config.ConfigPipeline").info("config change detected"),
                "pipe-config:set gateway.auth.token sk_live_123");
        t.start();
        t.join();
        ctx.stop();
        String log = Files.readString(home.resolve("data/log/gatehouse.log"));
        assertTrue(log.contains("[gogo-pipe] io.gatehouse.config.ConfigPipeline - config change detected"), log);
        assertFalse(log.contains("sk_live_123"), log);
    }
}
