package io.gatehouse.channel.telegram;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Webhook mode: Telegram POSTs updates to an account's {@code webhookPath} (under {@code /telegram/}) with
 * the account's {@code webhookSecret} in {@code X-Telegram-Bot-Api-Secret-Token}. A request without the
 * right secret gets 401 and nothing else; an update is answered 200 only once it is recorded durably, so
 * Telegram retries what the gateway did not record, and the record drops what it sends twice.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/telegram/*",
        "osgi.http.whiteboard.servlet.name=gatehouse-telegram-webhook",
        "osgi.http.whiteboard.servlet.asyncSupported=true"})
public final class TelegramWebhook extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TelegramWebhook.class);
    static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
    static final int MAX_BODY = 1 << 20;

    private final transient TelegramChannel channel;

    @Activate
    public TelegramWebhook(@Reference TelegramChannel channel) {
        this.channel = channel;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getRequestURI();
        TelegramAccount account = channel.webhookAccount(path);
        if (account == null) {
            resp.sendError(404, "no telegram webhook at this path");
            return;
        }
        if (!secretMatches(account.settings.webhookSecret(), req.getHeader(SECRET_HEADER))) {
            LOG.warn("telegram webhook {}: a request from {} without the right secret token was refused", path, req.getRemoteAddr());
            resp.sendError(401, "secret token missing or wrong");
            return;
        }
        JsonNode update;
        try (InputStream in = req.getInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                resp.sendError(413, "update too large");
                return;
            }
            update = BotApi.JSON.readTree(body);
        } catch (IOException e) {
            resp.sendError(400, "not a JSON update");
            return;
        }
        if (update == null || !update.isObject() || !update.has("update_id")) {
            resp.sendError(400, "not a Telegram update (no update_id)");
            return;
        }
        AsyncContext ctx = req.startAsync();
        ctx.setTimeout(TimeUnit.SECONDS.toMillis(30));
        account.receiveWebhook(update).whenComplete((recorded, e) -> {
            HttpServletResponse r = (HttpServletResponse) ctx.getResponse();
            try {
                if (e == null && Boolean.TRUE.equals(recorded)) {
                    r.setStatus(200);
                    r.setContentType("application/json");
                    r.getOutputStream().write("{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
                } else {
                    r.setStatus(503); // not recorded: Telegram delivers it again
                }
            } catch (IOException | RuntimeException ex) {
                LOG.debug("telegram webhook {}: answer not written: {}", path, ex.toString());
            } finally {
                ctx.complete();
            }
        });
    }

    static boolean secretMatches(String expected, String presented) {
        return expected != null && presented != null
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }
}
