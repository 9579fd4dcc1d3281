package io.meshport.samples.scatter;

import static io.meshport.samples.scatter.TestMeshes.cross;
import static io.meshport.samples.scatter.TestMeshes.dot;
import static io.meshport.samples.scatter.TestMeshes.fanVertex;
import static io.meshport.samples.scatter.TestMeshes.floats;
import static io.meshport.samples.scatter.TestMeshes.ints;
import static io.meshport.samples.scatter.TestMeshes.norm;
import static io.meshport.samples.scatter.TestMeshes.point;
import static io.meshport.samples.scatter.TestMeshes.positions;
import static io.meshport.samples.scatter.TestMeshes.sub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;

/** What a scatter's samples carry: the source's attributes interpolated or copied, and normals. */
class ScatterAttributesTest {
    private static final AttributeSelection ALL = AttributeSelection.parse("*");

    @Test
    void attributesAreInterpolatedOrCopied() {
        for (Mesh.Builder b : List.of(TestMeshes.perturbedTriangles(8, 7, 11),
                TestMeshes.perturbedPolygons(8, 7, 12))) {
            Mesh geometry = b.build();
            int points = geometry.pointCount(), vertices = geometry.vertexCount(), faces = geometry.faceCount();
            float[] pos = positions(geometry);
            float[] temp = new float[2 * points];
            int[] id = new int[points];
            String[] tag = new String[points];
            for (int i = 0; i < points; i++) {
                temp[2 * i] = (float) affineA(pos[3 * i], pos[3 * i + 1], pos[3 * i + 2]);
                temp[2 * i + 1] = (float) affineB(pos[3 * i], pos[3 * i + 1], pos[3 * i + 2]);
                id[i] = 1000 + i;
                tag[i] = "p" + i;
            }
            // A vertex attribute that is affine on each face but jumps between faces, so that reading
            // it per point (instead of per vertex) would be caught.
            float[] uvw = new float[3 * vertices];
            int[] vid = new int[vertices];
            int[] faceOfVertex = new int[vertices];
            for (int f = 0; f < faces; f++) {
                for (int k = 0; k < geometry.faceVertexCount(f); k++) {
                    faceOfVertex[geometry.faceStart(f) + k] = f;
                }
            }
            for (int v = 0; v < vertices; v++) {
                int pt = geometry.point(v);
                double x = pos[3 * pt], y = pos[3 * pt + 1], z = pos[3 * pt + 2];
                uvw[3 * v] = (float) (affineA(x, y, z) + 10 * faceOfVertex[v]);
                uvw[3 * v + 1] = (float) (affineB(x, y, z) - faceOfVertex[v]);
                uvw[3 * v + 2] = (float) (x - 2 * z);
                vid[v] = 7 * v;
            }
            float[] faceValue = new float[faces];
            int[] faceId = new int[faces];
            String[] faceName = new String[faces];
            for (int f = 0; f < faces; f++) {
                faceValue[f] = f * 0.5f;
                faceId[f] = -f;
                faceName[f] = "face" + f;
            }
            Mesh m = geometry.toBuilder()
                    .attribute(Attribute.ofFloats("temp", AttributeOwner.POINT, 2, temp))
                    .attribute(Attribute.ofInts("id", AttributeOwner.POINT, 1, id))
                    .attribute(Attribute.ofStrings("tag", AttributeOwner.POINT, 1, tag))
                    .attribute(Attribute.ofFloats("uvw", AttributeOwner.VERTEX, 3, uvw))
                    .attribute(Attribute.ofInts("vid", AttributeOwner.VERTEX, 1, vid))
                    .attribute(Attribute.ofFloats("value", AttributeOwner.FACE, 1, faceValue))
                    .attribute(Attribute.ofInts("faceId", AttributeOwner.FACE, 1, faceId))
                    .attribute(Attribute.ofStrings("name", AttributeOwner.FACE, 1, faceName))
                    .attribute(Attribute.ofStrings("author", AttributeOwner.DETAIL, 1, new String[] {"me"}))
                    .build();
            ScatterResult r = Scatter.random(m, SurfaceTable.of(m), 4000, 3, ALL);
            Mesh out = r.mesh();
            float[] xyz = positions(out);
            int[] face = ints(out, "sourceFace");
            float[] uv = floats(out, "sourceUV");
            int[] fan = m.isTriangles() ? new int[r.count()] : ints(out, "sourceFan");
            float[] oTemp = floats(out, "temp");
            float[] oUvw = floats(out, "uvw");
            int[] oId = ints(out, "id");
            int[] oVid = ints(out, "vid");
            float[] oValue = floats(out, "value");
            int[] oFaceId = ints(out, "faceId");
            for (String name : List.of("temp", "id", "tag", "uvw", "vid", "value", "faceId", "name")) {
                assertEquals(AttributeOwner.POINT, out.attribute(name).owner(), name);
                assertEquals(m.attribute(name).storage(), out.attribute(name).storage(), name);
                assertEquals(m.attribute(name).size(), out.attribute(name).size(), name);
            }
            assertSame(m.attribute("author"), out.attribute("author"), "detail attributes are passed on as they are");
            for (int k = 0; k < r.count(); k++) {
                double x = xyz[3 * k], y = xyz[3 * k + 1], z = xyz[3 * k + 2];
                int f = face[k];
                assertClose(affineA(x, y, z), oTemp[2 * k], "point float temp[0] of sample " + k);
                assertClose(affineB(x, y, z), oTemp[2 * k + 1], "point float temp[1] of sample " + k);
                assertClose(affineA(x, y, z) + 10 * f, oUvw[3 * k], "vertex float uvw[0] of sample " + k);
                assertClose(affineB(x, y, z) - f, oUvw[3 * k + 1], "vertex float uvw[1] of sample " + k);
                assertClose(x - 2 * z, oUvw[3 * k + 2], "vertex float uvw[2] of sample " + k);
                assertEquals(f * 0.5f, oValue[k]);
                assertEquals(-f, oFaceId[k]);
                assertEquals("face" + f, out.attribute("name").getString(k, 0));
                // ints and text: the corner with the largest barycentric weight
                double u = uv[2 * k], v = uv[2 * k + 1], w = 1 - u - v;
                int corner = w >= u && w >= v ? 0 : u >= v ? 1 : 2;
                int vertex = fanVertex(m, f, fan[k], corner);
                assertEquals(1000 + m.point(vertex), oId[k], "point int of sample " + k);
                assertEquals("p" + m.point(vertex), out.attribute("tag").getString(k, 0));
                assertEquals(7 * vertex, oVid[k], "vertex int of sample " + k);
                Set<Integer> corners = Set.of(1000 + m.point(fanVertex(m, f, fan[k], 0)),
                        1000 + m.point(fanVertex(m, f, fan[k], 1)), 1000 + m.point(fanVertex(m, f, fan[k], 2)));
                assertTrue(corners.contains(oId[k]));
            }
        }
    }

    private static double affineA(double x, double y, double z) {
        return 3.5 * x - 1.25 * y + 0.75 * z + 20;
    }

    private static double affineB(double x, double y, double z) {
        return -0.5 * x + 2 * y + 4 * z - 3;
    }

    private static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-5 * Math.max(1, Math.abs(expected)), what);
    }

    @Test
    void normalsAreTriangleNormalsWithoutSourceN() {
        Mesh m = TestMeshes.perturbedPolygons(8, 6, 21).build();
        ScatterResult r = Scatter.random(m, SurfaceTable.of(m), 2000, 9, AttributeSelection.none());
        float[] n = floats(r.mesh(), "N");
        int[] face = ints(r.mesh(), "sourceFace");
        int[] fan = ints(r.mesh(), "sourceFan");
        for (int k = 0; k < r.count(); k++) {
            double[] nk = {n[3 * k], n[3 * k + 1], n[3 * k + 2]};
            double[] a = point(m, m.point(fanVertex(m, face[k], fan[k], 0)));
            double[] e1 = sub(point(m, m.point(fanVertex(m, face[k], fan[k], 1))), a);
            double[] e2 = sub(point(m, m.point(fanVertex(m, face[k], fan[k], 2))), a);
            assertEquals(1, norm(nk), 1e-6, "unit length");
            assertEquals(0, dot(nk, e1) / norm(e1), 1e-5, "perpendicular to the first edge");
            assertEquals(0, dot(nk, e2) / norm(e2), 1e-5, "perpendicular to the second edge");
            assertTrue(dot(nk, cross(e1, e2)) > 0, "oriented by the winding");
        }
    }

    @Test
    void normalsAreInterpolatedFromPointOrVertexN() {
        Mesh base = TestMeshes.perturbedTriangles(7, 6, 31).build();
        float[] pos = positions(base);
        float[] pointN = new float[pos.length];
        for (int i = 0; i < base.pointCount(); i++) {
            // a smooth, non-constant field, deliberately not the geometric normal
            double x = pos[3 * i], y = pos[3 * i + 1];
            double[] v = {Math.sin(x), Math.cos(y), 2};
            double len = norm(v);
            for (int c = 0; c < 3; c++) {
                pointN[3 * i + c] = (float) (v[c] / len);
            }
        }
        float[] vertexN = new float[3 * base.vertexCount()];
        for (int v = 0; v < base.vertexCount(); v++) {
            // per vertex: each face has its own constant normal, unrelated to its points
            int f = v / 3;
            double[] d = {Math.cos(f), Math.sin(f), 0.5};
            double len = norm(d);
            for (int c = 0; c < 3; c++) {
                vertexN[3 * v + c] = (float) (d[c] / len);
            }
        }
        for (AttributeOwner owner : List.of(AttributeOwner.POINT, AttributeOwner.VERTEX)) {
            float[] data = owner == AttributeOwner.POINT ? pointN : vertexN;
            Mesh m = base.toBuilder().attribute(Attribute.ofFloats("N", owner, 3, data)).build();
            ScatterResult r = Scatter.random(m, SurfaceTable.of(m), 2000, 4, AttributeSelection.none());
            float[] n = floats(r.mesh(), "N");
            int[] face = ints(r.mesh(), "sourceFace");
            float[] uv = floats(r.mesh(), "sourceUV");
            for (int k = 0; k < r.count(); k++) {
                double u = uv[2 * k], v = uv[2 * k + 1];
                double[] expected = new double[3];
                for (int corner = 0; corner < 3; corner++) {
                    int vertex = 3 * face[k] + corner;
                    int e = owner == AttributeOwner.POINT ? m.point(vertex) : vertex;
                    double wgt = corner == 0 ? 1 - u - v : corner == 1 ? u : v;
                    for (int c = 0; c < 3; c++) {
                        expected[c] += wgt * data[3 * e + c];
                    }
                }
                double len = norm(expected);
                for (int c = 0; c < 3; c++) {
                    assertEquals(expected[c] / len, n[3 * k + c], 1e-5, owner + " N of sample " + k);
                }
            }
        }
    }
}
