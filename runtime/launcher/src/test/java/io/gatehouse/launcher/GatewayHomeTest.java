package io.gatehouse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayHomeTest {
    @TempDir
    Path dir;

    @Test
    void adminTokenIsCreatedOnceWithOwnerOnlyPermissions() throws Exception {
        GatewayHome home = new GatewayHome(dir);
        home.createDataDirs();
        String token = home.adminToken();
        assertEquals(64, token.length());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.adminTokenFile())));
        assertEquals(token, home.adminToken(), "the token is kept across starts");
        assertTrue(Files.isDirectory(home.logDir()));
        assertTrue(Files.isDirectory(home.deploy()));
    }
}
