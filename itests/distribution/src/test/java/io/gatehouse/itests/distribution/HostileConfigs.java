package io.gatehouse.itests.distribution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Random;

/**
 * Generated hostile or mistaken configs for {@code etc/gatehouse.json}: truncations, wrong types,
 * unknown keys, deep nesting, huge files, binary garbage, other encodings, broken syntax, and things
 * that are not a regular file at all. Deterministic for a given seed.
 */
final class HostileConfigs {
    /**
     * One case.
     *
     * @param name       what it is, for failure messages
     * @param positional whether the error must carry a line and column (content errors do; a FIFO has none)
     * @param reason     a piece of text the error's reason must contain, or null
     * @param write      puts the case in place of the file
     */
    record Case(String name, boolean positional, String reason, Writer write) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface Writer {
        void to(Path file) throws IOException;
    }

    private HostileConfigs() {
    }

    /** A good config: loopback on {@code port}, the round number as the main agent's name (a hot change). */
    static String good(int port, int round) {
        return "// round " + round + "\n{\n  gateway: { bind: 'loopback', port: " + port
                + ", reload: { deferralTimeoutMs: 10000 } },\n  agents: { list: [ { id: 'main', name: 'round-" + round
                + "' } ] },\n}\n";
    }

    /** Wrong types, bad values and unknown keys: {@code {gateway section text, rest}} replacements of the good config. */
    private static final List<String[]> WRONG = List.of(
            new String[] {"port: PORT", "port: 'eighty'"}, new String[] {"port: PORT", "port: -1"},
            new String[] {"port: PORT", "port: 70000"}, new String[] {"port: PORT", "port: 1.5"},
            new String[] {"port: PORT", "port: true"}, new String[] {"port: PORT", "port: []"},
            new String[] {"port: PORT", "port: {}"}, new String[] {"port: PORT", "port: null"},
            new String[] {"port: PORT", "port: 18446744073709551696"},
            new String[] {"bind: 'loopback'", "bind: 42"}, new String[] {"bind: 'loopback'", "bind: 'loopbak'"},
            new String[] {"bind: 'loopback'", "bind: ''"}, new String[] {"bind: 'loopback'", "bind: 'lan'"},
            new String[] {"bind: 'loopback'", "bind: 'example.com'"}, new String[] {"bind: 'loopback'", "bind: null"},
            new String[] {"deferralTimeoutMs: 10000", "deferralTimeoutMs: 'soon'"},
            new String[] {"deferralTimeoutMs: 10000", "deferralTimeoutMs: 10000, mode: 'sometimes'"},
            new String[] {"gateway: {", "gateway: { foo: 1,"},
            new String[] {"gateway: {", "gatway: {}, gateway: {"},
            new String[] {"agents: {", "agents: { defaults: { model: 42 },"},
            new String[] {"agents: {", "agents: { defaults: { historyLimit: 'x' },"},
            new String[] {"agents: {", "agents: { defaults: { historyLimit: -1 },"},
            new String[] {"agents: {", "agents: { defaults: { histroyLimit: 3 },"},
            new String[] {"id: 'main'", "id: 42"}, new String[] {"id: 'main'", "ident: 'main'"},
            new String[] {"agents: {", "channels: { openai: { models: 'gatehouse' } },\n  agents: {"},
            new String[] {"agents: {", "logging: { level: 'loud' },\n  agents: {"},
            new String[] {"agents: {", "bindings: 'x',\n  agents: {"},
            new String[] {"agents: {", "bindings: [ { agentId: 'main' } ],\n  agents: {"},
            new String[] {"agents: {", "models: { providers: { p: { stream: 'yes' } } },\n  agents: {"},
            new String[] {"gateway: {", "gateway: { auth: { token: '${GATEHOUSE_HOSTILE_UNSET_VARIABLE}' },"},
            new String[] {"agents: {", "plugins: { entries: 7 },\n  agents: {"});

    private static final List<String> SYNTAX = List.of(
            "{ gateway: { port: 1 }, gateway: { port: 2 } }", // duplicate key
            "{ agents: {} } trailing", "[ { gateway: {} } ]", "", "// only a comment\n", "{ a: 'unterminated }",
            "{ a: " + "9".repeat(2000) + " }", "{ a: 1,, }", "{ 'a' 1 }", "null", "\"a string\"", "{ a: tru }",
            "{\n  a: 1\n  b: 2\n}", "{ a: /* open comment }", "{ a: 0x }");

    /** The {@code i}-th case (1-based) for a gateway on {@code port}, drawing randomness from {@code rnd}. */
    static Case make(int i, Random rnd, int port) {
        String goodText = good(port, i);
        byte[] goodBytes = goodText.getBytes(StandardCharsets.UTF_8);
        return switch (i % 8) {
            case 0 -> {
                int cut = 1 + rnd.nextInt(goodText.length() - 2);
                yield content("truncated at " + cut, true, null, goodText.substring(0, cut).getBytes(StandardCharsets.UTF_8));
            }
            case 1 -> {
                String[] w = WRONG.get(rnd.nextInt(WRONG.size()));
                String text = goodText.replace(w[0].replace("PORT", Integer.toString(port)), w[1]);
                yield content("wrong: " + w[1], true, null, text.getBytes(StandardCharsets.UTF_8));
            }
            case 2 -> {
                int depth = 65 + rnd.nextInt(3000);
                String deep = "{\n  agents: " + "{ a: ".repeat(depth) + "1" + " }".repeat(depth) + "\n}";
                yield content("nested " + depth + " deep", true, "deeper than the limit", deep.getBytes(StandardCharsets.UTF_8));
            }
            case 3 -> {
                int size = (1 << 20) + 1 + rnd.nextInt(2 << 20);
                byte[] big = new byte[size];
                java.util.Arrays.fill(big, (byte) ' ');
                System.arraycopy(goodBytes, 0, big, 0, goodBytes.length); // valid JSON followed by spaces: only the size is wrong
                yield content("huge: " + size + " bytes", false, "over the limit of", big);
            }
            case 4 -> {
                byte[] junk = new byte[1 + rnd.nextInt(4096)];
                rnd.nextBytes(junk);
                if (junk[0] == '{') {
                    junk[0] = 0;
                }
                yield content("binary: " + junk.length + " random bytes", true, null, junk);
            }
            case 5 -> {
                int which = rnd.nextInt(4);
                yield switch (which) {
                    case 0 -> content("UTF-16LE", true, "UTF-16", utf16(goodText, false));
                    case 1 -> content("UTF-16BE", true, "UTF-16", utf16(goodText, true));
                    case 2 -> content("Latin-1", true, "not UTF-8",
                            goodText.replace("round-", "r\u00f6und-").getBytes(StandardCharsets.ISO_8859_1));
                    default -> {
                        byte[] bad = goodText.replace("port: " + port, "port: 'x'").getBytes(StandardCharsets.UTF_8);
                        byte[] withBom = new byte[bad.length + 3];
                        withBom[0] = (byte) 0xEF;
                        withBom[1] = (byte) 0xBB;
                        withBom[2] = (byte) 0xBF;
                        System.arraycopy(bad, 0, withBom, 3, bad.length);
                        yield content("UTF-8 with BOM, wrong port type", true, "gateway.port", withBom);
                    }
                };
            }
            case 6 -> {
                String text = SYNTAX.get(rnd.nextInt(SYNTAX.size()));
                yield content("syntax: " + (text.length() > 30 ? text.substring(0, 30) + "..." : text), true, null,
                        text.getBytes(StandardCharsets.UTF_8));
            }
            default -> fileSystem(rnd.nextInt(7));
        };
    }

    private static Case fileSystem(int which) {
        return switch (which) {
            case 0 -> new Case("a FIFO", false, "not a regular file", f -> {
                clear(f);
                try {
                    if (new ProcessBuilder("mkfifo", f.toString()).start().waitFor() != 0) {
                        throw new IOException("mkfifo failed");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            });
            case 1 -> new Case("a folder", false, "is a folder", f -> {
                clear(f);
                Files.createDirectory(f);
                Files.writeString(f.resolve("inside.json"), "{}");
            });
            case 2 -> new Case("a link to /dev/zero", false, "not a regular file", f -> {
                clear(f);
                Files.createSymbolicLink(f, Path.of("/dev/zero"));
            });
            case 3 -> new Case("a symlink loop", false, "symbolic link loop", f -> {
                clear(f);
                Path a = f.resolveSibling("loop-a.json");
                Files.deleteIfExists(a);
                Files.createSymbolicLink(a, f);
                Files.createSymbolicLink(f, a);
            });
            case 4 -> new Case("a dangling link", false, "which does not exist", f -> {
                clear(f);
                Files.createSymbolicLink(f, f.resolveSibling("nowhere.json"));
            });
            case 5 -> new Case("a link to a folder", false, "is a folder", f -> {
                clear(f);
                Files.createSymbolicLink(f, f.getParent());
            });
            default -> new Case("deleted", false, "missing", HostileConfigs::clear);
        };
    }

    private static Case content(String name, boolean positional, String reason, byte[] bytes) {
        return new Case(name, positional, reason, f -> {
            Path tmp = f.resolveSibling(".hostile.tmp");
            Files.write(tmp, bytes);
            clear(f);
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
        });
    }

    private static byte[] utf16(String text, boolean bigEndian) {
        byte[] body = text.getBytes(bigEndian ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE);
        byte[] out = new byte[body.length + 2];
        out[0] = (byte) (bigEndian ? 0xFE : 0xFF);
        out[1] = (byte) (bigEndian ? 0xFF : 0xFE);
        System.arraycopy(body, 0, out, 2, body.length);
        return out;
    }

    /** Removes whatever is at {@code f} (a file, a link, a FIFO, a folder) and the loop helper. */
    static void clear(Path f) throws IOException {
        Files.deleteIfExists(f.resolveSibling("loop-a.json"));
        if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
            Files.walkFileTree(f, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } else {
            Files.deleteIfExists(f);
        }
    }
}
