package io.meshport.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshport.client.MeshportClient;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * {@code ./meshport send} against a host from the assembled distribution, with every file of
 * {@link MeshCorpus}: what the host stores must agree, value by value, with what Debian's meshio and
 * Open3D read from the same file ({@link Agreement}), and {@code send} must say what it did not carry.
 * Broken files are refused with their line or byte and what was wrong.
 */
class IndependentReadersIT {
    @TempDir
    static Path data;

    private static EmbeddedHost host;
    private static InetSocketAddress address;

    @BeforeAll
    static void startHost() throws Exception {
        host = EmbeddedHost.start(new EmbeddedHost.Options().data(data).port(0));
        address = host.awaitListener(20_000);
        assertNotNull(address, "the host listens");
        // FileInstall starts the deployed bundles one by one: wait (at most 30 s) for both codecs.
        List<String> codecs = List.of();
        for (int i = 0; i < 300 && !(codecs.contains("ply") && codecs.contains("stl")); i++) {
            try (MeshportClient c = client()) {
                codecs = c.hostInfo().codecs();
            }
            if (!(codecs.contains("ply") && codecs.contains("stl"))) {
                Thread.sleep(100);
            }
        }
        assertTrue(codecs.contains("ply") && codecs.contains("stl"), "hello lists ply and stl: " + codecs);
    }

    @AfterAll
    static void stopHost() {
        if (host != null) {
            host.close();
        }
    }

    private static MeshportClient client() {
        return MeshportClient.connect("127.0.0.1", address.getPort());
    }

    private static String send(Path file, String key) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            code = new Main(out).run(new String[] {"send", file.toString(), "--key", key, "--port", String.valueOf(address.getPort())});
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        return text;
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        return name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    }

    @Test
    void whatTheHostStoresAgreesWithMeshioAndOpen3d(@TempDir Path tmp) throws Exception {
        List<MeshCorpus.Case> cases = new MeshCorpus(tmp).ply().stl().obj().cases();
        List<Path> twins = new ArrayList<>();
        cases.forEach(c -> twins.add(c.twin()));
        Map<Path, Map<String, Object>> readings = IndependentReaders.read(tmp, twins);
        StringBuilder report = new StringBuilder("values compared with the independent readers:\n");
        int total = 0;
        for (int i = 0; i < cases.size(); i++) {
            MeshCorpus.Case c = cases.get(i);
            String key = "corpus/" + i;
            String out = send(c.file(), key);
            assertTrue(out.contains("put " + key + ": version"), c.name() + ": " + out);
            List<String> said = out.lines().filter(l -> l.startsWith("warning: ")).toList();
            for (String w : said) {
                assertTrue(c.warnings().stream().anyMatch(w::contains), c.name() + ": a warning that was not expected: " + w);
            }
            for (String w : c.warnings()) {
                assertTrue(said.stream().anyMatch(l -> l.contains(w)), c.name() + ": send says '" + w + "': " + out);
            }
            Mesh m;
            try (MeshportClient client = client()) {
                m = client.getMesh(key).mesh();
            }
            report.append(String.format(Locale.ROOT, "  %-75s", c.name()));
            for (String reader : c.readers()) {
                Map<String, Object> reading = readings.get(c.twin());
                @SuppressWarnings("unchecked")
                Map<String, Object> byReader = (Map<String, Object>) reading.get(reader.split(":")[0]);
                int n = Agreement.compare(extension(c.file()), reader, byReader, m, c.name());
                report.append(' ').append(reader).append(' ').append(n);
                total += n;
            }
            report.append('\n');
        }
        System.out.print(report.append("  ").append(total).append(" values in ").append(cases.size()).append(" files\n"));
    }

    @Test
    void sendSaysWhatAFileHeldThatTheMeshDoesNotCarry(@TempDir Path tmp) throws Exception {
        Path ply = tmp.resolve("extra.ply");
        Files.writeString(ply, "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\n"
                + "property list uchar float weights\nelement edge 1\nproperty int vertex1\nproperty int vertex2\nend_header\n"
                + "0 0 0 0\n1 0 0 1 0.5\n0 1 0 0\n0 1");
        String out = send(ply, "said/ply");
        assertTrue(out.contains("warning: vertex property 'weights' (list uchar float) not carried: a list has no place in the mesh\n"), out);
        assertTrue(out.contains("warning: element 'edge' (1 instance) not carried"), out);
        Path obj = tmp.resolve("said.obj");
        Files.writeString(obj, "v 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\nf 1/1 2/2 3/1\ncurv 0 1 1 2\n");
        out = send(obj, "said/obj");
        assertTrue(out.contains("warning: uv left out: line 5: a face refers to texture coordinate 2, but the file has 1\n"), out);
        assertTrue(out.contains("warning: 1 'curv' statement not carried (the first on line 6)\n"), out);
        try (MeshportClient client = client()) {
            Mesh m = client.getMesh("said/obj").mesh();
            assertEquals(1, m.faceCount(), "the geometry is kept");
            assertTrue(ObjFilesTest.meta(m).get("warnings").toString().contains("uv left out"), "the mesh keeps what was said");
        }
    }

    @Test
    void brokenFilesAreRefusedWithTheirLineOrByteAndWhatWasWrong(@TempDir Path tmp) throws Exception {
        String xyz = "ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nend_header\n";
        Path inf = tmp.resolve("inf.ply");
        Files.writeString(inf, xyz + "0 0 0\n1 +inf 0\n");
        MeshportException e = assertThrows(MeshportException.class, () -> send(inf, "broken/inf"));
        assertEquals(ErrorCode.INVALID_MESH, e.code());
        assertTrue(e.getMessage().endsWith("ply: line 9 (byte 108): vertex 1: property 'y' is +inf (non-finite): positions must be"
                + " finite"), e.getMessage());
        Path word = tmp.resolve("word.ply");
        Files.writeString(word, xyz + "0 0 0\n1 nan? 0\n");
        e = assertThrows(MeshportException.class, () -> send(word, "broken/word"));
        assertEquals(ErrorCode.DECODE_FAILED, e.code());
        assertTrue(e.getMessage().endsWith("ply: line 9 (byte 108): vertex 1: expected property 'y', a float, found 'nan?'"),
                e.getMessage());
        Path stl = tmp.resolve("cut.stl");
        byte[] full = MeshCorpus.stlBinary("cut", new byte[0], null);
        Files.write(stl, java.util.Arrays.copyOf(full, full.length - 3));
        e = assertThrows(MeshportException.class, () -> send(stl, "broken/stl"));
        assertEquals(ErrorCode.DECODE_FAILED, e.code());
        assertTrue(e.getMessage().endsWith("stl: byte 80: the binary header declares 6 triangles, so the file should have"
                + " 84 + 50 × 6 = 384 bytes, but it has 381 (3 missing: the file looks cut off)"), e.getMessage());
        Path obj = tmp.resolve("broken.obj");
        Files.writeString(obj, "v 0 0 0\nv 1 0 0\r\nv 0 1 nan\n");
        IOException io = assertThrows(IOException.class, () -> send(obj, "broken/obj"));
        assertEquals("cannot read broken.obj as OBJ: line 3: vertex 3 has z = nan, which is non-finite: positions must be finite",
                io.getMessage());
        Files.writeString(obj, "v 0 0 0\nv 1 0 0\nv 0 1 0 1 0 x\n");
        io = assertThrows(IOException.class, () -> send(obj, "broken/obj"));
        assertEquals("cannot read broken.obj as OBJ: line 3: expected the b of vertex 3, a number, found 'x'", io.getMessage());
    }
}
