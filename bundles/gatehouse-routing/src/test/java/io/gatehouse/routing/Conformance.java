package io.gatehouse.routing;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.gatehouse.api.routing.RouteRequest;

/** The reference gateway's input/output pairs (src/test/resources/conformance/openclaw-reference.json). */
public final class Conformance {
    public static final ObjectMapper JSON = new ObjectMapper();

    private Conformance() {
    }

    /** One case of a section, named uniquely (a repeated name gets " [2]", " [3]" ...). */
    public record Case(String name, Map<String, Object> data) {
    }

    public static List<Case> section(String name) throws IOException {
        Map<String, Object> all;
        try (InputStream in = Conformance.class.getResourceAsStream("/conformance/openclaw-reference.json")) {
            if (in == null) {
                throw new IOException("conformance/openclaw-reference.json is not on the test class path");
            }
            all = JSON.readValue(in, new TypeReference<Map<String, Object>>() {
            });
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> cases = (List<Map<String, Object>>) all.get(name);
        List<Case> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Map<String, Object> c : cases) {
            String n = String.valueOf(c.get("name"));
            int count = seen.merge(n, 1, Integer::sum);
            out.add(new Case(count == 1 ? n : n + " [" + count + "]", c));
        }
        return out;
    }

    /** A conformance {@code input} object as a request. */
    @SuppressWarnings("unchecked")
    public static RouteRequest request(Map<String, Object> input) {
        List<String> roles = new ArrayList<>();
        if (input.get("memberRoleIds") instanceof List<?> l) {
            l.forEach(r -> roles.add(r == null ? null : String.valueOf(r)));
        }
        return new RouteRequest((String) input.get("channel"), (String) input.get("accountId"),
                peer((Map<String, Object>) input.get("peer")), peer((Map<String, Object>) input.get("parentPeer")),
                (String) input.get("guildId"), roles, (String) input.get("teamId"));
    }

    private static RouteRequest.Peer peer(Map<String, Object> p) {
        return p == null ? null : new RouteRequest.Peer((String) p.get("kind"), p.get("id") == null ? null : String.valueOf(p.get("id")));
    }
}
