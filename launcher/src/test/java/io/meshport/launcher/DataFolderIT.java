package io.meshport.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;

/**
 * The data folder across starts of the host, and a data folder the host cannot use: what bundles keep
 * in their data areas (in the framework's cache, {@code DATA/cache}) survives a restart, and a folder
 * that cannot be made or written is one sentence and exit code 1.
 */
class DataFolderIT {
    private static final Path ROOT = Paths.get(System.getProperty("user.dir")).getParent();

    private static EmbeddedHost start(Path data) throws Exception {
        EmbeddedHost h = EmbeddedHost.start(new EmbeddedHost.Options().data(data).port(0).web(false));
        assertNotNull(h.awaitListener(30_000));
        return h;
    }

    private static Bundle bundle(EmbeddedHost h, String symbolicName) {
        for (Bundle b : h.framework().getBundleContext().getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    @Test
    void aFileInABundlesDataAreaAndOneInTheCacheFolderSurviveARestart(@TempDir Path data) throws Exception {
        try (EmbeddedHost first = start(data)) {
            Path kept = bundle(first, "io.meshport.session-store").getBundleContext().getDataFile("kept.txt").toPath();
            Files.writeString(kept, "left by the store");
            Files.writeString(data.resolve("cache").resolve("mine.txt"), "left by hand");
        }
        try (EmbeddedHost second = start(data)) {
            Path kept = bundle(second, "io.meshport.session-store").getBundleContext().getDataFile("kept.txt").toPath();
            assertEquals("left by the store", Files.readString(kept));
            assertEquals("left by hand", Files.readString(data.resolve("cache").resolve("mine.txt")));
        }
    }

    @Test
    void theSnapshotTheStoreLeftIsRestoredAtTheNextStart(@TempDir Path data) throws Exception {
        try (EmbeddedHost first = start(data)) {
            // Without the keeper's hand-over, a stopping store writes its session into its data area.
            bundle(first, "io.meshport.swap-keeper").stop();
            int port = first.awaitListener(30_000).getPort();
            try (MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", port))) {
                c.putCbor("kept/key", 42L);
            }
            bundle(first, "io.meshport.session-store").stop();
        }
        try (EmbeddedHost second = start(data)) {
            try (MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", second.awaitListener(30_000).getPort()))) {
                assertEquals(42L, c.get("kept/key").body(), "the session of the snapshot");
            }
            assertEquals(Bundle.ACTIVE, bundle(second, "io.meshport.session-store").getState(), "a restart runs every bundle again");
            assertEquals(Bundle.ACTIVE, bundle(second, "io.meshport.swap-keeper").getState());
        }
    }

    /**
     * A data folder of an earlier version, whose deploy/ and cache hold a Meshport bundle since renamed
     * (meshport-mesh-builder, now meshport-mesh-reader): at the next start the old jar is gone and its
     * bundle uninstalled, not kept beside its successor.
     */
    @Test
    void aRenamedBundlesOldJarAndItsBundleInTheCacheAreGoneAtTheNextStart(@TempDir Path data) throws Exception {
        Path old = data.resolve("deploy").resolve("meshport-mesh-builder-0.1.0.jar");
        try (EmbeddedHost first = start(data)) {
            Path reader;
            try (var s = Files.list(data.resolve("deploy"))) {
                reader = s.filter(f -> f.getFileName().toString().startsWith("meshport-mesh-reader-")).findFirst().orElseThrow();
            }
            // the bundle as the earlier version built it: the same classes under the old symbolic name
            Path tmp = data.resolve("old.tmp");
            try (java.util.jar.JarInputStream in = new java.util.jar.JarInputStream(Files.newInputStream(reader))) {
                java.util.jar.Manifest mf = in.getManifest();
                mf.getMainAttributes().putValue("Bundle-SymbolicName", "io.meshport.mesh-builder");
                try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(tmp), mf)) {
                    for (java.util.jar.JarEntry e; (e = in.getNextJarEntry()) != null; ) {
                        out.putNextEntry(new java.util.jar.JarEntry(e.getName()));
                        in.transferTo(out);
                    }
                }
            }
            Files.move(tmp, old);
            long t0 = System.nanoTime();
            while (bundleOrNull(first, "io.meshport.mesh-builder") == null
                    || bundleOrNull(first, "io.meshport.mesh-builder").getState() != Bundle.ACTIVE) {
                assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "FileInstall did not start the old jar's bundle");
                Thread.sleep(20);
            }
        }
        try (EmbeddedHost second = start(data)) {
            assertFalse(Files.exists(old), "the old jar is still in deploy/");
            assertEquals(null, bundleOrNull(second, "io.meshport.mesh-builder"), "the cache kept the renamed bundle");
            assertEquals(Bundle.ACTIVE, bundle(second, "io.meshport.mesh-reader").getState());
            try (MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", second.awaitListener(30_000).getPort()))) {
                c.put("renamed/tri", io.meshport.mesh.Mesh.builder().positions(new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0})
                        .indices(new int[] {0, 1, 2}).build());
                assertEquals(3, c.getMesh("renamed/tri").mesh().pointCount());
            }
        }
    }

    private static Bundle bundleOrNull(EmbeddedHost h, String symbolicName) {
        for (Bundle b : h.framework().getBundleContext().getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    /** {@code meshport host} in a process of its own, until it ends. */
    private static final class Run {
        final int exit;
        final String out;
        final String err;

        Run(String... args) throws IOException, InterruptedException {
            Path dist = Paths.get(System.getProperty("meshport.home"));
            String cp = ROOT.resolve("launcher/target/meshport-launcher.jar") + java.io.File.pathSeparator + dist.resolve("lib") + "/*";
            List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dmeshport.home=" + dist, "-cp", cp, "io.meshport.launcher.Main", "host", "--no-shell", "--port", "0",
                    "--web-port", "off"));
            cmd.addAll(List.of(args));
            Path outFile = Files.createTempFile("meshport-host-", ".out");
            Path errFile = Files.createTempFile("meshport-host-", ".err");
            Process p = new ProcessBuilder(cmd).redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the host ran on: " + Files.readString(outFile));
            }
            exit = p.exitValue();
            out = Files.readString(outFile, StandardCharsets.UTF_8);
            err = Files.readString(errFile, StandardCharsets.UTF_8);
            Files.delete(outFile);
            Files.delete(errFile);
        }

        /** Checks one line on standard error, naming what it should, and nothing else. */
        void assertOneSentence(String... naming) {
            assertEquals(1, exit, "exit code; stderr: " + err);
            assertEquals("", out, "nothing on standard output");
            List<String> lines = err.lines().toList();
            assertEquals(1, lines.size(), "one line on standard error: " + err);
            String line = lines.get(0);
            assertTrue(line.startsWith("meshport: cannot use "), line);
            assertFalse(line.contains("Exception") || line.contains("\tat "), line);
            for (String n : naming) {
                assertTrue(line.contains(n), line + " names " + n);
            }
        }
    }

    @Test
    void aDataFolderUnderARegularFileIsOneSentence(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a folder");
        Path data = file.resolve("data");
        new Run("--data", data.toString()).assertOneSentence(data + " as the data folder", file + " is a file, not a folder");
    }

    @Test
    void aCacheFolderThatIsAFileIsOneSentence(@TempDir Path data) throws Exception {
        Files.writeString(data.resolve("cache"), "not a folder");
        new Run("--data", data.toString()).assertOneSentence(data + " as the data folder", data.resolve("cache") + " is a file, not a folder");
    }

    @Test
    void aReadOnlyDataFolderIsOneSentence(@TempDir Path data) throws Exception {
        Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root may write into a read-only folder");
        Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            new Run("--data", data.toString()).assertOneSentence(data + " as the data folder", "no permission to write in " + data);
        } finally {
            Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
    }
}
