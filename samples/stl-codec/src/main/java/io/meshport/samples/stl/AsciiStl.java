package io.meshport.samples.stl;

import io.meshport.samples.text.NonFinite;
import io.meshport.samples.text.Warnings;
import io.meshport.samples.text.AsciiNumbers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * Reads ASCII STL: {@code solid name}, then facets ({@code facet normal n n n, outer loop, vertex x y z}
 * three times, {@code endloop, endfacet}), then {@code endsolid}; keywords in any case, separated by any
 * whitespace. A file may hold several solids, one after the other: they make one mesh, the face
 * attribute {@code solid} numbering each facet's solid and the mesh's {@code meta} naming them
 * ({@link SolidNames}); the mesh is named after the first. A file that ends after a whole facet without
 * its last {@code endsolid} is read, with a warning.
 */
final class AsciiStl {
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

    /**
     * @param declared the triangle count bytes 80-83 would hold if the file were binary, or -1 (for messages)
     */
    AsciiStl(byte[] b, int off, int len, long declared) {
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
        while (p < end && StlReader.isSpace(b[p])) {
            if (b[p] == '\n' || (b[p] == '\r' && (p + 1 >= end || b[p + 1] != '\n'))) {
                line++; // LF, CR LF or CR
            }
            p++;
        }
        tokenStart = p;
        if (p >= end) {
            pos = p;
            return false;
        }
        while (p < end && !StlReader.isSpace(b[p])) {
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

    private boolean is(String keyword) {
        return StlReader.word(b, tokenStart, tokenEnd, keyword);
    }

    private String found() {
        return AsciiNumbers.quote(b, tokenStart, tokenEnd);
    }

    private void expect(String keyword) {
        if (!next()) {
            throw error("the file ends inside facet " + facets + " of solid '" + solid + "': expected '" + keyword + "'");
        }
        if (!is(keyword)) {
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
            try {
                return (float) NonFinite.parse(b, tokenStart, tokenEnd);
            } catch (NumberFormatException notEither) {
                throw error("facet " + facets + ": expected " + what + ", a number, found " + found());
            }
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
        String name = new String(b, s, Math.min(pos - s, 4 * StlReader.MAX_NAME), StandardCharsets.UTF_8).strip();
        return name.length() > StlReader.MAX_NAME ? name.substring(0, StlReader.MAX_NAME) : name;
    }

    /**
     * @param availableBytes how much the session can still take
     * @param warnings receives what is worth saying about the file
     * @return the mesh
     */
    Mesh read(long availableBytes, Warnings warnings) {
        int[] indices = new int[3 * 64];
        float[] normals = new float[3 * 64];
        int[] solidOf = new int[64];
        List<String> names = new ArrayList<>();
        Welder welder = new Welder(64);
        next(); // "solid", checked by StlReader
        solid = restOfLine();
        names.add(solid);
        boolean afterFacet = false;
        while (true) {
            if (!next()) {
                if (!afterFacet) {
                    throw error("the file ends inside solid '" + solid + "' after " + facets
                            + " facets: expected 'facet' or 'endsolid'");
                }
                warnings.add("line " + line + " (byte " + (end - off) + "): the file ends without the 'endsolid' of solid '"
                        + solid + "': read as if it were there");
                break;
            }
            if (is("endsolid")) {
                restOfLine();
                if (!next()) {
                    break;
                }
                if (!is("solid")) {
                    throw error("expected another 'solid' or the end of the file after 'endsolid', found " + found());
                }
                solid = restOfLine();
                names.add(solid);
                afterFacet = false;
                continue;
            }
            if (!is("facet")) {
                throw error("expected 'facet' or 'endsolid', found " + found());
            }
            int t = facets;
            if (3 * t + 3 > indices.length) {
                int grown = (int) Math.min(Integer.MAX_VALUE - 16L, indices.length + (long) (indices.length >> 1) + 3);
                if (12L * grown + 12L * welder.points() > availableBytes) {
                    throw new MeshportException(ErrorCode.OVERLOADED, "stl: the mesh needs more than " + (12L * grown
                            + 12L * welder.points()) + " bytes of session memory, but the session can take "
                            + availableBytes + " more");
                }
                indices = Arrays.copyOf(indices, grown);
                normals = Arrays.copyOf(normals, grown);
                solidOf = Arrays.copyOf(solidOf, grown / 3 + 1);
            }
            facet(t, indices, normals, welder);
            solidOf[t] = names.size() - 1;
            facets++;
            afterFacet = true;
        }
        long needed = 28L * facets + 12L * welder.points();
        if (needed > availableBytes) {
            throw new MeshportException(ErrorCode.OVERLOADED, "stl: the mesh needs " + needed + " bytes of session memory ("
                    + facets + " triangles), but the session can take " + availableBytes + " more");
        }
        Mesh.Builder m = StlReader.mesh(welder, Arrays.copyOf(indices, 3 * facets), Arrays.copyOf(normals, 3 * facets));
        m.name(names.get(0).isEmpty() ? null : names.get(0));
        if (names.size() > 1) {
            m.meta(SolidNames.meta(names));
            if (facets > 0) {
                m.attribute(Attribute.ofInts("solid", AttributeOwner.FACE, 1, Arrays.copyOf(solidOf, facets)));
            }
        }
        return m.build();
    }

    /** Reads facet {@code t} after its keyword 'facet'. */
    private void facet(int t, int[] indices, float[] normals, Welder welder) {
        expect("normal");
        normals[3 * t] = number("the normal's x");
        normals[3 * t + 1] = number("the normal's y");
        normals[3 * t + 2] = number("the normal's z");
        expect("outer");
        expect("loop");
        for (int k = 0; k < 3; k++) {
            expect("vertex");
            float x = number("the x of vertex " + k);
            int at = tokenStart;
            float y = number("the y of vertex " + k);
            float z = number("the z of vertex " + k);
            if (!Float.isFinite(x) || !Float.isFinite(y) || !Float.isFinite(z)) {
                throw new MeshportException(ErrorCode.INVALID_MESH, "stl: line " + line + " (byte " + (at - off)
                        + "): vertex " + k + " of facet " + t + " is (" + x + ", " + y + ", " + z
                        + "), which is non-finite: positions must be finite");
            }
            indices[3 * t + k] = welder.point(x, y, z);
        }
        if (!next()) {
            throw error("the file ends inside facet " + t + " of solid '" + solid + "': expected 'endloop'");
        }
        if (!is("endloop")) {
            throw error("facet " + t + ": expected 'endloop' after 3 vertices (STL facets are triangles), found " + found());
        }
        expect("endfacet");
    }
}
