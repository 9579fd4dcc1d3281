package io.meshport.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

import io.meshport.client.MeshportClient;
import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * {@code ./meshport send} with PLY and STL files, against a host from the assembled distribution, which
 * deploys the sample codec bundles: the launcher sends the files' bytes, the bundles decode them.
 */
class SendFormatsIT {
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

    private static Mesh get(String key) {
        try (MeshportClient c = client()) {
            return c.getMesh(key).mesh();
        }
    }

    /** A quad and a triangle with float normals and uchar colors, binary little endian. */
    static byte[] plyQuadAndTriangle() {
        String header = "ply\nformat binary_little_endian 1.0\ncomment written by SendFormatsIT\n"
                + "element vertex 5\nproperty float x\nproperty float y\nproperty float z\n"
                + "property float nx\nproperty float ny\nproperty float nz\n"
                + "property uchar red\nproperty uchar green\nproperty uchar blue\n"
                + "element face 2\nproperty list uchar int vertex_indices\nend_header\n";
        ByteBuffer b = ByteBuffer.allocate(header.length() + 5 * 27 + (1 + 16) + (1 + 12)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        float[][] p = {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {0, 1, 0}, {2, 0.5f, 0}};
        for (int i = 0; i < 5; i++) {
            b.putFloat(p[i][0]).putFloat(p[i][1]).putFloat(p[i][2]);
            b.putFloat(0).putFloat(0).putFloat(1);
            b.put((byte) (i == 0 ? 255 : 0)).put((byte) (i == 1 ? 255 : 51)).put((byte) (i * 60));
        }
        b.put((byte) 4).putInt(0).putInt(1).putInt(2).putInt(3);
        b.put((byte) 3).putInt(1).putInt(4).putInt(2);
        return b.array();
    }

    /** A unit cube of 12 triangles, binary STL (whose header starts with "solid", as many do). */
    static byte[] stlCube() {
        float[][] c = {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 1}, {1, 1, 1}, {0, 1, 1}};
        int[][] quads = {{0, 3, 2, 1}, {4, 5, 6, 7}, {0, 1, 5, 4}, {2, 3, 7, 6}, {1, 2, 6, 5}, {3, 0, 4, 7}};
        float[][] n = {{0, 0, -1}, {0, 0, 1}, {0, -1, 0}, {0, 1, 0}, {1, 0, 0}, {-1, 0, 0}};
        ByteBuffer b = ByteBuffer.allocate(84 + 12 * 50).order(ByteOrder.LITTLE_ENDIAN);
        b.put("solid cube written by SendFormatsIT".getBytes(StandardCharsets.US_ASCII)).position(80);
        b.putInt(12);
        for (int q = 0; q < 6; q++) {
            for (int[] tri : new int[][] {{0, 1, 2}, {0, 2, 3}}) {
                b.putFloat(n[q][0]).putFloat(n[q][1]).putFloat(n[q][2]);
                for (int k : tri) {
                    float[] v = c[quads[q][k]];
                    b.putFloat(v[0]).putFloat(v[1]).putFloat(v[2]);
                }
                b.putShort((short) 0);
            }
        }
        return b.array();
    }

    @Test
    void sendsAPlyWithNormalsColorsAndAQuad(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("quad-and-tri.PLY");
        Files.write(file, plyQuadAndTriangle());
        String out = send(file, "files/ply");
        assertTrue(out.contains("put files/ply: version"), out);
        assertTrue(out.contains("5 points, 7 vertices, 2 faces, attributes [N, Cd] (codec ply,"), out);
        Mesh m = get("files/ply");
        assertEquals(5, m.pointCount());
        assertEquals(2, m.faceCount());
        assertEquals(4, m.faceVertexCount(0));
        assertEquals(3, m.faceVertexCount(1));
        assertEquals(3, m.triangleCount());
        Attribute n = m.attribute("N");
        assertEquals(AttributeOwner.POINT, n.owner());
        for (int i = 0; i < 5; i++) {
            assertEquals(1f, n.getFloat(i, 2));
        }
        Attribute cd = m.attribute("Cd");
        assertEquals(AttributeOwner.POINT, cd.owner());
        assertEquals(1f, cd.getFloat(0, 0));
        assertEquals(1f, cd.getFloat(1, 1));
        assertEquals(0.2f, cd.getFloat(2, 1));
        assertEquals(240 / 255f, cd.getFloat(4, 2));
        assertEquals(2f, m.position(4, new org.joml.Vector3f()).x);
    }

    @Test
    void sendsAnAsciiPlyPointCloud(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("cloud.ply");
        Files.writeString(file, "ply\nformat ascii 1.0\nelement vertex 3\nproperty double x\nproperty double y\n"
                + "property double z\nproperty float intensity\nend_header\n0 0 0 0.5\n1 2 3 0.25\n-1 -2 -3 1\n");
        send(file, "files/cloud");
        Mesh m = get("files/cloud");
        assertTrue(m.isPointCloud());
        assertEquals(3, m.pointCount());
        assertEquals(0.25f, m.attribute("intensity").getFloat(1, 0));
    }

    @Test
    void sendsBinaryAndAsciiStlWeldedWithFacetNormals(@TempDir Path tmp) throws Exception {
        Path bin = tmp.resolve("cube.stl");
        Files.write(bin, stlCube());
        String out = send(bin, "files/stl");
        assertTrue(out.contains("8 points, 36 vertices, 12 faces, attributes [N] (codec stl, 684 bytes"), out);
        Mesh m = get("files/stl");
        assertEquals(8, m.pointCount());
        assertEquals(12, m.faceCount());
        Attribute n = m.attribute("N");
        assertEquals(AttributeOwner.FACE, n.owner());
        assertEquals(-1f, n.getFloat(0, 2));
        assertEquals(1f, n.getFloat(3, 2));
        assertEquals(-1f, n.getFloat(11, 0));

        Path text = tmp.resolve("tri.STL");
        Files.writeString(text, "solid one\n facet normal 0 0 1\n  outer loop\n   vertex 0 0 0\n   vertex 1 0 0\n"
                + "   vertex 0 1 0\n  endloop\n endfacet\nendsolid one\n");
        send(text, "files/stl-ascii");
        Mesh t = get("files/stl-ascii");
        assertEquals(3, t.pointCount());
        assertEquals(1, t.faceCount());
        assertEquals("one", t.name());
        assertEquals(1f, t.attribute("N").getFloat(0, 2));
    }

    @Test
    void aBrokenFileIsRefusedWithWhereAndWhat(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("cut.ply");
        byte[] ply = plyQuadAndTriangle();
        Files.write(file, java.util.Arrays.copyOf(ply, ply.length - 5));
        MeshportException e = assertThrows(MeshportException.class, () -> send(file, "files/cut"));
        assertEquals(ErrorCode.DECODE_FAILED, e.code());
        assertTrue(e.getMessage().contains("ply: byte "), e.getMessage());
        Path stl = tmp.resolve("cut.stl");
        byte[] cube = stlCube();
        Files.write(stl, java.util.Arrays.copyOf(cube, cube.length - 50));
        e = assertThrows(MeshportException.class, () -> send(stl, "files/cut"));
        assertEquals(ErrorCode.DECODE_FAILED, e.code());
        assertTrue(e.getMessage().contains("stl: "), e.getMessage());
        Path other = tmp.resolve("mesh.off");
        Files.writeString(other, "OFF\n");
        Main.UsageException usage = assertThrows(Main.UsageException.class, () -> send(other, "files/off"));
        assertTrue(usage.getMessage().contains("supported formats are .obj, .ply and .stl"), usage.getMessage());
    }

    @Test
    void withoutItsCodecBundleTheHostAnswersNoCodecAndListsWhatItHas(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("cube.stl");
        Files.write(file, stlCube());
        Bundle stl = null;
        for (Bundle b : host.framework().getBundleContext().getBundles()) {
            if ("io.meshport.stl-codec".equals(b.getSymbolicName())) {
                stl = b;
            }
        }
        assertNotNull(stl, "the stl codec bundle is installed");
        stl.stop();
        try {
            MeshportException e = assertThrows(MeshportException.class, () -> send(file, "files/no-codec"));
            assertEquals(ErrorCode.NO_CODEC, e.code());
            assertTrue(e.getMessage().contains("no codec 'stl'") && e.getMessage().contains("ply"), e.getMessage());
        } finally {
            stl.start();
        }
        send(file, "files/codec-back");
        assertEquals(8, get("files/codec-back").pointCount());
    }
}
