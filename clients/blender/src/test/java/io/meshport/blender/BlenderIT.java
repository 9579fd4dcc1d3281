package io.meshport.blender;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.launcher.EmbeddedHost;
import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;

/**
 * The Blender add-on (clients/blender/meshport_live_link), installed from the zip this module builds into Debian's
 * Blender running headless, against a real host on 127.0.0.1: connect, push (n-gons, normals, UVs, colours, the
 * world matrix), pull, the live push and the live pull driven by {@code sync_now()}, a host with a token, and the
 * host going away and coming back. Each Blender script checks what the host holds with the Python client of the
 * checkout (src/test/blender/support.py says how the scripts run); this class reads the pushed keys again with the
 * Java client.
 */
class BlenderIT {
    private static final Path MODULE = Paths.get(System.getProperty("user.dir"));
    private static final Path ROOT = MODULE.resolve("../..").normalize();
    private static final Path SCRIPTS = MODULE.resolve("src/test/blender");
    private static final Path ZIP = Paths.get(System.getProperty("meshport.addon.zip",
            MODULE.resolve("target/meshport_live_link-0.1.0.zip").toString()));

    @TempDir
    static Path data;

    private static EmbeddedHost host;
    private static int port;

    @BeforeAll
    static void startHost() throws Exception {
        assertTrue(Files.isRegularFile(ZIP), "the add-on's zip, made by mvn package: " + ZIP);
        host = EmbeddedHost.start(new EmbeddedHost.Options().data(data.resolve("host")).port(0).web(false));
        port = host.awaitListener(45_000).getPort();
    }

    @AfterAll
    static void stopHost() {
        if (host != null) {
            host.close();
        }
    }

    private static String[] scriptArgs(int port, String... more) {
        List<String> a = new ArrayList<>(List.of("--port", String.valueOf(port), "--zip", ZIP.toString(),
                "--client", ROOT.resolve("clients/python").toString()));
        Collections.addAll(a, more);
        return a.toArray(new String[0]);
    }

    private static MeshportClient javaClient(int port) {
        return MeshportClient.connect(ClientOptions.of("127.0.0.1", port));
    }

    @Test
    void theZipHoldsTheAddOnAndTheClientAtTheProjectsVersion() throws Exception {
        try (ZipFile zip = new ZipFile(ZIP.toFile())) {
            List<String> names = new ArrayList<>();
            zip.stream().map(ZipEntry::getName).forEach(names::add);
            for (String f : List.of("__init__.py", "live.py", "link.py", "geometry.py", "bodies.py", "keys.py", "ops.py",
                    "ui.py", "_client.py", "LICENSE", "meshport/__init__.py", "meshport/_connection.py", "meshport/_link.py")) {
                assertTrue(names.contains("meshport_live_link/" + f), f + " in " + names);
            }
            assertTrue(names.stream().allMatch(n -> n.startsWith("meshport_live_link/")), "one folder, as Blender installs it: " + names);
            assertTrue(names.stream().noneMatch(n -> n.contains("__pycache__") || n.endsWith(".pyc")), names.toString());
            String init = new String(zip.getInputStream(zip.getEntry("meshport_live_link/__init__.py")).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("\"version\": \\((\\d+), (\\d+), (\\d+)\\)").matcher(init);
            assertTrue(m.find(), "bl_info's version");
            String version = m.group(1) + "." + m.group(2) + "." + m.group(3);
            Matcher pom = Pattern.compile("<artifactId>meshport-parent</artifactId>\\s*<version>([^<]+)</version>")
                    .matcher(Files.readString(ROOT.resolve("pom.xml")));
            assertTrue(pom.find());
            assertEquals(pom.group(1), version, "bl_info's version is the project's");
            String client = new String(zip.getInputStream(zip.getEntry("meshport_live_link/meshport/__init__.py")).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(client.contains("__version__ = \"" + version + "\""), "the client at the project's version");
        }
    }

    @Test
    void pushesNgonsNormalsUvsColoursAndTheWorldMatrix(@TempDir Path home) throws Exception {
        String out = Blender.run(home, 180, SCRIPTS.resolve("push_test.py"), scriptArgs(port));
        assertTrue(out.contains("push verified"), out);
        assertTrue(out.contains("client from " + home.resolve("scripts/addons/meshport_live_link/meshport/__init__.py")),
                "the add-on uses the client its zip carries:\n" + out);
        assertTrue(out.contains("cannot reach a Meshport host at 127.0.0.1:1"), out);

        try (MeshportClient c = javaClient(port)) {
            Mesh ngons = c.getMesh("it/push/Ngons").mesh();
            assertEquals(8, ngons.pointCount());
            assertEquals(3, ngons.faceCount());
            assertEquals(List.of(5, 4, 3), List.of(ngons.faceVertexCount(0), ngons.faceVertexCount(1), ngons.faceVertexCount(2)));
            assertAttribute(ngons, "N", AttributeOwner.VERTEX, 3);
            assertAttribute(ngons, "uv", AttributeOwner.VERTEX, 2);
            assertAttribute(ngons, "Cd", AttributeOwner.POINT, 3);
            assertAttribute(ngons, "Alpha", AttributeOwner.POINT, 1);
            assertEquals(0.5f, ngons.attribute("Alpha").getFloat(3, 0));
            assertEquals("Ngons", ngons.name());
            Map<?, ?> meta = meta(ngons);
            List<?> matrix = (List<?>) meta.get("matrixWorld");
            assertEquals(16, matrix.size(), meta.toString());
            assertArrayEquals(new double[] {1, 2, 3, 1}, new double[] {num(matrix.get(3)), num(matrix.get(7)), num(matrix.get(11)),
                num(matrix.get(15))}, 1e-6, "the translation in the last column: " + matrix);
            assertEquals("Ngons", meta.get("object"));

            Mesh arrayed = c.getMesh("it/push/Arrayed").mesh();
            assertEquals(24, arrayed.pointCount(), "the array modifier applied");
            assertAttribute(arrayed, "Cd", AttributeOwner.VERTEX, 3);
        }
    }

    @Test
    void pullsKeysIntoObjects(@TempDir Path home) throws Exception {
        String out = Blender.run(home, 180, SCRIPTS.resolve("pull_test.py"), scriptArgs(port));
        assertTrue(out.contains("pull verified"), out);
        assertTrue(out.contains("pulled it/pull/grid/Panel version ") && out.contains(": created Panel"), out);
        assertTrue(out.contains(": updated Panel") && out.contains(": rebuilt Panel"), out);
    }

    @Test
    void livePushSendsWhatChanged(@TempDir Path home) throws Exception {
        String out = Blender.run(home, 180, SCRIPTS.resolve("live_push_test.py"), scriptArgs(port));
        assertTrue(out.contains("live push verified"), out);
        try (MeshportClient c = javaClient(port)) {
            Mesh sheet = c.getMesh("it/live/Sheet").mesh();
            assertEquals(121, sheet.pointCount());
            assertEquals(99, sheet.faceCount(), "the face deleted in edit mode stays deleted");
        }
    }

    @Test
    void livePullAppliesNewVersions(@TempDir Path home) throws Exception {
        String out = Blender.run(home, 180, SCRIPTS.resolve("live_pull_test.py"), scriptArgs(port));
        assertTrue(out.contains("live pull verified"), out);
    }

    @Test
    void aHostWithAToken(@TempDir Path tmp) throws Exception {
        String token = "blender-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
        try (EmbeddedHost secured = EmbeddedHost.start(new EmbeddedHost.Options().data(tmp.resolve("host")).port(0).web(false)
                .listener("token", token))) {
            int securedPort = secured.awaitListener(45_000).getPort();
            String out = Blender.run(tmp.resolve("blender"), 180, SCRIPTS.resolve("token_test.py"),
                    scriptArgs(securedPort, "--token", token));
            assertTrue(out.contains("token verified"), out);
            assertTrue(out.contains("the host at 127.0.0.1:" + securedPort + " refused the connection: UNAUTHORIZED"), out);
            try (MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", securedPort).withToken(token))) {
                assertEquals(42, c.getMesh("it/token/Ball").mesh().pointCount());
            }
        }
    }

    /**
     * The host stops while Blender runs with the live link on, and a host starts again on the same port and data
     * folder once the add-on said the host was lost: it reconnects, sends the edit made meanwhile, and pulls a key
     * put after it came back. The script checks that no round of the live link took long while the host was away.
     * With the session in a file the host comes back with the same session; in memory, with a new, empty one, into
     * which the add-on pushes again what it had pushed.
     */
    @ParameterizedTest(name = "session {0}")
    @ValueSource(strings = {"file", "memory"})
    void theHostGoesAwayAndComesBack(String session, @TempDir Path tmp) throws Exception {
        Path hostData = tmp.resolve("host");
        EmbeddedHost first = EmbeddedHost.start(new EmbeddedHost.Options().data(hostData).port(0).web(false).session(session));
        EmbeddedHost[] second = new EmbeddedHost[1];
        try {
            InetSocketAddress at = first.awaitListener(45_000);
            int awayPort = at.getPort();
            CountDownLatch ready = new CountDownLatch(1);
            CountDownLatch lost = new CountDownLatch(1);
            CountDownLatch reconnected = new CountDownLatch(1);
            Blender.Run blender = Blender.start(tmp.resolve("blender"), SCRIPTS.resolve("host_away_test.py"), line -> {
                // contains, not startsWith: Blender's own output (from C) may share a line with the script's
                if (line.contains("READY")) {
                    ready.countDown();
                } else if (line.contains("LOST ")) {
                    lost.countDown();
                } else if (line.contains("RECONNECTED ")) {
                    reconnected.countDown();
                }
            }, scriptArgs(awayPort));
            try {
                assertTrue(ready.await(120, TimeUnit.SECONDS), "the script got ready:\n" + blender.out);
                first.close();
                assertTrue(lost.await(60, TimeUnit.SECONDS), "the add-on said the host was lost:\n" + blender.out);
                Thread.sleep(1_500); // away a while: the add-on tries again meanwhile
                second[0] = EmbeddedHost.start(new EmbeddedHost.Options().data(hostData).port(awayPort).web(false).session(session));
                assertNotNull(second[0].awaitListener(45_000));
                assertTrue(reconnected.await(60, TimeUnit.SECONDS), "the add-on reconnected:\n" + blender.out);
                try (MeshportClient c = javaClient(awayPort)) {
                    c.put("it/away/Comeback", Mesh.builder().positions(new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0})
                            .indices(new int[] {0, 1, 2}).build());
                }
                String out = blender.finish(180);
                System.out.println(out);
                assertTrue(out.contains("host away verified"), out);
                assertTrue(out.contains("Meshport: lost the host at 127.0.0.1:" + awayPort), "the add-on says so:\n" + out);
                assertTrue(out.contains("Meshport: reconnected to 127.0.0.1:" + awayPort), out);
                assertTrue(out.contains(session.equals("file") ? "(the same session)" : "(a new session, "), out);
                try (MeshportClient c = javaClient(awayPort)) {
                    Mesh survivor = c.getMesh("it/away/Survivor").mesh();
                    assertEquals(0.75f, survivor.positions().get(2), "the edit made while the host was away");
                }
            } finally {
                blender.process.destroyForcibly();
            }
        } finally {
            first.close();
            if (second[0] != null) {
                second[0].close();
            }
        }
    }

    /** The benchmark script runs (at a small size: its numbers are for bench/push_benchmark.py run by hand). */
    @Test
    void theBenchmarkScriptRuns(@TempDir Path home) throws Exception {
        String out = Blender.run(home, 300, ROOT.resolve("clients/blender/bench/push_benchmark.py"),
                "--port", String.valueOf(port), "--points", "20000", "--runs", "2", "--zip", ZIP.toString());
        assertTrue(out.matches("(?s).*push ratio add-on/raw: [0-9.]+x by median.*"), out);
        assertTrue(out.contains("update with base (the live link sent positions"), out);
    }

    private static void assertAttribute(Mesh mesh, String name, AttributeOwner owner, int size) {
        Attribute a = mesh.attribute(name);
        assertNotNull(a, name + " in " + mesh.attributes().keySet());
        assertEquals(owner, a.owner(), name);
        assertEquals(size, a.size(), name);
    }

    private static Map<?, ?> meta(Mesh mesh) throws java.io.IOException {
        ByteBuffer b = mesh.meta();
        assertNotNull(b, "meta");
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return new CBORMapper().readValue(bytes, Map.class);
    }

    private static double num(Object o) {
        return ((Number) o).doubleValue();
    }
}
