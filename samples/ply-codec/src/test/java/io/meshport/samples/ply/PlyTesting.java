package io.meshport.samples.ply;

import static io.meshport.samples.ply.PlyWriter.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.meshport.codec.DecodeContext;
import io.meshport.codec.Payload;
import io.meshport.mesh.Attribute;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionValue;

/** What the PLY tests share: decoding through the codec, checking refusals, reading arrays back. */
final class PlyTesting {
    static final String[] TYPES = {"char", "uchar", "short", "ushort", "int", "uint", "float", "double",
        "int8", "uint8", "int16", "uint16", "int32", "uint32", "float32", "float64"};
    /** Where every error points: "ply: byte N: " or "ply: line L (byte N): ". */
    static final Pattern LOCATED = Pattern.compile("^ply: (byte \\d+|line \\d+ \\(byte \\d+\\)): .+", Pattern.DOTALL);

    private static final PlyCodec CODEC = new PlyCodec();

    private PlyTesting() {
    }

    static DecodeContext context(long available) {
        return new DecodeContext() {
            @Override
            public String key() {
                return "test/ply";
            }

            @Override
            public Optional<SessionEntry> current() {
                return Optional.empty();
            }

            @Override
            public long availableBytes() {
                return available;
            }

            @Override
            public void requireVersion(long version) {
            }
        };
    }

    static SessionValue value(byte[] file) {
        SessionValue v = CODEC.decode(Payload.ofBytes(file), context(Long.MAX_VALUE));
        assertEquals(SessionValue.KIND_MESH, v.kind());
        return v;
    }

    static Mesh decode(byte[] file) {
        return (Mesh) value(file).value();
    }

    /** @return the warnings of the put's summary (empty when it has none) */
    @SuppressWarnings("unchecked")
    static List<String> warnings(byte[] file) {
        return (List<String>) value(file).summary().getOrDefault("warnings", List.of());
    }

    /** Asserts that some warning contains {@code part}. */
    static void warns(byte[] file, String part) {
        List<String> w = warnings(file);
        assertTrue(w.stream().anyMatch(s -> s.contains(part)), "'" + part + "' in: " + w);
    }

    static MeshportException fails(byte[] file) {
        return fails(file, ErrorCode.DECODE_FAILED);
    }

    /** Asserts the codec refuses the file with {@code code} and a message that says where. */
    static MeshportException fails(byte[] file, ErrorCode code) {
        MeshportException e = assertThrows(MeshportException.class, () -> CODEC.decode(Payload.ofBytes(file), context(Long.MAX_VALUE)));
        assertEquals(code, e.code(), e.getMessage());
        if (code != ErrorCode.OVERLOADED) {
            assertTrue(LOCATED.matcher(e.getMessage()).matches(), e.getMessage());
        }
        return e;
    }

    static void failsWith(byte[] file, String part) {
        String m = fails(file).getMessage();
        assertTrue(m.contains(part), "'" + part + "' in: " + m);
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static float[] positions(Mesh m) {
        return m.positions(new float[3 * m.pointCount()]);
    }

    static float[] floats(Attribute a) {
        float[] f = new float[a.elementCount()];
        a.floats().get(f);
        return f;
    }

    static int[] indices(Mesh m) {
        int[] i = new int[m.vertexCount()];
        m.indices().get(i);
        return i;
    }

    /** A tetrahedron whose coordinates every type can hold (negative ones only for signed types). */
    static PlyWriter tetrahedron(String type) {
        boolean signed = !type.startsWith("u");
        double n = signed ? -1 : 3;
        PlyWriter w = new PlyWriter();
        w.element("vertex").prop(type, "x").prop(type, "y").prop(type, "z")
                .row(0, 0, 0).row(2, 0, n).row(0, 2, 1).row(1, 1, 2);
        w.element("face").list("uchar", "int", "vertex_indices")
                .row(list(0, 2, 1)).row(list(0, 1, 3)).row(list(1, 2, 3)).row(list(0, 3, 2));
        return w;
    }
}
