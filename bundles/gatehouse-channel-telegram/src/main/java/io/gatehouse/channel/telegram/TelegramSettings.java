package io.gatehouse.channel.telegram;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import io.gatehouse.api.config.schema.Issue;
import io.gatehouse.api.config.schema.Shape;

/**
 * The {@code channels.telegram} section: its schema and the settings of each account, with the
 * section-level values as defaults that every {@code accounts.<accountId>} entry may override.
 *
 * <p>A section-level {@code botToken} or {@code tokenFile} is the account {@code default} (unless
 * {@code accounts.default} exists); with neither and no accounts, {@code default} takes its token from
 * the environment variable {@code TELEGRAM_BOT_TOKEN}.
 */
final class TelegramSettings {
    static final String DEFAULT_ACCOUNT = "default";
    static final String DEFAULT_API_ROOT = "https://api.telegram.org";
    static final String ENV_TOKEN = "TELEGRAM_BOT_TOKEN";
    static final int MAX_CHUNK = 4096;

    enum DmPolicy { PAIRING, ALLOWLIST, OPEN, DISABLED }

    enum GroupPolicy { OPEN, ALLOWLIST, DISABLED }

    /** Per group (key: chat id or {@code *}) and per forum topic (key: thread id). */
    record Group(Boolean enabled, Boolean requireMention, List<String> allowFrom, Map<String, Group> topics) {
    }

    /** One account, with the section defaults applied. */
    record Account(String id, String token, String tokenSource, String apiRoot, DmPolicy dmPolicy, List<String> allowFrom,
            GroupPolicy groupPolicy, List<String> groupAllowFrom, Map<String, Group> groups, boolean requireMention,
            int textChunkLimit, boolean streaming, long streamThrottleMs, int pollTimeoutSeconds, String webhookUrl,
            String webhookSecret, String webhookPath, boolean nativeCommands) {

        String botKey() {
            return Secrets.botKey(token);
        }

        boolean webhook() {
            return webhookUrl != null;
        }
    }

    /** An account that cannot run, and why (never containing the token). */
    record Problem(String accountId, String reason) {
    }

    final List<Account> accounts;
    final List<Problem> problems;

    private TelegramSettings(List<Account> accounts, List<Problem> problems) {
        this.accounts = List.copyOf(accounts);
        this.problems = List.copyOf(problems);
    }

    // ---- schema

    private static Shape ids() {
        return Shape.arrayOf(Shape.either(Shape.nonEmptyString(), Shape.integer(Long.MIN_VALUE, Long.MAX_VALUE)));
    }

    private static Shape.Obj topic() {
        return Shape.object()
                .field("enabled", Shape.bool())
                .field("requireMention", Shape.bool())
                .field("allowFrom", ids());
    }

    private static Shape.Obj group() {
        return topic().field("topics", Shape.mapOf(topic()));
    }

    /** The fields an account may set (and the section, as defaults for every account). */
    private static Shape.Obj accountFields(Shape.Obj o) {
        return o.field("enabled", Shape.bool())
                .field("name", Shape.string())
                .secret("botToken", Shape.nonEmptyString())
                .field("tokenFile", Shape.nonEmptyString())
                .field("apiRoot", url())
                .field("dmPolicy", Shape.oneOf("pairing", "allowlist", "open", "disabled"))
                .field("allowFrom", ids())
                .field("groupPolicy", Shape.oneOf("open", "allowlist", "disabled"))
                .field("groupAllowFrom", ids())
                .field("groups", Shape.mapOf(group()))
                .field("requireMention", Shape.bool())
                .field("textChunkLimit", Shape.integer(100, MAX_CHUNK))
                .field("streaming", Shape.oneOf("off", "partial"))
                .field("streamThrottleMs", Shape.integer(250, 60_000))
                .field("pollTimeoutSeconds", Shape.integer(0, 50))
                .field("webhookUrl", url())
                .secret("webhookSecret", Shape.nonEmptyString())
                .field("webhookPath", Shape.nonEmptyString())
                .field("commands", Shape.object().field("native", Shape.bool()));
    }

    private static Shape url() {
        Shape s = Shape.nonEmptyString();
        return new Shape() {
            @Override
            public void check(String path, Object value, List<Issue> out) {
                List<Issue> found = new ArrayList<>();
                s.check(path, value, found);
                if (!found.isEmpty()) {
                    out.addAll(found);
                    return;
                }
                try {
                    URI u = URI.create((String) value);
                    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
                    if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
                        out.add(Issue.error(path, "expected an http(s) URL with a host"));
                    } else if (u.getUserInfo() != null) {
                        out.add(Issue.error(path, "credentials in the URL are not allowed (use botToken or tokenFile)"));
                    }
                } catch (IllegalArgumentException e) {
                    out.add(Issue.error(path, "not a URL: " + e.getMessage().replaceAll("(?i)/bot[^/\\s]+", "/bot<redacted>")));
                }
            }

            @Override
            public String describe() {
                return "an http(s) URL";
            }
        };
    }

    /** The shape of {@code channels.telegram}: strict, tokens and webhook secrets never echoed. */
    static Shape schema() {
        Shape.Obj account = accountFields(Shape.object()).also(TelegramSettings::checkAccount);
        return accountFields(Shape.object())
                .field("accounts", Shape.mapOf(account))
                .also((path, section, out) -> {
                    checkAccount(path, section, out);
                    openNeedsStar(path, section, out);
                    if (section.get("accounts") instanceof Map<?, ?> accounts) {
                        // an account inherits dmPolicy and allowFrom: check the combination it ends up with
                        accounts.forEach((id, a) -> {
                            if (a instanceof Map<?, ?> am && (am.containsKey("dmPolicy") || am.containsKey("allowFrom"))) {
                                Map<String, Object> merged = new LinkedHashMap<>();
                                section.forEach((k, v) -> merged.put(String.valueOf(k), v));
                                am.forEach((k, v) -> merged.put(String.valueOf(k), v));
                                openNeedsStar(Shape.child(Shape.child(path, "accounts"), String.valueOf(id)), merged, out);
                            }
                        });
                    }
                });
    }

    private static void checkAccount(String path, Map<?, ?> a, List<Issue> out) {
        if (a.get("webhookUrl") != null && a.get("webhookSecret") == null) {
            out.add(Issue.error(Shape.child(path, "webhookSecret"),
                    "required with webhookUrl: Telegram sends it in X-Telegram-Bot-Api-Secret-Token and the gateway checks it"));
        }
        if (a.get("webhookSecret") instanceof String s && !s.matches("[A-Za-z0-9_-]{1,256}")) {
            out.add(Issue.error(Shape.child(path, "webhookSecret"), "1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule; value redacted)"));
        }
        if (a.get("webhookPath") instanceof String p && !p.matches("/telegram/[A-Za-z0-9_./-]+")) {
            out.add(Issue.error(Shape.child(path, "webhookPath"), "expected a path under /telegram/, got " + Shape.render(p)));
        }
        if (a.get("botToken") != null && a.get("tokenFile") != null) {
            out.add(Issue.error(path, "set botToken or tokenFile, not both"));
        }
    }

    private static void openNeedsStar(String path, Map<?, ?> a, List<Issue> out) {
        if ("open".equals(a.get("dmPolicy")) && !(a.get("allowFrom") instanceof List<?> l && l.contains("*"))) {
            out.add(Issue.error(Shape.child(path, "dmPolicy"),
                    "\"open\" lets anyone talk to the agents: it needs allowFrom: [\"*\"] to say so"));
        }
    }

    // ---- parsing

    /**
     * The accounts of a {@code channels.telegram} section (already checked against {@link #schema()}).
     *
     * @param env  environment variables ({@code TELEGRAM_BOT_TOKEN} for the default account)
     * @param home where relative {@code tokenFile} paths are resolved (the gateway home)
     */
    static TelegramSettings parse(Map<String, Object> section, Function<String, String> env, Path home) {
        List<Account> accounts = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Map<String, Map<String, Object>> entries = new LinkedHashMap<>();
        boolean topLevelToken = section.get("botToken") != null || section.get("tokenFile") != null;
        if (section.get("accounts") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (v instanceof Map<?, ?> vm) {
                    Map<String, Object> merged = new LinkedHashMap<>(section);
                    merged.remove("accounts");
                    merged.remove("botToken");
                    merged.remove("tokenFile");
                    merged.remove("webhookUrl");
                    merged.remove("webhookSecret");
                    merged.remove("webhookPath");
                    merged.remove("name");
                    vm.forEach((kk, vv) -> merged.put(String.valueOf(kk), vv));
                    entries.put(String.valueOf(k), merged);
                }
            });
        }
        if (!entries.containsKey(DEFAULT_ACCOUNT) && (topLevelToken || entries.isEmpty())) {
            Map<String, Object> d = new LinkedHashMap<>(section);
            d.remove("accounts");
            entries.put(DEFAULT_ACCOUNT, d);
        }
        for (Map.Entry<String, Map<String, Object>> e : entries.entrySet()) {
            String id = e.getKey();
            Map<String, Object> a = e.getValue();
            if (Boolean.FALSE.equals(a.get("enabled"))) {
                continue;
            }
            if (!id.matches("[A-Za-z0-9_-]{1,64}")) {
                problems.add(new Problem(id, "account ids are 1-64 characters of A-Z, a-z, 0-9, _ and -"));
                continue;
            }
            String token;
            String source;
            try {
                if (a.get("botToken") instanceof String t && !t.isBlank()) {
                    token = t.strip();
                    source = "botToken";
                } else if (a.get("tokenFile") instanceof String f && !f.isBlank()) {
                    Path p = home.resolve(f.strip());
                    token = Files.readString(p, StandardCharsets.UTF_8).strip();
                    source = "tokenFile " + p;
                    if (token.isEmpty()) {
                        problems.add(new Problem(id, "tokenFile " + p + " is empty"));
                        continue;
                    }
                } else if (DEFAULT_ACCOUNT.equals(id) && env.apply(ENV_TOKEN) != null && !env.apply(ENV_TOKEN).isBlank()) {
                    token = env.apply(ENV_TOKEN).strip();
                    source = "environment " + ENV_TOKEN;
                } else {
                    problems.add(new Problem(id, "no bot token: set channels.telegram" + (DEFAULT_ACCOUNT.equals(id) && !section.containsKey("accounts")
                            ? "" : ".accounts." + id) + ".botToken or tokenFile" + (DEFAULT_ACCOUNT.equals(id) ? ", or " + ENV_TOKEN : "")));
                    continue;
                }
            } catch (IOException ex) {
                problems.add(new Problem(id, "cannot read tokenFile: " + ex.getClass().getSimpleName() + " " + ex.getMessage()));
                continue;
            }
            if (token.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '?' || c == '#')) {
                problems.add(new Problem(id, "the bot token (from " + source + ") contains characters a token cannot have"));
                continue;
            }
            String apiRoot = a.get("apiRoot") instanceof String r ? r.strip().replaceAll("/+$", "") : DEFAULT_API_ROOT;
            DmPolicy dm = a.get("dmPolicy") instanceof String s ? DmPolicy.valueOf(s.toUpperCase(Locale.ROOT)) : DmPolicy.PAIRING;
            GroupPolicy gp = a.get("groupPolicy") instanceof String s ? GroupPolicy.valueOf(s.toUpperCase(Locale.ROOT)) : GroupPolicy.ALLOWLIST;
            List<String> allowFrom = idList(a.get("allowFrom"));
            List<String> groupAllowFrom = a.containsKey("groupAllowFrom") ? idList(a.get("groupAllowFrom")) : allowFrom;
            Map<String, Group> groups = groups(a.get("groups"));
            boolean requireMention = !Boolean.FALSE.equals(a.get("requireMention"));
            int chunk = a.get("textChunkLimit") instanceof Number n ? (int) Math.min(MAX_CHUNK, Math.max(100, n.longValue())) : 4000;
            boolean streaming = !"off".equals(a.get("streaming"));
            long throttle = a.get("streamThrottleMs") instanceof Number n ? Math.max(250, n.longValue()) : 1000;
            int pollTimeout = a.get("pollTimeoutSeconds") instanceof Number n ? (int) Math.max(0, Math.min(50, n.longValue())) : 30;
            String webhookUrl = a.get("webhookUrl") instanceof String w && !w.isBlank() ? w.strip() : null;
            String webhookSecret = a.get("webhookSecret") instanceof String w && !w.isBlank() ? w.strip() : null;
            if (webhookUrl != null && webhookSecret == null) {
                problems.add(new Problem(id, "webhookUrl needs webhookSecret"));
                continue;
            }
            String webhookPath = a.get("webhookPath") instanceof String w && !w.isBlank() ? w.strip() : "/telegram/webhook/" + id;
            boolean nativeCommands = !(a.get("commands") instanceof Map<?, ?> c && Boolean.FALSE.equals(c.get("native")));
            accounts.add(new Account(id, token, source, apiRoot, dm, allowFrom, gp, groupAllowFrom, groups, requireMention, chunk,
                    streaming, throttle, pollTimeout, webhookUrl, webhookSecret, webhookPath, nativeCommands));
        }
        // One poller per bot token: a token used by two accounts runs the first only.
        Map<String, String> byBot = new LinkedHashMap<>();
        List<Account> unique = new ArrayList<>();
        for (Account a : accounts) {
            String other = byBot.putIfAbsent(a.botKey(), a.id());
            if (other != null) {
                problems.add(new Problem(a.id(), "uses the same bot token as account " + other
                        + " (bot " + a.botKey() + "): one bot is polled by one account only"));
            } else {
                unique.add(a);
            }
        }
        return new TelegramSettings(unique, problems);
    }

    static List<String> idList(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Number n) {
                    out.add(Long.toString(n.longValue()));
                } else if (o instanceof String s && !s.isBlank()) {
                    String t = s.strip();
                    // "telegram:123" and "tg:123" as the reference writes them
                    t = t.replaceFirst("(?i)^(telegram|tg):", "");
                    out.add(t.startsWith("@") ? t.toLowerCase(Locale.ROOT) : t);
                }
            }
        }
        return List.copyOf(out);
    }

    private static Map<String, Group> groups(Object v) {
        Map<String, Group> out = new LinkedHashMap<>();
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, g) -> {
                if (g instanceof Map<?, ?> gm) {
                    out.put(String.valueOf(k), group(gm));
                }
            });
        }
        return out;
    }

    private static Group group(Map<?, ?> gm) {
        Map<String, Group> topics = new LinkedHashMap<>();
        if (gm.get("topics") instanceof Map<?, ?> tm) {
            tm.forEach((k, t) -> {
                if (t instanceof Map<?, ?> tmm) {
                    topics.put(String.valueOf(k), group(tmm));
                }
            });
        }
        return new Group(gm.get("enabled") instanceof Boolean b ? b : null,
                gm.get("requireMention") instanceof Boolean b ? b : null,
                gm.containsKey("allowFrom") ? idList(gm.get("allowFrom")) : null, topics);
    }
}
