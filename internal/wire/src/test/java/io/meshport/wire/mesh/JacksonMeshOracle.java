package io.meshport.wire.mesh;

import static io.meshport.wire.mesh.JacksonCborTree.NULL;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.InvalidMeshException;
import io.meshport.mesh.Mesh;
import io.meshport.mesh.MeshReader.BaseResolver;
import io.meshport.protocol.MeshportException;
import io.meshport.wire.mesh.JacksonCborTree.Arr;
import io.meshport.wire.mesh.JacksonCborTree.Bytes;
import io.meshport.wire.mesh.JacksonCborTree.Flt;
import io.meshport.wire.mesh.JacksonCborTree.Int;
import io.meshport.wire.mesh.JacksonCborTree.MapNode;
import io.meshport.wire.mesh.JacksonCborTree.Tagged;
import io.meshport.wire.mesh.JacksonCborTree.Txt;

/**
 * An independent reading of mesh payloads, the reference the product's reader is fuzzed against: the
 * whole payload is parsed by jackson-dataformat-cbor into a tree of plain values, then the rules of
 * docs/protocol.md section 6 (its reading rules, section 6.5) are applied to the tree, one by one, in
 * the plainest code possible. Slow and simple on purpose. The tree is {@link JacksonCborTree}'s.
 */
final class JacksonMeshOracle {
    private JacksonMeshOracle() {
    }

    /** Reads the payload as the product must: the mesh, or the MeshportException it must throw. */
    static Mesh read(byte[] payload, BaseResolver resolver) {
        return mesh(JacksonCborTree.parse(payload), payload, resolver);
    }

    // ------------------------------------------------------------------ the rules

    private static InvalidMeshException invalid(String m) {
        return new InvalidMeshException(m);
    }

    private static Mesh mesh(Object root, byte[] payload, BaseResolver resolver) {
        if (root instanceof Tagged t && t.tags().length == 1 && t.tags()[0] == 55799) {
            root = t.inner();
        }
        if (!(root instanceof MapNode map)) {
            throw invalid("a mesh body must be a map");
        }
        List<String> seen = new ArrayList<>();
        float[] positions = null;
        int[] indices = null;
        int[] faceCounts = null;
        boolean hasIndices = false;
        boolean hasFaceCounts = false;
        String name = null;
        boolean hasName = false;
        byte[] meta = null;
        boolean hasMeta = false;
        long base = -1;
        List<Attribute> attributes = new ArrayList<>();
        for (Object[] e : map.entries()) {
            if (!(e[0] instanceof Txt k)) {
                throw invalid("a mesh body must be a map with text keys");
            }
            String key = k.v();
            if (seen.contains(key)) {
                throw invalid(key + " is given twice");
            }
            seen.add(key);
            Object v = e[1];
            switch (key) {
                case "positions":
                    if (v == NULL) {
                        throw invalid("positions is null");
                    }
                    positions = floats("positions", v, true);
                    break;
                case "indices":
                    if (v != NULL) {
                        indices = ints("indices", v);
                        hasIndices = true;
                    }
                    break;
                case "faceCounts":
                    if (v != NULL) {
                        faceCounts = ints("faceCounts", v);
                        hasFaceCounts = true;
                    }
                    break;
                case "name":
                    hasName = true;
                    if (v instanceof Txt t) {
                        name = t.v();
                    } else if (v != NULL) {
                        throw invalid("name must be text");
                    }
                    break;
                case "meta":
                    hasMeta = true;
                    if (v instanceof MapNode m) {
                        meta = Arrays.copyOfRange(payload, m.start(), m.end());
                    } else if (v != NULL) {
                        throw invalid("meta must be a map");
                    }
                    break;
                case "base":
                    if (v != NULL) {
                        base = version(v);
                    }
                    break;
                case "attributes":
                    if (v instanceof MapNode m) {
                        attributes(m, attributes);
                    } else if (v != NULL) {
                        throw invalid("attributes must be a map");
                    }
                    break;
                default:
                    break;
            }
        }
        Mesh.Builder b;
        if (base >= 0) {
            if (hasIndices || hasFaceCounts) {
                throw invalid("indices and faceCounts must be absent with base");
            }
            Mesh old = resolver.resolve(base);
            if (positions != null && positions.length != 3 * old.pointCount()) {
                throw invalid("an update with base keeps the point count");
            }
            b = old.toBuilder();
            if (positions != null) {
                b.positions(positions);
            }
            if (hasName) {
                b.name(name);
            }
            if (hasMeta) {
                b.meta(meta);
            }
        } else {
            b = Mesh.builder().positions(positions).indices(indices).faceCounts(faceCounts).name(name).meta(meta);
        }
        for (Attribute a : attributes) {
            b.attribute(a);
        }
        return b.build();
    }

    private static long version(Object v) {
        if (v instanceof Int i) {
            if (i.v().signum() < 0 || i.v().bitLength() > 63) {
                throw invalid("base is not a version number");
            }
            return i.v().longValueExact();
        }
        if (v instanceof Flt f) {
            double d = f.v();
            if (d >= 0 && d < 0x1p63 && d == Math.rint(d)) {
                return (long) d;
            }
            throw invalid("base is not a version number");
        }
        throw invalid("base must be an unsigned integer");
    }

    private static void attributes(MapNode m, List<Attribute> out) {
        for (Object[] e : m.entries()) {
            if (!(e[0] instanceof Txt k)) {
                throw invalid("attributes must be a map with text keys");
            }
            String name = k.v();
            if (Attribute.nameProblem(name) != null) {
                throw invalid(Attribute.nameProblem(name));
            }
            for (Attribute a : out) {
                if (a.name().equals(name)) {
                    throw invalid("attributes." + name + " is given twice");
                }
            }
            if (!(e[1] instanceof MapNode am)) {
                throw invalid("attributes." + name + " must be a map");
            }
            out.add(attribute(name, am));
        }
    }

    private static Attribute attribute(String name, MapNode m) {
        String prefix = "attributes." + name;
        Object owner = null;
        Object size = null;
        Object type = null;
        Object data = null;
        List<String> seen = new ArrayList<>();
        List<String> order = new ArrayList<>();
        for (Object[] e : m.entries()) {
            if (!(e[0] instanceof Txt k)) {
                throw invalid(prefix + " must be a map with text keys");
            }
            String key = k.v();
            if (List.of("owner", "size", "type", "data").contains(key)) {
                if (seen.contains(key)) {
                    throw invalid(prefix + "." + key + " is given twice");
                }
                seen.add(key);
                order.add(key);
            }
            switch (key) {
                case "owner": owner = e[1]; break;
                case "size": size = e[1]; break;
                case "type": type = e[1]; break;
                case "data": data = e[1]; break;
                default: break;
            }
        }
        String storage = null;
        if (type != null && type != NULL) {
            if (!(type instanceof Txt t) || !List.of("float", "int", "string").contains(t.v())) {
                throw invalid(prefix + ".type is not one of float, int, string");
            }
            storage = t.v();
        }
        AttributeOwner o = null;
        int s = -1;
        Object array = null;
        for (String key : order) {
            switch (key) {
                case "owner":
                    o = owner instanceof Txt t ? AttributeOwner.fromWire(t.v()) : null;
                    if (o == null) {
                        throw invalid(prefix + ".owner is not one of point, vertex, face, detail");
                    }
                    break;
                case "size": {
                    double d = size instanceof Int i ? (i.v().bitLength() < 32 ? i.v().intValue() : -1)
                            : size instanceof Flt f ? f.v() : Double.NaN;
                    if (d != Math.rint(d) || d < 1 || d > Attribute.MAX_SIZE) {
                        throw invalid(prefix + ".size is outside 1.." + Attribute.MAX_SIZE);
                    }
                    s = (int) d;
                    break;
                }
                case "data":
                    array = data(prefix + ".data", data, storage);
                    break;
                default:
                    break;
            }
        }
        if (o == null || s < 0 || array == null) {
            throw invalid(prefix + " misses owner, size or data");
        }
        if (array instanceof float[] f) {
            return Attribute.ofFloats(name, o, s, f);
        }
        if (array instanceof int[] i) {
            return Attribute.ofInts(name, o, s, i);
        }
        return Attribute.ofStrings(name, o, s, (String[]) array);
    }

    private static Object data(String field, Object v, String storage) {
        if (storage == null) {
            if (v instanceof Tagged t) {
                return typedIsFloat(field, t) ? floats(field, v, false) : ints(field, v);
            }
            if (!(v instanceof Arr a)) {
                throw invalid(field + " must be an array or a typed array");
            }
            if (!a.items().isEmpty() && a.items().get(0) instanceof Txt) {
                return strings(field, a);
            }
            return a.items().stream().anyMatch(x -> x instanceof Flt) ? floats(field, v, false) : ints(field, v);
        }
        switch (storage) {
            case "float": return floats(field, v, false);
            case "int": return ints(field, v);
            default:
                if (!(v instanceof Arr a)) {
                    throw invalid(field + " must be an array of text");
                }
                return strings(field, a);
        }
    }

    private static String[] strings(String field, Arr a) {
        String[] out = new String[a.items().size()];
        for (int i = 0; i < out.length; i++) {
            if (!(a.items().get(i) instanceof Txt t)) {
                throw invalid(field + "[" + i + "] is not text");
            }
            out[i] = t.v();
        }
        return out;
    }

    // ------------------------------------------------------------------ numbers

    private static float[] floats(String field, Object v, boolean finiteOnly) {
        List<Object> items = v instanceof Arr a ? a.items() : typed(field, v);
        float[] out = new float[items.size()];
        for (int i = 0; i < out.length; i++) {
            Object x = items.get(i);
            if (x instanceof Int n) {
                out[i] = n.v().floatValue();
            } else if (x instanceof Flt f) {
                out[i] = (float) f.v();
                if (finiteOnly && Float.isInfinite(out[i]) && Double.isFinite(f.v())) {
                    throw invalid(field + "[" + i + "] does not fit in float32");
                }
            } else {
                throw invalid(field + "[" + i + "] is not a number");
            }
        }
        return out;
    }

    private static int[] ints(String field, Object v) {
        List<Object> items = v instanceof Arr a ? a.items() : typed(field, v);
        int[] out = new int[items.size()];
        for (int i = 0; i < out.length; i++) {
            Object x = items.get(i);
            if (x instanceof Int n) {
                if (n.v().bitLength() > 31) {
                    throw invalid(field + "[" + i + "] does not fit in int32");
                }
                out[i] = n.v().intValue();
            } else if (x instanceof Flt f) {
                double d = f.v();
                if (d != Math.rint(d) || d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
                    throw invalid(field + "[" + i + "] is not an int32");
                }
                out[i] = (int) d;
            } else {
                throw invalid(field + "[" + i + "] is not an integer");
            }
        }
        return out;
    }

    private static boolean typedIsFloat(String field, Tagged t) {
        long tag = t.tags()[0];
        typed(field, t); // checks it
        return tag >= 80;
    }

    /**
     * The elements of a typed array (RFC 8746 section 2), each as an Int or a Flt. Tag bits: for 64-87,
     * 0b010_f_s_e_ll: f float, s signed (for integers), e little-endian, ll the width.
     */
    private static List<Object> typed(String field, Object v) {
        if (!(v instanceof Tagged t)) {
            throw invalid(field + " must be an array or a typed array");
        }
        long tag = t.tags()[0];
        boolean supported = tag >= 64 && tag <= 86 && tag != 76 && tag != 83;
        if (!supported) {
            throw invalid(field + " has an unsupported tag");
        }
        if (t.tags().length > 1 || !(t.inner() instanceof Bytes bytes)) {
            throw invalid(field + ": a typed array is a tag over a byte string");
        }
        int bits = (int) tag - 64;
        boolean floating = (bits & 0x10) != 0;
        boolean signed = (bits & 0x08) != 0;
        boolean little = (bits & 0x04) != 0;
        int width = floating ? 2 << (bits & 3) : 1 << (bits & 3);
        if (tag == 68) { // uint8 clamped: the same bytes as uint8
            little = false;
        }
        byte[] b = bytes.v();
        if (b.length % width != 0) {
            throw invalid(field + " is a typed array whose length is not a multiple of its element size");
        }
        ByteBuffer buf = ByteBuffer.wrap(b).order(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < b.length; i += width) {
            if (floating) {
                double d = width == 2 ? half(buf.getShort(i)) : width == 4 ? buf.getFloat(i) : buf.getDouble(i);
                out.add(new Flt(d));
            } else {
                long x = width == 1 ? buf.get(i) : width == 2 ? buf.getShort(i) : width == 4 ? buf.getInt(i) : buf.getLong(i);
                BigInteger n = BigInteger.valueOf(x);
                if (!signed && x < 0) {
                    n = n.add(BigInteger.ONE.shiftLeft(8 * width));
                }
                out.add(new Int(n));
            }
        }
        return out;
    }

    /** IEEE 754 binary16, by its definition. */
    private static double half(short h) {
        int sign = (h >> 15) & 1;
        int exp = (h >> 10) & 0x1f;
        int mant = h & 0x3ff;
        double v;
        if (exp == 0) {
            v = mant * Math.pow(2, -24);
        } else if (exp == 31) {
            v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else {
            v = (1 + mant / 1024.0) * Math.pow(2, exp - 15);
        }
        return sign == 1 ? -v : v;
    }
}
