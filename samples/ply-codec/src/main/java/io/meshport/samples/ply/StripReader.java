package io.meshport.samples.ply;

import java.util.Arrays;

import io.meshport.samples.ply.PlyHeader.Element;
import io.meshport.samples.ply.PlyHeader.Property;

/**
 * Reads element {@code tristrips} (Stanford's scanner exports and others) into triangles: each instance's
 * list {@code vertex_indices} holds triangle strips, each -1 (or, in an unsigned list, its largest value)
 * ending one strip and starting the next. Triangle k of a strip is made of its vertices k, k+1 and k+2,
 * the first two swapped when k is odd so that every triangle faces the same way, as OpenGL draws strips.
 * A triangle that repeats a vertex has no area (writers use them to stitch strips together): it is
 * skipped and counted.
 */
final class StripReader {
    private final Element strips;
    private final Property list;
    private long degenerate;

    /**
     * @param strips the element
     * @param list its list of vertex numbers
     */
    StripReader(Element strips, Property list) {
        this.strips = strips;
        this.list = list;
    }

    /** Reads every strip's triangles into {@code out}. */
    void read(PlyBody body, int points, Polygons out) {
        int[] run = new int[64];
        long restart = list.type.min < 0 ? -1 : list.type.max;
        for (int i = 0; i < strips.count; i++) {
            body.begin(strips, i);
            for (Property q : strips.properties) {
                if (q != list) {
                    if (q.isList()) {
                        body.skipItems(q, body.count(q));
                    } else {
                        body.skipScalar(q);
                    }
                    continue;
                }
                int n = body.count(q);
                if (n > run.length) {
                    run = Arrays.copyOf(run, Math.max(n, 2 * run.length));
                }
                for (int k = 0; k < n; k++) {
                    long v = body.integerItem(q, k);
                    if (v == restart) {
                        run[k] = -1;
                    } else if (v < 0 || v >= points) {
                        throw body.errorAt(body.valueStart, body.where() + " refers to vertex " + v + ", but the file has "
                                + points + (points == 1 ? " vertex" : " vertices") + " (" + restart + " ends a strip)");
                    } else {
                        run[k] = (int) v;
                    }
                }
                triangles(run, n, out);
            }
            body.finishInstance();
        }
    }

    /** Adds the triangles of the strips in {@code v[0, n)}, -1 separating them. */
    private void triangles(int[] v, int n, Polygons out) {
        int length = 0; // vertices of the current strip so far
        for (int k = 0; k < n; k++) {
            if (v[k] < 0) {
                length = 0;
                continue;
            }
            length++;
            if (length < 3) {
                continue;
            }
            int a = v[k - 2];
            int b = v[k - 1];
            int c = v[k];
            if (a == b || b == c || a == c) {
                degenerate++;
                continue;
            }
            out.ensure(3);
            if ((length - 3) % 2 == 0) {
                out.triangle(a, b, c);
            } else {
                out.triangle(b, a, c);
            }
        }
    }

    /** @return how many triangles repeated a vertex and were skipped */
    long degenerate() {
        return degenerate;
    }
}
