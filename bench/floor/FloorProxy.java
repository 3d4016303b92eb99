import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The floor of the concurrent-conversations benchmark: the gateway's two HTTP stacks and nothing else.
 * Jetty 12 (the jar the distribution runs, core handler API, no servlet layer) takes
 * {@code POST /v1/chat/completions}, and the JDK HttpClient (as the openai-compatible provider: HTTP/1.1, async,
 * callbacks on its selector thread, two clients) forwards the body unchanged to the model; the model's answer goes
 * back to the client as it came. No routing, session, prompt, transcript or JSON. What this process
 * needs per conversation is what any gateway on this stack needs at least.
 *
 *   java [the JVM options of bin/gatehouse run] -cp JETTY12_JAR:SLF4J_JAR FloorProxy.java HOME MODEL_PORT [echo]
 *
 * It listens on a free loopback port and writes it to {@code HOME/data/run/gateway.listen} as the gateway does,
 * so a harness starts it like a gateway (bench/floor/floor.sh; {@code --floor} of bench/turns.sh, bench/e2e.sh).
 * {@code echo}: answer every POST at once with {@code echo: <the last "content" string>} as a completion (the
 * floor of the echo benchmark; the text is found by a scan, not a JSON parser).
 * {@code GET /v1/models} answers a fixed list (the benchmark's warm-up request).
 */
public class FloorProxy {
    public static void main(String[] args) throws Exception {
        java.nio.file.Path run = java.nio.file.Path.of(args[0], "data", "run");
        URI model = URI.create("http://127.0.0.1:" + Integer.parseInt(args[1]) + "/v1/chat/completions"); // 0: none (echo)
        boolean echo = args.length > 2 && args[2].equals("echo");
        // as the provider: HTTP/1.1, two clients (two selector threads) taken in turn
        HttpClient[] clients = new HttpClient[2];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Runnable::run).build();
        }
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        byte[] models = "{\"object\":\"list\",\"data\":[{\"id\":\"floor\",\"object\":\"model\"}]}".getBytes(StandardCharsets.UTF_8);

        QueuedThreadPool pool = new QueuedThreadPool(48, 4);
        pool.setName("floor-qtp");
        Server server = new Server(pool);
        // as the gateway's connector (gatehouse-http GatewayConnectorFactory): no per-connection header cache
        org.eclipse.jetty.server.HttpConfiguration http = new org.eclipse.jetty.server.HttpConfiguration();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(16_384);
        http.setHeaderCacheSize(0);
        ServerConnector connector = new ServerConnector(server, 1, 1, new org.eclipse.jetty.server.HttpConnectionFactory(http));
        connector.setIdleTimeout(30_000);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(4096);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (!"POST".equals(request.getMethod())) {
                    json(response, models, callback);
                    return true;
                }
                Content.Source.asByteBufferAsync(request).whenComplete((body, err) -> {
                    if (err != null) {
                        Response.writeError(request, response, callback, err);
                        return;
                    }
                    byte[] b = new byte[body.remaining()];
                    body.get(b);
                    if (echo) {
                        json(response, echo(b), callback);
                        return;
                    }
                    HttpRequest forward = HttpRequest.newBuilder(model).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(b)).build();
                    HttpClient client = clients[Math.floorMod(next.getAndIncrement(), clients.length)];
                    client.sendAsync(forward, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((res, e) -> {
                        if (e != null) {
                            Response.writeError(request, response, callback, e);
                        } else {
                            json(response, res.body(), callback);
                        }
                    });
                });
                return true;
            }
        });
        server.start();
        String listen = "127.0.0.1:" + connector.getLocalPort();
        java.nio.file.Files.createDirectories(run);
        java.nio.file.Files.writeString(run.resolve("gateway.listen.tmp"), listen);
        java.nio.file.Files.move(run.resolve("gateway.listen.tmp"), run.resolve("gateway.listen"),
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.println("floor listening on " + listen);
        server.join();
    }

    /** The completion the echo agent would give: the last {@code "content":"..."} of the request, still escaped. */
    static byte[] echo(byte[] request) {
        String body = new String(request, StandardCharsets.UTF_8);
        int at = body.lastIndexOf("\"content\":\"");
        String text = "";
        if (at >= 0) {
            int from = at + 11;
            int to = from;
            while (to < body.length() && body.charAt(to) != '"') {
                to += body.charAt(to) == '\\' ? 2 : 1;
            }
            text = body.substring(from, Math.min(to, body.length()));
        }
        return ("{\"id\":\"chatcmpl-floor\",\"object\":\"chat.completion\",\"model\":\"floor\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"echo: " + text + "\"},\"finish_reason\":\"stop\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static void json(Response response, byte[] body, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
