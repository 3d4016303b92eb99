package io.gatehouse.memory.embed;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ai.onnxruntime.OrtEnvironment;

/**
 * Loads ONNX Runtime's native libraries from this bundle. They are extracted once to a cache folder
 * ({@code data/memory/native/onnxruntime-<version>-<platform>/}) and loaded from a per-load copy that is
 * deleted right after loading: each bundle class loader (a bundle restart, an in-process framework
 * restart) loads the JNI library from a path of its own, which the JVM requires, while the large core
 * library is only linked, not copied again.
 */
public final class NativeLibs {
    private static final Logger LOG = LoggerFactory.getLogger(NativeLibs.class);
    static final String ORT_VERSION = "1.20.0";
    static final String CORE = "libonnxruntime.so";
    static final String JNI = "libonnxruntime4j_jni.so";
    /** ONNX Runtime reads this system property once, when its native code is first loaded. */
    static final String PATH_PROPERTY = "onnxruntime.native.path";

    private NativeLibs() {
    }

    /** The platform folder name ONNX Runtime uses, or null when it is not one this bundle ships. */
    public static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
            return "linux-x64";
        }
        return null;
    }

    /** Extracts (once) and loads the native libraries, then returns the ONNX Runtime environment. */
    public static OrtEnvironment load(Path nativeRoot) throws IOException {
        String platform = platform();
        String resources = "/ai/onnxruntime/native/" + platform + "/";
        if (platform == null || NativeLibs.class.getResource(resources + CORE) == null) {
            throw new IOException("the local embedding model needs ONNX Runtime for linux-x64, which is all this "
                    + "distribution ships; this is " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                    + " (set memorySearch.provider to \"openai\" or \"none\")");
        }
        Path cache = nativeRoot.resolve("onnxruntime-" + ORT_VERSION + "-" + platform);
        Files.createDirectories(cache);
        for (String lib : new String[] {CORE, JNI}) {
            extract(NativeLibs.class.getResource(resources + lib), cache.resolve(lib));
        }
        removeStaleLoads(nativeRoot);
        Path load = nativeRoot.resolve("load-" + UUID.randomUUID());
        Files.createDirectories(load);
        try {
            try {
                Files.createLink(load.resolve(CORE), cache.resolve(CORE));
            } catch (IOException | UnsupportedOperationException noLinks) {
                Files.copy(cache.resolve(CORE), load.resolve(CORE));
            }
            // The JNI library must be a file of its own per class loader (the JVM refuses a path a live
            // class loader already loaded; a hard link would be the very same library to the OS).
            Files.copy(cache.resolve(JNI), load.resolve(JNI));
            synchronized (NativeLibs.class) {
                String before = System.getProperty(PATH_PROPERTY);
                System.setProperty(PATH_PROPERTY, load.toString());
                try {
                    return OrtEnvironment.getEnvironment();
                } finally {
                    if (before == null) {
                        System.clearProperty(PATH_PROPERTY);
                    } else {
                        System.setProperty(PATH_PROPERTY, before);
                    }
                }
            }
        } finally {
            deleteTree(load);
        }
    }

    /** Copies a bundle resource to {@code target} unless a file of the same size is there already. */
    static void extract(URL resource, Path target) throws IOException {
        URLConnection c = resource.openConnection();
        long size = c.getContentLengthLong();
        if (Files.isRegularFile(target) && size >= 0 && Files.size(target) == size) {
            return;
        }
        Path tmp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try (InputStream in = c.getInputStream()) {
            Files.copy(in, tmp);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("extracted {} ({} bytes)", target, Files.size(target));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Load folders a killed process left behind (a live load deletes its own within a second). */
    private static void removeStaleLoads(Path root) {
        FileTime cutoff = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        try (DirectoryStream<Path> s = Files.newDirectoryStream(root, "load-*")) {
            for (Path p : s) {
                if (Files.getLastModifiedTime(p).compareTo(cutoff) < 0) {
                    deleteTree(p);
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot list {}: {}", root, e.toString());
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.debug("cannot delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            if (!(e instanceof java.nio.file.NoSuchFileException)) {
                LOG.debug("cannot delete {}: {}", dir, e.toString());
            }
        }
    }
}
