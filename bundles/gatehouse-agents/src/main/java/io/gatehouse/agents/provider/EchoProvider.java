package io.gatehouse.agents.provider;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Component;

import io.gatehouse.api.agent.ModelProvider;

/**
 * The embedded default model: replies {@code echo: <last user message>}, streamed in up to three
 * deltas, with no network. Options: {@code prefix} (default {@code "echo: "}); {@code echoSystem: true} appends
 * {@code [system]} and the system prompt of the turn (to see what the turn gave the model).
 */
@Component(service = ModelProvider.class, property = ModelProvider.PROVIDER_ID + "=" + EchoProvider.ID)
public final class EchoProvider implements ModelProvider {
    public static final String ID = "echo";

    @Override
    public String complete(List<Map<String, String>> messages, Map<String, Object> options, Consumer<String> onDelta) {
        String last = "";
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).get("role"))) {
                last = String.valueOf(messages.get(i).get("content"));
                break;
            }
        }
        String prefix = options.get("prefix") instanceof String p ? p : "echo: ";
        String reply = prefix + last;
        if (Boolean.TRUE.equals(options.get("echoSystem"))) {
            // for tests and operators: show the system prompt the turn built (workspace, skills, memory)
            for (Map<String, String> m : messages) {
                if ("system".equals(m.get("role"))) {
                    reply += "\n\n[system]\n" + m.get("content");
                }
            }
        }
        for (String d : chunks(reply, 3)) {
            onDelta.accept(d);
        }
        return reply;
    }

    /** {@code text} in up to {@code n} pieces, cut at spaces where possible; the pieces join to the text. */
    static List<String> chunks(String text, int n) {
        if (text.length() < n * 2) {
            return List.of(text);
        }
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        int start = 0;
        for (int k = 1; k < n; k++) {
            int target = text.length() * k / n;
            int cut = text.indexOf(' ', target);
            if (cut < 0 || cut <= start) {
                cut = Math.max(target, start + 1);
            } else {
                cut++;
            }
            if (cut >= text.length()) {
                break;
            }
            out.add(text.substring(start, cut));
            start = cut;
        }
        out.add(text.substring(start));
        return out;
    }
}
