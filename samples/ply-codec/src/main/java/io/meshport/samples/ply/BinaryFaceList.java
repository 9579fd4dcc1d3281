package io.meshport.samples.ply;

import java.nio.ByteBuffer;

import io.meshport.samples.ply.PlyHeader.Element;
import io.meshport.samples.ply.PlyHeader.Property;

/**
 * Reads a binary face element that holds nothing but its vertex list, a {@code uchar} count and
 * {@code int} or {@code uint} vertex numbers (the layout nearly every writer uses), in one tight loop
 * that the JIT compiler compiles within milliseconds (see {@link BinaryColumns} for why).
 *
 * <p>Any other layout, and any face the general reader ({@link FaceReader}) would refuse (fewer than
 * three corners, a vertex number out of range, the file cut short), is left to the general reader, which
 * says where the problem is: the faces read by the attempt are dropped again.
 */
final class BinaryFaceList {
    private BinaryFaceList() {
    }

    /**
     * Reads every face into {@code out}.
     *
     * @param points how many points there are
     * @return true when done (the body is then after the element), false when the element is for the
     *         general reader (the body has not moved, and {@code out} holds what it held)
     */
    static boolean read(BinaryBody body, FaceReader faces, int points, Polygons out) {
        Element face = faces.face;
        Property list = faces.indexList;
        if (face.properties.size() != 1 || list.countType != PlyType.UINT8
                || (list.type != PlyType.INT32 && list.type != PlyType.UINT32)) {
            return false;
        }
        int corners = out.corners();
        int faces0 = out.faces();
        byte[] b = body.b;
        ByteBuffer buf = body.buf;
        int end = body.end;
        int p = body.pos;
        for (int f = 0; f < face.count; f++) {
            int n = p < end ? b[p] & 0xff : 0;
            p++;
            if (n < 3 || 4L * n > end - p) {
                out.truncate(corners, faces0);
                return false;
            }
            out.ensure(n);
            for (int k = 0; k < n; k++, p += 4) {
                int v = buf.getInt(p); // a uint of 2^31 or more reads as negative: out of range too
                if (v < 0 || v >= points) {
                    out.truncate(corners, faces0);
                    return false;
                }
                out.corner(v);
            }
            out.endFace(n);
        }
        body.pos = p;
        return true;
    }
}
