package io.gatehouse.channel.telegram;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Pairing, as the reference gateway does it: a direct message from a sender who is not allowed (with
 * {@code dmPolicy: "pairing"}) creates a pending request with an 8-character code that the bot sends back;
 * the operator approves it with {@code channels:pair telegram <code>}, which adds the sender to the
 * account's approved senders. Requests expire after an hour; an account has at most three pending.
 *
 * <p>Kept in {@code data/telegram/pairing.json} (replaced atomically, mode 0600 where the file system has
 * modes). Approved senders are ids; they count as {@code allowFrom} entries of their account.
 */
final class PairingStore {
    static final long TTL_MS = 3_600_000;
    static final int MAX_PENDING = 3;
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A pending request. */
    record Request(String code, String accountId, String sender, String name, long createdAt, long expiresAt) {
    }

    /** The outcome of a request for a code. */
    record Issued(Request request, boolean created) {
    }

    private final Path file;
    private final SecureRandom random = new SecureRandom();
    private final java.util.function.LongSupplier clock;
    private final List<Request> pending = new ArrayList<>();
    private final Map<String, Set<String>> approved = new TreeMap<>();

    PairingStore(Path file) throws IOException {
        this(file, System::currentTimeMillis);
    }

    PairingStore(Path file, java.util.function.LongSupplier clock) throws IOException {
        this.file = file;
        this.clock = clock;
        if (Files.exists(file)) {
            JsonNode doc;
            try {
                doc = JSON.readTree(file.toFile());
            } catch (IOException e) {
                throw new IOException(file + " is unreadable (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                        + "); fix or move it away (approved senders are in it)", e);
            }
            for (JsonNode r : doc.path("pending")) {
                pending.add(new Request(r.path("code").asText(), r.path("accountId").asText(), r.path("sender").asText(),
                        r.hasNonNull("name") ? r.path("name").asText() : null, r.path("createdAt").asLong(), r.path("expiresAt").asLong()));
            }
            doc.path("approved").fields().forEachRemaining(e -> {
                Set<String> s = new LinkedHashSet<>();
                e.getValue().forEach(v -> s.add(v.asText()));
                approved.put(e.getKey(), s);
            });
        }
    }

    /** Whether the operator approved {@code sender} on {@code accountId}. */
    synchronized boolean isApproved(String accountId, String sender) {
        Set<String> s = approved.get(accountId);
        return s != null && s.contains(sender);
    }

    /** The approved senders of an account. */
    synchronized Set<String> approved(String accountId) {
        return Set.copyOf(approved.getOrDefault(accountId, Set.of()));
    }

    /**
     * The pending request of this sender (the same one while it lasts), or a new one; null when the account
     * already has {@link #MAX_PENDING} pending requests of other senders.
     */
    synchronized Issued request(String accountId, String sender, String name) throws IOException {
        expire();
        for (Request r : pending) {
            if (r.accountId().equals(accountId) && r.sender().equals(sender)) {
                return new Issued(r, false);
            }
        }
        if (pending.stream().filter(r -> r.accountId().equals(accountId)).count() >= MAX_PENDING) {
            return null;
        }
        String code;
        do {
            StringBuilder b = new StringBuilder(8);
            for (int i = 0; i < 8; i++) {
                b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            code = b.toString();
        } while (find(code) != null);
        long now = clock.getAsLong();
        Request r = new Request(code, accountId, sender, name, now, now + TTL_MS);
        pending.add(r);
        save();
        return new Issued(r, true);
    }

    /** Approves the request with this code; throws naming the problem when there is none. */
    synchronized Request approve(String code) throws IOException {
        expire();
        Request r = find(code == null ? "" : code.strip().toUpperCase(Locale.ROOT));
        if (r == null) {
            throw new IllegalArgumentException("no pending pairing request with code " + code
                    + " (codes expire after an hour; channels:pairing telegram lists the pending ones)");
        }
        pending.remove(r);
        approved.computeIfAbsent(r.accountId(), k -> new LinkedHashSet<>()).add(r.sender());
        save();
        return r;
    }

    synchronized List<Request> pending() {
        expire();
        return List.copyOf(pending);
    }

    private Request find(String code) {
        for (Request r : pending) {
            if (r.code().equals(code)) {
                return r;
            }
        }
        return null;
    }

    private void expire() {
        long now = clock.getAsLong();
        pending.removeIf(r -> r.expiresAt() <= now);
    }

    private void save() throws IOException {
        ObjectNode doc = JSON.createObjectNode();
        var arr = doc.putArray("pending");
        for (Request r : pending) {
            arr.addObject().put("code", r.code()).put("accountId", r.accountId()).put("sender", r.sender()).put("name", r.name())
                    .put("createdAt", r.createdAt()).put("expiresAt", r.expiresAt());
        }
        ObjectNode ap = doc.putObject("approved");
        approved.forEach((k, v) -> {
            var a = ap.putArray(k);
            v.forEach(a::add);
        });
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(doc)));
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static Map<String, Object> row(Request r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", r.code());
        m.put("accountId", r.accountId());
        m.put("sender", r.sender());
        m.put("name", r.name());
        m.put("expiresAt", Instant.ofEpochMilli(r.expiresAt()).toString());
        return m;
    }
}
