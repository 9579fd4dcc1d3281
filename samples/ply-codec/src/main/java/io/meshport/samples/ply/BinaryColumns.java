package io.meshport.samples.ply;

import java.nio.ByteBuffer;

import io.meshport.samples.ply.PlyHeader.Element;
import io.meshport.samples.ply.PlyHeader.Property;

/**
 * Reads a binary element whose properties are all scalars (every instance the same size, as a vertex
 * element nearly always is) column by column: each property's values in one loop over the instances, a
 * loop per type. Each loop is a few instructions the JIT compiler compiles within milliseconds, for its
 * one type, so a fresh host reads the first file about as fast as the next, whatever the file's layout.
 * The general reader ({@code PlyReader.readVertices}) goes value by value through {@link PlyBody}, which
 * the JIT can make fast only for a layout it has seen long enough.
 *
 * <p>It reads only what it can read whole: an element with a list, one the file cuts short, or a
 * position that is not finite are left to the general reader (which says where the problem is), and
 * nothing is kept of the attempt.
 */
final class BinaryColumns {
    private BinaryColumns() {
    }

    /**
     * Reads every instance of {@code columns.element} into the arrays of {@code columns} (allocated already).
     *
     * @return true when done (the body is then after the element), false when the element is for the
     *         general reader (the body has not moved)
     */
    static boolean read(BinaryBody body, Columns columns) {
        Element e = columns.element;
        for (Property p : e.properties) {
            if (p.isList()) {
                return false;
            }
        }
        long stride = e.minBinaryBytes();
        if (stride * e.count > body.end - body.pos) {
            return false;
        }
        long[] rounded = new long[e.properties.size()];
        int offset = 0;
        for (int k = 0; k < e.properties.size(); k++) {
            PlyType type = e.properties.get(k).type;
            Columns.Slot s = columns.slot(k);
            if (s != null) {
                Columns.Target t = s.target;
                rounded[k] = column(body.buf, body.pos + offset, (int) stride, e.count, type, t.data, t.size, s.component, s.divisor);
                if (rounded[k] < 0 && t.name == null) {
                    return false; // a position is not finite: the general reader says which
                }
            }
            offset += type.size;
        }
        for (int k = 0; k < rounded.length; k++) {
            Columns.Slot s = columns.slot(k);
            if (s != null && s.integral && s.divisor == 1) {
                s.target.rounded += rounded[k];
            }
        }
        body.pos += (int) (stride * e.count);
        return true;
    }

    /**
     * Reads {@code n} values of {@code type}, {@code stride} bytes apart from {@code start}, into
     * {@code out[component + i * size]}, each divided by {@code divisor} (colours) and made a float.
     *
     * @return for integers, how many a float could not hold exactly (only counted when the divisor is 1);
     *         for floats, -1 when one of them is not finite (or beyond a float's range), else 0
     */
    private static long column(ByteBuffer buf, int start, int stride, int n, PlyType type, float[] out, int size, int component,
            double divisor) {
        int p = start;
        int d = component;
        long rounded = 0;
        float finite = 0; // x - x is 0 for a finite x, NaN otherwise
        switch (type) {
            case INT8:
                for (int i = 0; i < n; i++, p += stride, d += size) {
                    out[d] = (float) (buf.get(p) / divisor);
                }
                return 0;
            case UINT8:
                for (int i = 0; i < n; i++, p += stride, d += size) {
                    out[d] = (float) ((buf.get(p) & 0xff) / divisor);
                }
                return 0;
            case INT16:
                for (int i = 0; i < n; i++, p += stride, d += size) {
                    out[d] = (float) (buf.getShort(p) / divisor);
                }
                return 0;
            case UINT16:
                for (int i = 0; i < n; i++, p += stride, d += size) {
                    out[d] = (float) ((buf.getShort(p) & 0xffff) / divisor);
                }
                return 0;
            case INT32:
                for (int i = 0; i < n; i++, p += stride, d += size) {
                    int v = buf.getInt(p);
                    float f = (float) (v / divisor);
                    out[d] = f;
                    rounded += (double) f != v ? 1 : 0;
                }
                return rounded;
            case UINT32:
                for (int i = 0; i < n; i++, p += stride, d += size) {
                    long v = buf.getInt(p) & 0xFFFF_FFFFL;
                    float f = (float) (v / divisor);
                    out[d] = f;
                    rounded += (double) f != v ? 1 : 0;
                }
                return rounded;
            case FLOAT32:
                for (int i = 0; i < n; i++, p += stride, d += size) {
                    float f = buf.getFloat(p);
                    out[d] = f;
                    finite += f - f;
                }
                return finite == 0 ? 0 : -1;
            default:
                for (int i = 0; i < n; i++, p += stride, d += size) {
                    float f = (float) buf.getDouble(p);
                    out[d] = f;
                    finite += f - f;
                }
                return finite == 0 ? 0 : -1;
        }
    }
}
