package io.gatehouse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files that hold the config's secrets: the config the gateway creates and the last good copy are the owner's only. */
class ConfigFilePermissionsTest {

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void aConfigTheGatewayCreatesIsTheOwnersOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("etc/gatehouse.json");
        Files.createDirectories(file.getParent());
        new ConfigFile(file, dir.resolve("data/config/last-good.json")).writeAtomically("{ gateway: { auth: { token: 's' } } }\n");
        assertEquals("rw-------", mode(file));
    }

    @Test
    void anExistingConfigKeepsItsPermissions(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gatehouse.json");
        Files.writeString(file, "{}\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        new ConfigFile(file, dir.resolve("last-good.json")).writeAtomically("{ gateway: {} }\n");
        assertEquals("rw-r-----", mode(file), "the operator's choice stays");
    }

    @Test
    void theLastGoodConfigIsTheOwnersOnlyEvenWhenAnOlderOneWasNot(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gatehouse.json");
        Path lastGood = dir.resolve("data/config/last-good.json");
        ConfigFile config = new ConfigFile(file, lastGood);
        config.saveLastGood("{ gateway: { auth: { token: 'a' } } }\n");
        assertEquals("rw-------", mode(lastGood));
        Files.setPosixFilePermissions(lastGood, PosixFilePermissions.fromString("rw-r--r--")); // written by an older version
        config.saveLastGood("{ gateway: { auth: { token: 'b' } } }\n");
        assertEquals("rw-------", mode(lastGood));
    }
}
