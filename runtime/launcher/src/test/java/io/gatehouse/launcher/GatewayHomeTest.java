package io.gatehouse.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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

    @Test
    void dataIsTheOwnersOnlyEvenWhenItExistedMoreOpen() throws Exception {
        GatewayHome home = new GatewayHome(dir);
        Files.createDirectories(home.data(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(home.data(), PosixFilePermissions.fromString("rwxr-xr-x"));
        home.createDataDirs();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.data())));
    }

    @Test
    void aConfigFileOthersCanReadIsReported() throws Exception {
        GatewayHome home = new GatewayHome(dir);
        Files.createDirectories(home.etc());
        assertNull(home.configPermissionProblem(), "no file, nothing to say");
        Files.writeString(home.configFile(), "{ gateway: { auth: { token: 'x' } } }");
        Files.setPosixFilePermissions(home.configFile(), PosixFilePermissions.fromString("rw-r--r--"));
        String problem = home.configPermissionProblem();
        assertTrue(problem != null && problem.contains("rw-r--r--") && problem.contains("chmod 600 " + home.configFile()), problem);
        Files.setPosixFilePermissions(home.configFile(), PosixFilePermissions.fromString("rw-------"));
        assertNull(home.configPermissionProblem());
    }
}
