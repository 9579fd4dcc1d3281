package io.meshport.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The files {@link IndependentReadersIT} sends and has the independent readers read: PLY in ASCII (LF, CR
 * LF, CR, without the last line end) and binary in both byte orders, with normals, colours, quads and
 * n-gons, each uv spelling, face colours, tristrips, texcoord lists, point clouds, empty files and data
 * after the elements; STL binary (plain, a header starting with "solid", both colour conventions, empty)
 * and ASCII (LF, CR LF, CR, several solids); OBJ with vertex colours, every corner form, groups, lines,
 * missing texture coordinates, in every line end. All written here, none kept in the repository.
 */
final class MeshCorpus {
    /**
     * One file of the corpus.
     *
     * @param name what it is
     * @param file the file sent
     * @param twin the file the independent readers read instead, when they cannot read {@code file} itself
     *        but read the same content in another form (a CR-only file's LF twin); else {@code file}
     * @param readers the independent readers that must read it and agree: "meshio", "open3d" ("open3d:points":
     *        only the points, for what it reads no more of; "open3d:geometry": not the colours)
     * @param warnings what {@code send} must say it did not carry (parts of its warning lines)
     */
    record Case(String name, Path file, Path twin, Set<String> readers, List<String> warnings) {
    }

    static final String ASCII = "ascii";
    static final String LE = "binary_little_endian";
    static final String BE = "binary_big_endian";
    static final Set<String> BOTH = Set.of("meshio", "open3d");
    static final Set<String> MESHIO = Set.of("meshio");
    static final Set<String> OPEN3D = Set.of("open3d");

    /** The base shape: six points, a quad, a triangle and a pentagon. */
    static final float[][] P = {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {0, 1, 0}, {0.5f, 2, 0.25f}, {2, 0.5f, -0.125f}};
    static final float[][] N = {{0, 0, 1}, {0, 0.6f, 0.8f}, {0.6f, 0, 0.8f}, {0, -0.6f, 0.8f}, {-1, 0, 0}, {0, 1, 0}};
    static final int[][] RGB = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {10, 20, 30}, {128, 64, 32}, {1, 2, 3}};
    static final int[][] FACES = {{0, 1, 2, 3}, {3, 2, 4}, {0, 1, 5, 2, 3}};

    private final Path dir;
    private final List<Case> cases = new ArrayList<>();

    MeshCorpus(Path dir) {
        this.dir = dir;
    }

    List<Case> cases() {
        return cases;
    }

    private Path write(String file, byte[] bytes) throws IOException {
        Path p = dir.resolve(file);
        Files.write(p, bytes);
        return p;
    }

    private void add(String name, String file, byte[] bytes, Set<String> readers, String... warnings) throws IOException {
        Path p = write(file, bytes);
        cases.add(new Case(name, p, p, readers, List.of(warnings)));
    }

    /** Adds a file whose independent readings are of its twin (the same content in a form they read). */
    private void addTwin(String name, String file, byte[] bytes, byte[] twin, Set<String> readers, String... warnings)
            throws IOException {
        Path p = write(file, bytes);
        Path t = write("twin-" + file, twin);
        cases.add(new Case(name, p, t, readers, List.of(warnings)));
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- PLY

    /** A PLY file: a header of the given lines, then values; ASCII rows are lines, binary values by type. */
    static final class Ply {
        final String format;
        final StringBuilder header = new StringBuilder();
        final List<Object[]> rows = new ArrayList<>(); // {type, value} pairs per row; "list:count:item" types take double[]

        Ply(String format) {
            this.format = format;
        }

        Ply line(String l) {
            header.append(l).append('\n');
            return this;
        }

        /** @param typed type, value, type, value... (a list: "list uchar int", double[]) */
        Ply row(Object... typed) {
            rows.add(typed);
            return this;
        }

        byte[] bytes(String nl, boolean lastLineEnd) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(text(("ply\nformat " + format + " 1.0\n" + header + "end_header\n").replace("\n", nl)));
            if (format.equals(ASCII)) {
                StringBuilder body = new StringBuilder();
                for (Object[] row : rows) {
                    body.append(String.join(" ", tokens(row))).append(nl);
                }
                if (!lastLineEnd && body.length() > 0) {
                    body.setLength(body.length() - nl.length());
                }
                out.writeBytes(text(body.toString()));
            } else {
                ByteOrder order = format.equals(BE) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
                for (Object[] row : rows) {
                    for (int k = 0; k < row.length; k += 2) {
                        String type = (String) row[k];
                        if (type.startsWith("list ")) {
                            String[] t = type.split(" ");
                            double[] items = (double[]) row[k + 1];
                            out.writeBytes(binary(t[1], items.length, order));
                            for (double d : items) {
                                out.writeBytes(binary(t[2], d, order));
                            }
                        } else {
                            out.writeBytes(binary(type, ((Number) row[k + 1]).doubleValue(), order));
                        }
                    }
                }
            }
            return out.toByteArray();
        }

        private static List<String> tokens(Object[] row) {
            List<String> tokens = new ArrayList<>();
            for (int k = 0; k < row.length; k += 2) {
                String type = (String) row[k];
                if (type.startsWith("list ")) {
                    double[] items = (double[]) row[k + 1];
                    tokens.add(Integer.toString(items.length));
                    for (double d : items) {
                        tokens.add(textOf(type.split(" ")[2], d));
                    }
                } else {
                    tokens.add(textOf(type, ((Number) row[k + 1]).doubleValue()));
                }
            }
            return tokens;
        }

        private static byte[] binary(String type, double v, ByteOrder order) {
            ByteBuffer b = ByteBuffer.allocate(8).order(order);
            switch (type) {
                case "uchar": case "char": b.put((byte) (long) v); break;
                case "ushort": case "short": b.putShort((short) (long) v); break;
                case "int": case "uint": b.putInt((int) (long) v); break;
                case "float": b.putFloat((float) v); break;
                default: b.putDouble(v);
            }
            return Arrays.copyOf(b.array(), b.position());
        }

        private static String textOf(String type, double v) {
            return type.equals("float") ? Float.toString((float) v) : type.equals("double") ? Double.toString(v)
                    : Long.toString((long) v);
        }
    }

    static double[] list(int... v) {
        return Arrays.stream(v).asDoubleStream().toArray();
    }

    /** The base shape with normals, colours and a float per point, and its three polygons. */
    static Ply shape(String format) {
        Ply p = new Ply(format).line("comment the base shape of MeshCorpus").line("element vertex 6")
                .line("property float x").line("property float y").line("property float z")
                .line("property float nx").line("property float ny").line("property float nz")
                .line("property uchar red").line("property uchar green").line("property uchar blue")
                .line("property float quality").line("element face 3").line("property list uchar int vertex_indices");
        for (int i = 0; i < 6; i++) {
            p.row("float", P[i][0], "float", P[i][1], "float", P[i][2], "float", N[i][0], "float", N[i][1], "float", N[i][2],
                    "uchar", RGB[i][0], "uchar", RGB[i][1], "uchar", RGB[i][2], "float", 0.5 * i);
        }
        for (int[] f : FACES) {
            p.row("list uchar int", list(f));
        }
        return p;
    }

    /** A point cloud with the uv spelled {@code u}, {@code v} and an intensity. */
    static Ply cloud(String format, String u, String v) {
        Ply p = new Ply(format).line("element vertex 6").line("property float x").line("property float y").line("property float z")
                .line("property float " + u).line("property float " + v).line("property float intensity");
        for (int i = 0; i < 6; i++) {
            p.row("float", P[i][0], "float", P[i][1], "float", P[i][2], "float", 0.125 * i, "float", 1 - 0.25 * i, "float", i);
        }
        return p;
    }

    MeshCorpus ply() throws IOException {
        String data = "byte ";
        add("PLY ASCII, LF: normals, colours, quad, triangle, pentagon", "shape-lf.ply", shape(ASCII).bytes("\n", true), BOTH);
        add("PLY ASCII, CR LF", "shape-crlf.ply", shape(ASCII).bytes("\r\n", true), BOTH);
        addTwin("PLY ASCII, CR", "shape-cr.ply", shape(ASCII).bytes("\r", true), shape(ASCII).bytes("\n", true), BOTH);
        add("PLY ASCII without its last line end", "shape-nolast.ply", shape(ASCII).bytes("\n", false), BOTH);
        add("PLY binary little endian", "shape-le.ply", shape(LE).bytes("\n", true), BOTH);
        add("PLY binary big endian", "shape-be.ply", shape(BE).bytes("\n", true), BOTH);
        add("PLY uv as s t", "uv-st.ply", cloud(LE, "s", "t").bytes("\n", true), BOTH);
        add("PLY uv as u v", "uv-uv.ply", cloud(BE, "u", "v").bytes("\n", true), BOTH);
        add("PLY uv as texture_u texture_v", "uv-texture.ply", cloud(ASCII, "texture_u", "texture_v").bytes("\r\n", false), BOTH);

        Ply faceColors = new Ply(ASCII).line("element vertex 6").line("property float x").line("property float y")
                .line("property float z").line("element face 3").line("property list uchar int vertex_indices")
                .line("property uchar red").line("property uchar green").line("property uchar blue").line("property float quality");
        for (float[] p : P) {
            faceColors.row("float", p[0], "float", p[1], "float", p[2]);
        }
        int[][] quads = {{0, 1, 2, 3}, {1, 5, 2, 4}, {3, 2, 4, 0}};
        for (int f = 0; f < 3; f++) {
            faceColors.row("list uchar int", list(quads[f]), "uchar", 50 * f, "uchar", 255 - f, "uchar", f, "float", 1.5 * f);
        }
        add("PLY face colours and a face scalar", "face-colors.ply", faceColors.bytes("\n", true), BOTH);

        Ply strips = new Ply(LE).line("element vertex 6").line("property float x").line("property float y").line("property float z")
                .line("element tristrips 1").line("property list int int vertex_indices");
        for (float[] p : P) {
            strips.row("float", p[0], "float", p[1], "float", p[2]);
        }
        strips.row("list int int", list(0, 1, 3, 2, 4, -1, 1, 5, 2, 2, 4));
        add("PLY tristrips (open3d reads the points only)", "strips.ply", strips.bytes("\n", true), Set.of("open3d:points"),
                "tristrips: 2 triangles that repeat a vertex");

        Ply texcoord = new Ply(BE).line("element vertex 6").line("property float x").line("property float y").line("property float z")
                .line("element face 3").line("property list uchar int vertex_indices").line("property list uchar float texcoord")
                .line("element material 1").line("property uchar shininess");
        for (float[] p : P) {
            texcoord.row("float", p[0], "float", p[1], "float", p[2]);
        }
        for (int[] f : FACES) {
            double[] tc = new double[2 * f.length];
            for (int k = 0; k < tc.length; k++) {
                tc[k] = 0.25 * (k + f[0]);
            }
            texcoord.row("list uchar int", list(f), "list uchar float", tc);
        }
        texcoord.row("uchar", 7);
        add("PLY face texcoord lists and an unknown element (open3d reads the triangles)", "texcoord.ply",
                texcoord.bytes("\n", true), OPEN3D, "element 'material' (1 instance) not carried");

        Ply cloud = new Ply(BE).line("element vertex 6").line("property double x").line("property double y").line("property double z")
                .line("property float intensity");
        for (int i = 0; i < 6; i++) {
            cloud.row("double", P[i][0], "double", P[i][1], "double", P[i][2], "float", 0.75 * i);
        }
        add("PLY point cloud, doubles, big endian", "cloud.ply", cloud.bytes("\n", true), BOTH);
        add("PLY header without elements", "empty.ply", text("ply\nformat ascii 1.0\ncomment nothing\nend_header\n"), OPEN3D);
        byte[] le = shape(LE).bytes("\n", true);
        byte[] trailing = Arrays.copyOf(le, le.length + 7);
        add("PLY binary with 7 bytes after its elements", "trailing.ply", trailing, BOTH,
                data + le.length + ": 7 bytes follow the elements the header declares; not read");
        return this;
    }

    // ---------------------------------------------------------------- STL

    /** The base shape's polygons as triangles, fanned: normal (0, 0, 1) and corners. */
    static List<float[][]> triangles() {
        List<float[][]> t = new ArrayList<>();
        for (int[] f : FACES) {
            for (int k = 1; k + 1 < f.length; k++) {
                t.add(new float[][] {{0, 0, 1}, P[f[0]], P[f[k]], P[f[k + 1]]});
            }
        }
        return t;
    }

    static byte[] stlBinary(String header, byte[] headerBytes, int[] words) {
        List<float[][]> tris = triangles();
        ByteBuffer b = ByteBuffer.allocate(84 + 50 * tris.size()).order(ByteOrder.LITTLE_ENDIAN);
        byte[] h = Arrays.copyOf(text(header), 80);
        System.arraycopy(headerBytes, 0, h, header.length(), Math.min(headerBytes.length, 80 - header.length()));
        b.put(h).putInt(tris.size());
        for (int i = 0; i < tris.size(); i++) {
            for (float[] v : tris.get(i)) {
                b.putFloat(v[0]).putFloat(v[1]).putFloat(v[2]);
            }
            b.putShort((short) (words == null ? 0 : words[i]));
        }
        return b.array();
    }

    static String stlAscii(List<float[][]> tris, String name, String nl) {
        StringBuilder s = new StringBuilder("solid " + name + nl);
        for (float[][] t : tris) {
            s.append(" facet normal ").append(t[0][0]).append(' ').append(t[0][1]).append(' ').append(t[0][2]).append(nl)
                    .append("  outer loop").append(nl);
            for (int k = 1; k <= 3; k++) {
                s.append("   vertex ").append(t[k][0]).append(' ').append(t[k][1]).append(' ').append(t[k][2]).append(nl);
            }
            s.append("  endloop").append(nl).append(" endfacet").append(nl);
        }
        return s.append("endsolid ").append(name).append(nl).toString();
    }

    MeshCorpus stl() throws IOException {
        int n = triangles().size();
        add("STL binary", "shape.stl", stlBinary("written by MeshCorpus", new byte[0], null), BOTH);
        add("STL binary whose header starts with 'solid'", "shape-solid.stl", stlBinary("solid shape", new byte[0], null), BOTH);
        int[] viscam = new int[n];
        for (int t = 0; t < n; t++) {
            viscam[t] = 0x8000 | (t * 3) << 10 | 31;
        }
        add("STL binary, VisCAM/SolidView colours", "viscam.stl", stlBinary("colours", new byte[0], viscam), BOTH);
        int[] magics = new int[n];
        magics[0] = 31;
        magics[1] = 0x8000;
        add("STL binary, Magics colours (Open3D reads bit 15 the other way)", "magics.stl",
                stlBinary("COLOR=", new byte[] {0, (byte) 200, 100, (byte) 255}, magics), Set.of("meshio", "open3d:geometry"));
        add("STL ASCII", "shape-ascii.stl", text(stlAscii(triangles(), "shape", "\n")), BOTH);
        add("STL ASCII, CR LF", "shape-crlf.stl", text(stlAscii(triangles(), "shape", "\r\n")), BOTH);
        addTwin("STL ASCII, CR (meshio reads its LF twin)", "shape-cr.stl", text(stlAscii(triangles(), "shape", "\r")),
                text(stlAscii(triangles(), "shape", "\n")), BOTH);
        List<float[][]> tris = triangles();
        add("STL ASCII, three solids", "solids.stl", text(stlAscii(tris.subList(0, 2), "quad", "\n")
                + stlAscii(tris.subList(2, 3), "triangle", "\n") + stlAscii(tris.subList(3, 6), "pentagon", "\n")), BOTH);
        return this;
    }

    // ---------------------------------------------------------------- OBJ

    /** The base shape with vertex colours (some not finite), a normal per vertex, groups, a material and a line. */
    static String objShape(String nl) {
        StringBuilder s = new StringBuilder("# the base shape of MeshCorpus\nmtllib shape.mtl\no shape\n");
        String[][] extra = {{"nan", "0", "1"}, {"inf", "-inf", "0.5"}};
        for (int i = 0; i < 6; i++) {
            s.append("v ").append(P[i][0]).append(' ').append(P[i][1]).append(' ').append(P[i][2]);
            for (int c = 0; c < 3; c++) {
                s.append(' ').append(i < 4 ? Float.toString(RGB[i][c] / 255f) : extra[i - 4][c]);
            }
            s.append('\n');
        }
        for (float[] n : N) {
            s.append("vn ").append(n[0]).append(' ').append(n[1]).append(' ').append(n[2]).append('\n');
        }
        s.append("g first\nusemtl red\nf 1//1 2//2 3//3 4//4\ng second\nf 4// 3// 5//\nusemtl blue\n")
                .append("f 1 2 6 3 4\nl 1 5 6\n");
        return s.toString().replace("\n", nl);
    }

    /** Triangles only (Open3D reads no polygons), each corner v/vt/vn or v/vt/. */
    static String objTriangles() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            s.append("v ").append(P[i][0]).append(' ').append(P[i][1]).append(' ').append(P[i][2]).append(' ')
                    .append(RGB[i][0] / 255f).append(' ').append(RGB[i][1] / 255f).append(' ').append(RGB[i][2] / 255f).append('\n');
        }
        s.append("vt 0 0\nvt 1 0\nvt 1 1\nvt 0.25 0.75\nvn 0 0 1\nvn 0 1 0\n");
        s.append("f 1/1/1 2/2/1 3/3/1\nf 1/1/2 3/3/2 4/4/2\nf 4/4/1 3/3/1 5/1/1\nf 2/2/2 6/3/2 3/1/2\n");
        return s.toString();
    }

    MeshCorpus obj() throws IOException {
        String normals = "N left out: 8 of 12 face corners have no normal";
        add("OBJ colours (nan, inf), v//vn and v//, groups, a line, LF", "shape-lf.obj", text(objShape("\n")), MESHIO, normals);
        add("OBJ, CR LF", "shape-crlf.obj", text(objShape("\r\n")), MESHIO, normals);
        add("OBJ, CR", "shape-cr.obj", text(objShape("\r")), MESHIO, normals);
        String nolast = objShape("\n");
        add("OBJ without its last line end", "shape-nolast.obj", text(nolast.substring(0, nolast.length() - 1)), MESHIO, normals);
        add("OBJ triangles with v/vt/vn", "triangles.obj", text(objTriangles()), OPEN3D);
        String slash = objTriangles().replaceAll("f (\\d)/(\\d)/\\d (\\d)/(\\d)/\\d (\\d)/(\\d)/\\d", "f $1/$2/ $3/$4/ $5/$6/");
        add("OBJ triangles with v/vt/", "triangles-vt.obj", text(slash), OPEN3D, "the 2 vn not carried");
        String missing = objTriangles().replace("f 2/2/2 6/3/2 3/1/2", "f 2/2/2 6/9/2 3/1/2");
        addTwin("OBJ naming a vt it lacks (meshio reads it without vt and vn)", "missing-vt.obj", text(missing),
                text(missing.replaceAll("(?m)^v[tn] .*\\n", "").replaceAll("/\\d*/\\d", "")), MESHIO,
                "uv left out: line 16: a face refers to texture coordinate 9, but the file has 4");
        return this;
    }
}
