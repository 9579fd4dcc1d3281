package io.meshport.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the statements of a Wavefront OBJ file into {@link ObjData}. Lines end with LF, CR LF or CR; a
 * line ending in a backslash goes on on the next; {@code #} starts a comment. Read: {@code v x y z [w]}
 * and {@code v x y z r g b} (a vertex colour), {@code vt u [v [w]]}, {@code vn}, {@code f} with corners
 * {@code v}, {@code v/vt}, {@code v//vn}, {@code v/vt/vn}, {@code v/vt/} or {@code v//} (negative numbers
 * count back from the last), {@code l}, {@code g}, {@code o}, {@code usemtl}, {@code mtllib}, {@code s}.
 * Every other statement (free-form geometry, {@code p}, {@code vp}...) is counted and reported as not
 * carried. Every refusal names the line and what was expected.
 */
final class ObjParser {
    private final byte[] b;
    private final int end;
    private final ObjData d = new ObjData();
    private final Map<String, int[]> skipped = new LinkedHashMap<>(); // statement -> {count, first line}
    private final List<String> warnings = new ArrayList<>();
    private int pos;
    private int nextLine = 1;
    /** The statement being read: its first line, and its tokens' bounds. */
    private int line;
    private int tokens;
    private int[] start = new int[16];
    private int[] stop = new int[16];
    private int group = -1;
    private int object = -1;
    private int material = -1;
    private int smooth;
    private int weightedVertices;
    private int weightedFirst;
    private int texcoordsW;
    private int texcoordsWFirst;
    private int shortFaces;
    private int shortFacesFirst;

    private ObjParser(byte[] b) {
        this.b = b;
        this.end = b.length;
    }

    /**
     * @param file the file's bytes
     * @param warnings receives what was left out
     * @return what the file holds
     * @throws IOException naming the line and what was wrong
     */
    static ObjData parse(byte[] file, List<String> warnings) throws IOException {
        ObjParser p = new ObjParser(file);
        while (p.statement()) {
            p.dispatch();
        }
        p.report();
        warnings.addAll(p.warnings);
        return p.d;
    }

    /** Reads the next statement's tokens, joining lines that end in a backslash; false at the end. */
    private boolean statement() {
        tokens = 0;
        while (pos < end && tokens == 0) {
            line = nextLine;
            boolean goesOn = true;
            while (goesOn && pos < end) {
                int p = pos;
                int token = -1;
                while (p < end && b[p] != '\n' && b[p] != '\r') {
                    byte c = b[p];
                    if (c == ' ' || c == '\t' || c == '\f' || c == 0x0b) {
                        if (token >= 0) {
                            add(token, p);
                            token = -1;
                        }
                    } else if (c == '#' && token < 0) {
                        while (p < end && b[p] != '\n' && b[p] != '\r') {
                            p++;
                        }
                        break;
                    } else if (token < 0) {
                        token = p;
                    }
                    p++;
                }
                if (token >= 0) {
                    add(token, p);
                }
                pos = p < end && b[p] == '\r' && p + 1 < end && b[p + 1] == '\n' ? p + 2 : p + 1;
                nextLine++;
                goesOn = tokens > 0 && b[stop[tokens - 1] - 1] == '\\';
                if (goesOn) {
                    stop[tokens - 1]--;
                    if (stop[tokens - 1] == start[tokens - 1]) {
                        tokens--;
                    }
                }
            }
        }
        return tokens > 0;
    }

    private void add(int s, int e) {
        if (tokens == start.length) {
            start = java.util.Arrays.copyOf(start, 2 * tokens);
            stop = java.util.Arrays.copyOf(stop, 2 * tokens);
        }
        start[tokens] = s;
        stop[tokens] = e;
        tokens++;
    }

    private String token(int t) {
        return new String(b, start[t], stop[t] - start[t], StandardCharsets.UTF_8);
    }

    /** @return tokens {@code from} to the last, joined by one space (a name that may hold spaces) */
    private String rest(int from) {
        return tokens <= from ? "" : new String(b, start[from], stop[tokens - 1] - start[from], StandardCharsets.UTF_8)
                .replaceAll("\\s+", " ");
    }

    private IOException error(String what) {
        return new IOException("line " + line + ": " + what);
    }

    private String quoted(int t) {
        String s = token(t);
        return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
    }

    private void dispatch() throws IOException {
        String keyword = token(0);
        switch (keyword.toLowerCase(Locale.ROOT)) {
            case "v": vertex(); break;
            case "vt": texcoord(); break;
            case "vn": normal(); break;
            case "f": case "fo": face(); break;
            case "l": polyline(); break;
            case "g": group = d.groups.number(tokens > 1 ? rest(1) : "default"); break;
            case "o": object = d.objects.number(rest(1)); break;
            case "usemtl": material = d.materials.number(rest(1)); break;
            case "mtllib": d.mtllibs.add(rest(1)); break;
            case "s": smooth = tokens < 2 || token(1).equalsIgnoreCase("off") ? 0 : (int) number(1, "the smoothing group"); break;
            default:
                int[] seen = skipped.computeIfAbsent(keyword.length() > 20 ? keyword.substring(0, 20) : keyword,
                        k -> new int[] {0, line});
                seen[0]++;
        }
    }

    /** @return token {@code t} as a float; infinities and NaN in any usual spelling are floats too */
    private float number(int t, String what) throws IOException {
        if (t >= tokens) {
            throw error("expected " + what + ", found the end of the line");
        }
        try {
            return ObjNumbers.parse(b, start[t], stop[t]);
        } catch (NumberFormatException e) {
            throw error("expected " + what + ", a number, found " + quoted(t));
        }
    }

    private void vertex() throws IOException {
        int n = tokens - 1;
        if (n != 3 && n != 4 && n != 6) {
            throw error("a vertex 'v' has " + n + " numbers: expected 3 (x y z), 4 (x y z w) or 6 (x y z r g b)");
        }
        for (int k = 1; k <= 3; k++) {
            float f = number(k, "the " + "xyz".charAt(k - 1) + " of vertex " + (d.vertices() + 1));
            if (!Float.isFinite(f)) {
                throw error("vertex " + (d.vertices() + 1) + " has " + "xyz".charAt(k - 1) + " = " + token(k)
                        + ", which is non-finite: positions must be finite");
            }
            d.positions.add(f);
        }
        if (n == 4 && number(4, "the w of vertex " + d.vertices()) != 1f && weightedVertices++ == 0) {
            weightedFirst = line;
        }
        if (n == 6) {
            while (d.colors.size < 3 * (d.vertices() - 1)) {
                d.colors.add(0);
            }
            for (int k = 4; k <= 6; k++) {
                d.colors.add(number(k, "the " + "rgb".charAt(k - 4) + " of vertex " + d.vertices()));
            }
            d.coloredVertices++;
        } else if (d.coloredVertices > 0) {
            d.colors.add(0);
            d.colors.add(0);
            d.colors.add(0);
        }
    }

    private void texcoord() throws IOException {
        int n = tokens - 1;
        if (n < 1 || n > 3) {
            throw error("a texture coordinate 'vt' has " + n + " numbers: expected 1 to 3 (u [v [w]])");
        }
        d.texcoords.add(number(1, "u"));
        d.texcoords.add(n > 1 ? number(2, "v") : 0);
        if (n == 3 && number(3, "w") != 0 && texcoordsW++ == 0) {
            texcoordsWFirst = line;
        }
    }

    private void normal() throws IOException {
        if (tokens != 4) {
            throw error("a normal 'vn' has " + (tokens - 1) + " numbers: expected 3 (x y z)");
        }
        for (int k = 1; k <= 3; k++) {
            d.normals.add(number(k, "the " + "xyz".charAt(k - 1) + " of a normal"));
        }
    }

    private void face() throws IOException {
        int corners = tokens - 1;
        if (corners < 3) {
            if (corners == 0) {
                throw error("a face 'f' without vertices");
            }
            if (shortFaces++ == 0) {
                shortFacesFirst = line;
            }
            polyline(); // one or two corners: a point or a line, not a face
            return;
        }
        for (int t = 1; t < tokens; t++) {
            corner(t);
        }
        d.faceCounts.add(corners);
        d.faceLine.add(line);
        d.faceGroup.add(group);
        d.faceObject.add(object);
        d.faceMaterial.add(material);
        d.faceSmooth.add(smooth);
    }

    /** Reads corner {@code v[/vt[/vn]]} of token {@code t}. */
    private void corner(int t) throws IOException {
        int s = start[t];
        int e = stop[t];
        int slash1 = indexOf('/', s, e);
        int slash2 = slash1 < 0 ? -1 : indexOf('/', slash1 + 1, e);
        int vEnd = slash1 < 0 ? e : slash1;
        d.cornerV.add(index(t, s, vEnd, d.vertices(), "vertex"));
        int tEnd = slash2 < 0 ? e : slash2;
        boolean hasT = slash1 >= 0 && tEnd > slash1 + 1;
        d.cornerT.add(hasT ? index(t, slash1 + 1, tEnd, d.texcoords.size / 2, "texture coordinate") : ObjData.NONE);
        boolean hasN = slash2 >= 0 && e > slash2 + 1;
        d.cornerN.add(hasN ? index(t, slash2 + 1, e, d.normals.size / 3, "normal") : ObjData.NONE);
    }

    private int indexOf(char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @return the 0-based number of an OBJ reference (1 is the first; -1 the last read so far), checked
     *         only for its form: whether it exists is checked when the whole file is read (a negative result
     *         means the reference counts back past the first)
     */
    private int index(int t, int s, int e, int countSoFar, String what) throws IOException {
        long v = 0;
        boolean negative = s < e && b[s] == '-';
        int i = negative ? s + 1 : s;
        if (i == e || e - i > 18) {
            throw error("corner " + quoted(t) + ": expected the number of a " + what + ", found '" + new String(b, s, e - s,
                    StandardCharsets.UTF_8) + "'");
        }
        for (; i < e; i++) {
            int digit = b[i] - '0';
            if (digit < 0 || digit > 9) {
                throw error("corner " + quoted(t) + ": expected the number of a " + what + ", found '"
                        + new String(b, s, e - s, StandardCharsets.UTF_8) + "'");
            }
            v = 10 * v + digit;
        }
        if (v == 0 || v > Integer.MAX_VALUE) {
            throw error("corner " + quoted(t) + ": " + what + " number " + (negative ? "-" : "") + v
                    + (v == 0 ? " (OBJ counts from 1, or back from -1)" : " is too large"));
        }
        return negative ? countSoFar - (int) v : (int) v - 1;
    }

    /** An {@code l} statement, or an {@code f} of one or two corners: kept as a line of points. */
    private void polyline() throws IOException {
        if (tokens < 2) {
            throw error("a line 'l' without vertices");
        }
        for (int t = 1; t < tokens; t++) {
            int slash = indexOf('/', start[t], stop[t]);
            d.linePoints.add(index(t, start[t], slash < 0 ? stop[t] : slash, d.vertices(), "vertex"));
        }
        d.lineCounts.add(tokens - 1);
        d.lineLine.add(line);
    }

    /** Says what was read and left out. */
    private void report() {
        if (weightedVertices > 0) {
            warnings.add(weightedVertices + " vertices have a weight w other than 1 (the first on line " + weightedFirst
                    + "): the weights are not carried");
        }
        if (texcoordsW > 0) {
            warnings.add(texcoordsW + " texture coordinates have a w other than 0 (the first on line " + texcoordsWFirst
                    + "): uv keeps u and v only");
        }
        if (shortFaces > 0) {
            warnings.add(shortFaces + " faces 'f' have fewer than 3 vertices (the first on line " + shortFacesFirst
                    + "): kept with the lines 'l', not as faces");
        }
        for (Map.Entry<String, int[]> e : skipped.entrySet()) {
            int[] seen = e.getValue();
            String what = e.getKey().equals("p") ? " (point elements: their vertices are points of the mesh anyway)"
                    : e.getKey().equals("vp") ? " (vertices in a curve's parameter space)" : "";
            warnings.add(seen[0] + " '" + e.getKey() + "' " + (seen[0] == 1 ? "statement" : "statements") + what
                    + " not carried (the first on line " + seen[1] + ")");
        }
    }
}
