package io.meshport.web.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;
import io.meshport.session.impl.SessionStoreImpl;

/** The binary geometry endpoint: counts, byte order, the blocks as stored, a missing key, a non-mesh key. */
class MeshServletTest {
    private static final SessionStore STORE = new SessionStoreImpl(1L << 30, System::currentTimeMillis);
    private static Served served;

    @BeforeAll
    static void start() throws Exception {
        served = new Served().servlet(new MeshServlet(() -> STORE), "/api/mesh").start();
    }

    @AfterAll
    static void stop() throws Exception {
        served.close();
    }

    /** The response, read back as the page reads it. */
    record Parsed(int points, int vertices, int faces, float[] bounds, double version, Map<String, Block> blocks) {
    }

    record Block(int role, int type, int owner, int size, ByteBuffer data) {
        float[] floats() {
            float[] f = new float[data.remaining() / 4];
            data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            return f;
        }

        int[] ints() {
            int[] v = new int[data.remaining() / 4];
            data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
            return v;
        }
    }

    static Parsed parse(byte[] body) {
        ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("MPMS", new String(body, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(1, b.getInt(4));
        int header = b.getInt(8);
        assertEquals(0, header % 4, "blocks start 4-byte aligned");
        int blocks = b.getInt(24);
        float[] bounds = new float[6];
        for (int i = 0; i < 6; i++) {
            bounds[i] = b.getFloat(28 + 4 * i);
        }
        Map<String, Block> out = new LinkedHashMap<>();
        int at = 60;
        int data = header;
        for (int i = 0; i < blocks; i++) {
            int role = b.get(at), type = b.get(at + 1), owner = b.get(at + 2), size = b.get(at + 3);
            int count = b.getInt(at + 4);
            int nameLength = b.getShort(at + 8);
            String name = new String(body, at + 10, nameLength, StandardCharsets.UTF_8);
            at += (10 + nameLength + 3) & ~3;
            out.put(role == 0 ? "P" : role == 1 ? "indices" : role == 2 ? "faceCounts" : name,
                    new Block(role, type, owner, size, ByteBuffer.wrap(body, data, 4 * count).slice()));
            data += 4 * count;
        }
        assertEquals(body.length, data, "the blocks fill the response exactly");
        return new Parsed(b.getInt(12), b.getInt(16), b.getInt(20), bounds, b.getDouble(52), out);
    }

    @Test
    void aTriangleMeshComesBackAsStoredInLittleEndianBlocks() throws Exception {
        float[] p = {0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0.5f};
        int[] idx = {0, 1, 2, 1, 3, 2};
        float[] cd = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0.25f, 0.5f, 0.75f};
        Mesh m = Mesh.builder().positions(p).indices(idx).attribute(Attribute.ofFloats("Cd", AttributeOwner.POINT, 3, cd))
                .attribute(Attribute.ofInts("id", AttributeOwner.FACE, 1, new int[] {7, -8})).build();
        SessionEntry e = STORE.put("t/tri", "mesh", 1, SessionValue.ofMesh(m), SessionStore.ANY_VERSION);

        HttpResponse<byte[]> r = served.get("/api/mesh?key=t/tri");
        assertEquals(200, r.statusCode());
        assertEquals(MeshServlet.MEDIA_TYPE, r.headers().firstValue("Content-Type").orElse(""));
        assertEquals(String.valueOf(r.body().length), r.headers().firstValue("Content-Length").orElse(""));
        Parsed got = parse(r.body());
        assertEquals(4, got.points());
        assertEquals(6, got.vertices());
        assertEquals(2, got.faces());
        assertEquals(e.version(), (long) got.version());
        assertEquals(List.of("P", "indices", "Cd"), new ArrayList<>(got.blocks().keySet()), "Cd and N by default; id is not asked for");
        assertTrue(java.util.Arrays.equals(p, got.blocks().get("P").floats()));
        assertTrue(java.util.Arrays.equals(idx, got.blocks().get("indices").ints()));
        assertTrue(java.util.Arrays.equals(cd, got.blocks().get("Cd").floats()));
        assertEquals(3, got.blocks().get("Cd").size());
        assertEquals(0, got.blocks().get("Cd").owner(), "point");
        assertTrue(java.util.Arrays.equals(new float[] {0, 0, 0, 1, 1, 0.5f}, got.bounds()));
        // Little-endian on the wire whatever the machine: 1.0f is 00 00 80 3f.
        ByteBuffer x = got.blocks().get("P").data();
        assertEquals(0x3f, x.get(3 * 4 + 3) & 0xff);
        assertEquals(0x80, x.get(3 * 4 + 2) & 0xff);

        Parsed all = parse(served.get("/api/mesh?key=t/tri&attributes=*").body());
        assertTrue(java.util.Arrays.equals(new int[] {7, -8}, all.blocks().get("id").ints()));
        assertEquals(1, all.blocks().get("id").type(), "int32");
        assertEquals(2, all.blocks().get("id").owner(), "face");
    }

    @Test
    void polygonsSendTheirFaceCountsAndPointCloudsNoVertexList() throws Exception {
        Mesh quads = Mesh.builder().positions(new float[] {0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 2, 0, 0})
                .indices(new int[] {0, 1, 2, 3, 1, 4, 2}).faceCounts(new int[] {4, 3}).build();
        STORE.put("t/quads", "mesh", 1, SessionValue.ofMesh(quads), SessionStore.ANY_VERSION);
        Parsed q = parse(served.get("/api/mesh?key=t/quads").body());
        assertTrue(java.util.Arrays.equals(new int[] {4, 3}, q.blocks().get("faceCounts").ints()));
        assertEquals(2, q.faces());

        Mesh cloud = Mesh.builder().positions(new float[] {1, 2, 3, 4, 5, 6}).build();
        STORE.put("t/cloud", "mesh", 1, SessionValue.ofMesh(cloud), SessionStore.ANY_VERSION);
        Parsed c = parse(served.get("/api/mesh?key=t/cloud").body());
        assertEquals(2, c.points());
        assertEquals(0, c.vertices());
        assertEquals(List.of("P"), new ArrayList<>(c.blocks().keySet()));
    }

    @Test
    void aLargeMeshStreamsWhole() throws Exception {
        int n = 300_000; // more than many 64 KiB chunks
        float[] p = new float[3 * n];
        for (int i = 0; i < p.length; i++) {
            p[i] = i * 0.5f;
        }
        STORE.put("t/large", "mesh", 1, SessionValue.ofMesh(Mesh.builder().positions(p).build()), SessionStore.ANY_VERSION);
        float[] back = parse(served.get("/api/mesh?key=t/large").body()).blocks().get("P").floats();
        assertTrue(java.util.Arrays.equals(p, back));
    }

    @Test
    void aMeshLargerThanMaxPointsComesAsEveryKthPointWithItsTrueCountsInTheHeaders() throws Exception {
        int n = 10_001;
        float[] p = new float[3 * n];
        float[] cd = new float[3 * n];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
            cd[i] = -i;
        }
        int[] tri = new int[3 * (n - 2)];
        for (int i = 0; i < n - 2; i++) {
            tri[3 * i] = i;
            tri[3 * i + 1] = i + 1;
            tri[3 * i + 2] = i + 2;
        }
        Mesh m = Mesh.builder().positions(p).indices(tri).attribute(Attribute.ofFloats("Cd", AttributeOwner.POINT, 3, cd))
                .attribute(Attribute.ofInts("id", AttributeOwner.FACE, 1, new int[n - 2])).build();
        STORE.put("t/big", "mesh", 1, SessionValue.ofMesh(m), SessionStore.ANY_VERSION);

        HttpResponse<byte[]> r = served.get("/api/mesh?key=t/big&maxPoints=1000");
        assertEquals("11", r.headers().firstValue("X-Meshport-Preview").orElse(""), "1 point in 11 keeps at most 1,000");
        assertEquals("10001", r.headers().firstValue("X-Meshport-Points").orElse(""));
        assertEquals("9999", r.headers().firstValue("X-Meshport-Faces").orElse(""));
        Parsed q = parse(r.body());
        assertEquals(910, q.points());
        assertEquals(0, q.faces(), "a preview is a point cloud");
        float[] back = q.blocks().get("P").floats();
        float[] colours = q.blocks().get("Cd").floats();
        for (int i = 0; i < q.points(); i++) {
            assertEquals(3f * 11 * i, back[3 * i], "point " + i + " is the mesh's point " + 11 * i);
            assertEquals(-3f * 11 * i - 2, colours[3 * i + 2]);
        }

        HttpResponse<byte[]> whole = served.get("/api/mesh?key=t/big&maxPoints=20000");
        assertTrue(whole.headers().firstValue("X-Meshport-Preview").isEmpty(), "under the limit it comes whole");
        assertEquals(9999, parse(whole.body()).faces());
        assertEquals(400, served.get("/api/mesh?key=t/big&maxPoints=0").statusCode());
        assertEquals(400, served.get("/api/mesh?key=t/big&maxPoints=many").statusCode());
    }

    @Test
    void aMissingKeyIs404AndANonMeshKey409WithAMessage() throws Exception {
        HttpResponse<byte[]> missing = served.get("/api/mesh?key=t/nothing");
        assertEquals(404, missing.statusCode());
        String text = new String(missing.body(), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"NOT_FOUND\"") && text.contains("no key 't/nothing'"), text);

        STORE.put("t/settings", "cbor", 3, new SessionValue(SessionValue.KIND_CBOR, new byte[] {(byte) 0xa0}, Map.of(), 1),
                SessionStore.ANY_VERSION);
        HttpResponse<byte[]> notMesh = served.get("/api/mesh?key=t/settings");
        assertEquals(409, notMesh.statusCode());
        text = new String(notMesh.body(), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"NOT_A_MESH\"") && text.contains("holds a cbor value"), text);

        assertEquals(400, served.get("/api/mesh").statusCode(), "no key given");
        HttpResponse<byte[]> bad = served.get("/api/mesh?key=a//b");
        assertEquals(400, bad.statusCode());
        assertTrue(new String(bad.body(), StandardCharsets.UTF_8).contains("BAD_KEY"));
    }
}
