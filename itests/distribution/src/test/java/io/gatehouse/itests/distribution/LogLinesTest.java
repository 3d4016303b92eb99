package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the log says is what is true: the address it names is the one that listens. */
class LogLinesTest {

    @Test
    void everyPortTheLogNamesForHttpIsTheGatewayPort(@TempDir Path tmp) throws Exception {
        try (Gateway g = Gateway.copyInto(tmp.resolve("home"))) {
            g.runInForeground();
            g.awaitHealthy(Duration.ofSeconds(60));
            int port = g.listen().getPort();
            Gateway.await(Duration.ofSeconds(10), () -> g.logContains("HTTP serving on the gateway socket 127.0.0.1:" + port),
                    "the line naming the gateway socket");
            List<String> wrong = new ArrayList<>();
            Matcher m = Pattern.compile("(?m)^.*(?:Started Jetty|HTTP:|port\\(s\\)).*$").matcher(g.log());
            while (m.find()) {
                Matcher p = Pattern.compile("HTTP:(\\d+)").matcher(m.group());
                while (p.find()) {
                    if (Integer.parseInt(p.group(1)) != port) {
                        wrong.add(m.group());
                    }
                }
            }
            assertEquals(List.of(), wrong, "log lines naming an HTTP port other than the gateway's " + port);
            assertTrue(g.healthz() == 200);
        }
    }
}
