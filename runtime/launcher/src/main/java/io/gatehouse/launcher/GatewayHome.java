package io.gatehouse.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

import io.gatehouse.support.files.AtomicFiles;

/**
 * The layout of a gateway home: {@code bin/ etc/ system/ features/ deploy/ lib/ data/}.
 */
public record GatewayHome(Path root) {

    public static final String HOME_ENV = "GATEHOUSE_HOME";

    public GatewayHome {
        root = root.toAbsolutePath().normalize();
    }

    public Path etc() {
        return root.resolve("etc");
    }

    public Path configFile() {
        return etc().resolve("gatehouse.json");
    }

    /**
     * The last config the pipeline applied ({@code data/config/last-good.json}, written by gatehouse-config
     * under {@code gatehouse.data}): what a framework runs on when the file is missing or bad at its start.
     */
    public Path lastGoodConfig() {
        return data().resolve("config").resolve("last-good.json");
    }

    public Path system() {
        return root.resolve("system");
    }

    public Path features() {
        return root.resolve("features");
    }

    public Path deploy() {
        return root.resolve("deploy");
    }

    public Path data() {
        return root.resolve("data");
    }

    public Path frameworkCache() {
        return data().resolve("cache");
    }

    public Path logDir() {
        return data().resolve("log");
    }

    /** Files that tell clients how to reach the running gateway. */
    public Path runDir() {
        return data().resolve("run");
    }

    public Path adminTokenFile() {
        return data().resolve("admin.token");
    }

    public Path adminPortFile() {
        return runDir().resolve("admin.port");
    }

    public Path listenFile() {
        return runDir().resolve("gateway.listen");
    }

    public Path pidFile() {
        return runDir().resolve("gatehouse.pid");
    }

    /**
     * Creates {@code data/} and its sub folders on first start. {@code data/} holds secrets (the admin
     * token, the last good config, Config Admin's copy of it): it is the owner's only (0700), also
     * when an earlier start or another tool created it more open.
     */
    public void createDataDirs() throws IOException {
        Files.createDirectories(data());
        ownerOnly(data());
        for (Path p : new Path[] {logDir(), runDir(), data().resolve("sessions"), data().resolve("index"), deploy()}) {
            Files.createDirectories(p);
        }
    }

    private static void ownerOnly(Path dir) throws IOException {
        try {
            if (!Files.getPosixFilePermissions(dir).equals(PosixFilePermissions.fromString("rwx------"))) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX permissions: nothing to tighten
        }
    }

    /**
     * Why the config file is too open, or null: it may hold tokens and keys, so only its owner should
     * read it (the distribution ships it 0600; an editor or a copy may have changed that).
     */
    public String configPermissionProblem() {
        Path f = configFile();
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(f);
            boolean others = perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"));
            return others ? f + " is readable or writable by other users (" + PosixFilePermissions.toString(perms)
                    + ") and may hold secrets: chmod 600 " + f : null;
        } catch (java.nio.file.NoSuchFileException missing) {
            return null;
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /**
     * Returns the admin token, creating {@code data/admin.token} (mode 0600) with 32 random bytes
     * on first start.
     */
    public String adminToken() throws IOException {
        Path file = adminTokenFile();
        if (!Files.exists(file)) {
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            String token = HexFormat.of().formatHex(bytes);
            AtomicFiles.writeSecret(file, (token + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        String token = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (token.length() < 32) {
            throw new IOException(file + ": admin token is shorter than 32 characters; delete the file to get a new one");
        }
        return token;
    }

    /** Writes a small run file atomically, so a reader never sees half of it. */
    public void writeRunFile(Path file, String content) throws IOException {
        AtomicFiles.write(file, content);
    }

    /**
     * The home: {@code --home} if given, else {@code GATEHOUSE_HOME}, else the folder above the
     * launcher jar's {@code lib/}.
     */
    public static GatewayHome locate(String explicitHome) {
        if (explicitHome != null && !explicitHome.isBlank()) {
            return new GatewayHome(Path.of(explicitHome));
        }
        String env = System.getenv(HOME_ENV);
        if (env != null && !env.isBlank()) {
            return new GatewayHome(Path.of(env));
        }
        try {
            Path jar = Path.of(GatewayHome.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return new GatewayHome(jar.getParent().getParent());
        } catch (Exception e) {
            return new GatewayHome(Path.of("."));
        }
    }
}
