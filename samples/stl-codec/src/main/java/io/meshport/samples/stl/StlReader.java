package io.meshport.samples.stl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.meshport.samples.text.Warnings;
import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * Reads an STL file, binary or ASCII ({@link AsciiStl}), into a triangle mesh: corners at the same exact
 * position are welded into one point ({@link Welder}), each facet's normal becomes the face attribute
 * {@code N}, and the colours binary writers keep in each facet's attribute bytes the face attribute
 * {@code Cd} ({@link FacetColors}).
 *
 * <p>Which format: a payload whose length is exactly {@code 84 + 50 × count} (the count being the
 * little-endian uint32 at byte 80) is binary, even when its header starts with {@code solid}, as many
 * exporters' headers do; otherwise a payload starting with {@code solid} is ASCII; anything else is a
 * binary file of the wrong size, and an error.
 */
final class StlReader {
    static final int HEADER = 80;
    static final int TRIANGLE = 50;
    /** The longest mesh name kept from an ASCII {@code solid} line. */
    static final int MAX_NAME = 256;

    private StlReader() {
    }

    /**
     * @param b the payload's array
     * @param off where the payload starts
     * @param len its length
     * @param availableBytes how much the session can still take
     * @param warnings receives what the file held that the mesh does not carry
     * @return the mesh
     * @throws MeshportException {@code DECODE_FAILED} naming the byte or line and what was expected,
     *         {@code INVALID_MESH} for a non-finite coordinate, {@code OVERLOADED} when the mesh would
     *         not fit in the session
     */
    static Mesh read(byte[] b, int off, int len, long availableBytes, Warnings warnings) {
        long declared = -1;
        if (len >= HEADER + 4) {
            declared = ByteBuffer.wrap(b, off + HEADER, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFF_FFFFL;
            if (HEADER + 4 + TRIANGLE * declared == len) {
                return binary(b, off, (int) declared, availableBytes, warnings);
            }
        }
        if (startsWithSolid(b, off, len)) {
            return new AsciiStl(b, off, len, declared).read(availableBytes, warnings);
        }
        if (declared < 0) {
            throw error(0, len == 0 ? "the payload is empty: expected an STL file"
                    : len + " bytes are too few for binary STL (an 80-byte header and a 4-byte triangle count at"
                    + " least), and they do not start with 'solid' as ASCII STL does");
        }
        long expected = HEADER + 4 + TRIANGLE * declared;
        throw error(HEADER, "the binary header declares " + declared + " triangles, so the file should have 84 + 50 × "
                + declared + " = " + expected + " bytes, but it has " + len + " ("
                + (len > expected ? (len - expected) + " too many)" : (expected - len) + " missing: the file looks cut off)"));
    }

    static MeshportException error(long offset, String what) {
        return new MeshportException(ErrorCode.DECODE_FAILED, "stl: byte " + offset + ": " + what);
    }

    private static boolean startsWithSolid(byte[] b, int off, int len) {
        int p = off;
        int end = off + len;
        if (len >= 3 && (b[p] & 0xff) == 0xEF && (b[p + 1] & 0xff) == 0xBB && (b[p + 2] & 0xff) == 0xBF) {
            p += 3; // a UTF-8 byte order mark
        }
        while (p < end && isSpace(b[p])) {
            p++;
        }
        return end - p >= 5 && word(b, p, p + 5, "solid") && (end - p == 5 || isSpace(b[p + 5]));
    }

    static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
    }

    /** @return whether {@code b[start, end)} is {@code lower}, ignoring ASCII case */
    static boolean word(byte[] b, int start, int end, String lower) {
        if (end - start != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            int c = b[start + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static Mesh binary(byte[] b, int off, int triangles, long availableBytes, Warnings warnings) {
        long needed = 24L * triangles + (triangles > 0 ? 36 : 0);
        if (needed > availableBytes) {
            throw new MeshportException(ErrorCode.OVERLOADED, "stl: the mesh needs at least " + needed
                    + " bytes of session memory (" + triangles + " triangles), but the session can take " + availableBytes + " more");
        }
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int[] indices = new int[3 * triangles];
        float[] normals = new float[3 * triangles];
        char[] words = new char[triangles];
        Welder welder = new Welder(triangles / 2 + 3);
        int p = off + HEADER + 4;
        for (int t = 0; t < triangles; t++, p += TRIANGLE) {
            normals[3 * t] = buf.getFloat(p);
            normals[3 * t + 1] = buf.getFloat(p + 4);
            normals[3 * t + 2] = buf.getFloat(p + 8);
            for (int k = 0; k < 3; k++) {
                int at = p + 12 + 12 * k;
                float x = buf.getFloat(at);
                float y = buf.getFloat(at + 4);
                float z = buf.getFloat(at + 8);
                if (!Float.isFinite(x) || !Float.isFinite(y) || !Float.isFinite(z)) {
                    throw new MeshportException(ErrorCode.INVALID_MESH, "stl: byte " + (at - off) + ": vertex " + k
                            + " of triangle " + t + " is (" + x + ", " + y + ", " + z + "), which is non-finite: positions must be finite");
                }
                indices[3 * t + k] = welder.point(x, y, z);
            }
            words[t] = buf.getChar(p + 48); // the "attribute byte count", which writers use for colours
        }
        Mesh.Builder m = mesh(welder, indices, normals);
        if (triangles > 0) {
            FacetColors.addTo(m, b, off, words, warnings);
        }
        return m.build();
    }

    /** @return a builder of the mesh: the welded points, the triangles and their normals as the face attribute N */
    static Mesh.Builder mesh(Welder welder, int[] indices, float[] normals) {
        Mesh.Builder m = Mesh.builder().positions(welder.positions());
        if (indices.length > 0) {
            m.indices(indices).attribute(Attribute.ofFloats("N", AttributeOwner.FACE, 3, normals));
        }
        return m;
    }
}
