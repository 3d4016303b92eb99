package io.gatehouse.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairingStoreTest {
    @TempDir
    Path dir;

    @Test
    void aCodeIsIssuedOnceApprovedAndRemembered() throws Exception {
        Path f = dir.resolve("pairing.json");
        PairingStore s = new PairingStore(f);
        PairingStore.Issued first = s.request("default", "42", "Ann");
        assertTrue(first.created());
        assertTrue(first.request().code().matches("[A-HJ-NP-Z2-9]{8}"), first.request().code());
        PairingStore.Issued again = s.request("default", "42", "Ann");
        assertFalse(again.created(), "the same request while it lasts");
        assertEquals(first.request().code(), again.request().code());
        assertFalse(s.isApproved("default", "42"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));

        PairingStore.Request r = s.approve(first.request().code().toLowerCase());
        assertEquals("42", r.sender());
        assertTrue(s.isApproved("default", "42"));
        assertFalse(s.isApproved("other", "42"), "per account");
        assertEquals(0, s.pending().size());
        assertTrue(new PairingStore(f).isApproved("default", "42"), "kept in the file");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.approve(first.request().code()));
        assertTrue(e.getMessage().contains("no pending pairing request"), e.getMessage());
    }

    @Test
    void requestsExpireAndAreBounded() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000);
        PairingStore s = new PairingStore(dir.resolve("p.json"), now::get);
        for (int i = 0; i < PairingStore.MAX_PENDING; i++) {
            assertTrue(s.request("a", "u" + i, null).created());
        }
        assertNull(s.request("a", "late", null), "at most three pending per account");
        assertTrue(s.request("b", "late", null).created(), "another account has its own");
        String code = s.pending().get(0).code();
        now.addAndGet(PairingStore.TTL_MS + 1);
        assertThrows(IllegalArgumentException.class, () -> s.approve(code));
        assertTrue(s.request("a", "late", null).created(), "expired requests free their places");
    }

    @Test
    void anUnreadableFileIsNamed() throws IOException {
        Path f = dir.resolve("pairing.json");
        Files.writeString(f, "[oops");
        IOException e = assertThrows(IOException.class, () -> new PairingStore(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }
}
