package io.meshport.samples.stl;

import io.meshport.samples.text.AsciiNumbers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * Reads an STL file, binary or ASCII, into a triangle mesh: corners at the same exact position are
 * welded into one point, and each facet's normal becomes the face attribute {@code N}.
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
     * @return the mesh
     * @throws MeshportException {@code DECODE_FAILED} naming the byte or line and what was expected,
     *         {@code INVALID_MESH} for a non-finite coordinate, {@code OVERLOADED} when the mesh would
     *         not fit in the session
     */
    static Mesh read(byte[] b, int off, int len, long availableBytes) {
        long declared = -1;
        if (len >= HEADER + 4) {
            declared = ByteBuffer.wrap(b, off + HEADER, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFF_FFFFL;
            if (HEADER + 4 + TRIANGLE * declared == len) {
                return binary(b, off, (int) declared, availableBytes);
            }
        }
        if (startsWithSolid(b, off, len)) {
            return new Ascii(b, off, len, declared).read(availableBytes);
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

    private static Mesh binary(byte[] b, int off, int triangles, long availableBytes) {
        long needed = 24L * triangles + (triangles > 0 ? 36 : 0);
        if (needed > availableBytes) {
            throw new MeshportException(ErrorCode.OVERLOADED, "stl: the mesh needs at least " + needed
                    + " bytes of session memory (" + triangles + " triangles), but the session can take " + availableBytes + " more");
        }
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int[] indices = new int[3 * triangles];
        float[] normals = new float[3 * triangles];
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
                            + " of triangle " + t + " is (" + x + ", " + y + ", " + z + "); positions must be finite");
                }
                indices[3 * t + k] = welder.point(x, y, z);
            }
            // the 2-byte "attribute byte count" is not used
        }
        return mesh(welder, indices, normals, null);
    }

    static Mesh mesh(Welder welder, int[] indices, float[] normals, String name) {
        Mesh.Builder m = Mesh.builder().positions(welder.positions()).name(name);
        if (indices.length > 0) {
            m.indices(indices).attribute(Attribute.ofFloats("N", AttributeOwner.FACE, 3, normals));
        }
        return m.build();
    }

    /** The ASCII format: {@code solid name, facet normal n n n, outer loop, vertex x y z (3 times), endloop, endfacet, endsolid}. */
    private static final class Ascii {
        private final byte[] b;
        private final int off;
        private final int end;
        private final long declared;
        private int pos;
        private int line = 1;
        private int tokenStart;
        private int tokenEnd;
        private int facets;
        private String solid;

        Ascii(byte[] b, int off, int len, long declared) {
            this.b = b;
            this.off = off;
            this.end = off + len;
            this.declared = declared;
            this.pos = off;
            if (len >= 3 && (b[off] & 0xff) == 0xEF && (b[off + 1] & 0xff) == 0xBB && (b[off + 2] & 0xff) == 0xBF) {
                pos += 3;
            }
        }

        private MeshportException error(String what) {
            return new MeshportException(ErrorCode.DECODE_FAILED, "stl: line " + line + " (byte " + (tokenStart - off) + "): " + what);
        }

        /** A byte that is not text: most likely a binary file whose header starts with "solid". */
        private MeshportException notText(int at) {
            String binary = declared < 0 ? "" : ", and its size " + (end - off) + " does not match binary STL with the "
                    + declared + " triangles that bytes 80-83 would declare (" + (84 + 50 * declared) + " bytes)";
            return new MeshportException(ErrorCode.DECODE_FAILED, "stl: line " + line + " (byte " + (at - off) + "): byte 0x"
                    + String.format("%02x", b[at] & 0xff) + " is not text: this file starts with 'solid' as ASCII STL does,"
                    + " but it is not ASCII STL" + binary);
        }

        /** @return false at the end of the payload, else true with the next token in tokenStart..tokenEnd */
        private boolean next() {
            int p = pos;
            while (p < end && isSpace(b[p])) {
                if (b[p] == '\n') {
                    line++;
                }
                p++;
            }
            tokenStart = p;
            if (p >= end) {
                pos = p;
                return false;
            }
            while (p < end && !isSpace(b[p])) {
                int c = b[p] & 0xff;
                if (c < 0x20 || c >= 0x7f) {
                    throw notText(p);
                }
                p++;
            }
            tokenEnd = p;
            pos = p;
            return true;
        }

        private String found() {
            return AsciiNumbers.quote(b, tokenStart, tokenEnd);
        }

        private void expect(String keyword) {
            if (!next()) {
                throw error("the file ends inside facet " + facets + " of solid '" + solid + "': expected '" + keyword + "'");
            }
            if (!word(b, tokenStart, tokenEnd, keyword)) {
                throw error("facet " + facets + ": expected '" + keyword + "', found " + found());
            }
        }

        private float number(String what) {
            if (!next()) {
                throw error("the file ends inside facet " + facets + " of solid '" + solid + "': expected " + what);
            }
            try {
                return AsciiNumbers.parseFloat(b, tokenStart, tokenEnd);
            } catch (NumberFormatException e) {
                throw error("facet " + facets + ": expected " + what + ", a number, found " + found());
            }
        }

        /** @return the rest of the current line, trimmed: a solid's name */
        private String restOfLine() {
            int s = pos;
            while (pos < end && b[pos] != '\n' && b[pos] != '\r') {
                if (b[pos] == 0) {
                    throw notText(pos);
                }
                pos++;
            }
            String name = new String(b, s, Math.min(pos - s, 4 * MAX_NAME), StandardCharsets.UTF_8).strip();
            return name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
        }

        Mesh read(long availableBytes) {
            int[] indices = new int[3 * 64];
            float[] normals = new float[3 * 64];
            Welder welder = new Welder(64);
            next(); // "solid", checked by startsWithSolid
            solid = restOfLine();
            String firstName = solid;
            while (true) {
                if (!next()) {
                    throw error("the file ends inside solid '" + solid + "' after " + facets
                            + " facets: expected 'facet' or 'endsolid'");
                }
                if (word(b, tokenStart, tokenEnd, "endsolid")) {
                    restOfLine();
                    if (!next()) {
                        break;
                    }
                    if (!word(b, tokenStart, tokenEnd, "solid")) {
                        throw error("expected another 'solid' or the end of the file after 'endsolid', found " + found());
                    }
                    solid = restOfLine();
                    continue;
                }
                if (!word(b, tokenStart, tokenEnd, "facet")) {
                    throw error("expected 'facet' or 'endsolid', found " + found());
                }
                int t = facets;
                if (3 * t + 3 > indices.length) {
                    int grown = (int) Math.min(Integer.MAX_VALUE - 16L, indices.length + (long) (indices.length >> 1) + 3);
                    if (8L * grown + 12L * welder.points() > availableBytes) {
                        throw new MeshportException(ErrorCode.OVERLOADED, "stl: the mesh needs more than " + (8L * grown
                                + 12L * welder.points()) + " bytes of session memory, but the session can take "
                                + availableBytes + " more");
                    }
                    indices = Arrays.copyOf(indices, grown);
                    normals = Arrays.copyOf(normals, grown);
                }
                expect("normal");
                normals[3 * t] = number("the normal's x");
                normals[3 * t + 1] = number("the normal's y");
                normals[3 * t + 2] = number("the normal's z");
                expect("outer");
                expect("loop");
                for (int k = 0; k < 3; k++) {
                    expect("vertex");
                    int at = pos;
                    float x = number("the x of vertex " + k);
                    float y = number("the y of vertex " + k);
                    float z = number("the z of vertex " + k);
                    if (!Float.isFinite(x) || !Float.isFinite(y) || !Float.isFinite(z)) {
                        throw new MeshportException(ErrorCode.INVALID_MESH, "stl: line " + line + " (byte " + (at - off)
                                + "): vertex " + k + " of facet " + t + " is (" + x + ", " + y + ", " + z
                                + "); positions must be finite");
                    }
                    indices[3 * t + k] = welder.point(x, y, z);
                }
                if (!next()) {
                    throw error("the file ends inside facet " + t + " of solid '" + solid + "': expected 'endloop'");
                }
                if (!word(b, tokenStart, tokenEnd, "endloop")) {
                    throw error("facet " + t + ": expected 'endloop' after 3 vertices (STL facets are triangles), found "
                            + found());
                }
                expect("endfacet");
                facets++;
            }
            long needed = 24L * facets + 12L * welder.points();
            if (needed > availableBytes) {
                throw new MeshportException(ErrorCode.OVERLOADED, "stl: the mesh needs " + needed + " bytes of session memory ("
                        + facets + " triangles), but the session can take " + availableBytes + " more");
            }
            return mesh(welder, Arrays.copyOf(indices, 3 * facets), Arrays.copyOf(normals, 3 * facets),
                    firstName.isEmpty() ? null : firstName);
        }
    }
}
