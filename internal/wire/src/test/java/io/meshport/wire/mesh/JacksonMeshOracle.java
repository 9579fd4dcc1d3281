package io.meshport.wire.mesh;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.InvalidMeshException;
import io.meshport.mesh.Mesh;
import io.meshport.mesh.MeshReader.BaseResolver;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * An independent reading of mesh payloads, the reference the product's reader is fuzzed against: the
 * whole payload is parsed by jackson-dataformat-cbor into a tree of plain values, then the rules of
 * docs/protocol.md section 6 (its reading rules, section 6.5) are applied to the tree, one by one, in
 * the plainest code possible. Slow and simple on purpose. Where Jackson hides what an item was (an
 * integer map key becomes a field name, a simple value an integer, undefined a null, inner tags are
 * dropped), the item's first bytes are looked at.
 */
final class JacksonMeshOracle {
    private static final CBORFactory FACTORY = new CBORFactory();

    static {
        FACTORY.setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(io.meshport.wire.Cbor.MAX_DEPTH)
                .maxStringLength(Integer.MAX_VALUE).maxNameLength(Integer.MAX_VALUE).build());
    }

    private JacksonMeshOracle() {
    }

    // The tree. A tagged item keeps every tag on it, outermost first.
    record Int(BigInteger v) { }
    record Flt(double v) { }
    record Txt(String v) { }
    record Bytes(byte[] v) { }
    record Arr(List<Object> items) { }
    record MapNode(List<Object[]> entries, int start, int end) { }
    record Tagged(long[] tags, Object inner) { }
    record Other(String what) { } // booleans, null, undefined, simple values

    static final Other NULL = new Other("null");

    /**
     * Jackson cannot read this payload although it is well-formed CBOR (tag numbers above 2^31 - 1, map
     * keys that are floats, arrays or maps, a tag 4 over anything but two integers, which Jackson
     * interprets): the reference has no answer. Such items are refused
     * anywhere in a mesh but inside {@code meta} and unknown fields, where the product rightly accepts
     * them, so there is nothing to compare.
     */
    static final class Abstains extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abstains(String why) {
            super(why);
        }
    }

    /** Reads the payload as the product must: the mesh, or the MeshportException it must throw. */
    static Mesh read(byte[] payload, BaseResolver resolver) {
        Object root;
        try (CBORParser p = (CBORParser) FACTORY.createParser(payload)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new MeshportException(ErrorCode.DECODE_FAILED, "empty");
            }
            root = value(p, payload, t);
            // Jackson takes a lone tag at the end for the end: where the root item ends is checked too.
            if (p.currentLocation().getByteOffset() != payload.length || p.nextToken() != null) {
                throw new MeshportException(ErrorCode.DECODE_FAILED, "bytes after the mesh map");
            }
        } catch (StreamReadException e) {
            String m = e.getOriginalMessage();
            if (m.startsWith("Illegal Tag value") || m.startsWith("Unsupported major type")
                    || m.startsWith("Unexpected array size") || m.contains("'bigfloat'")) {
                throw new Abstains(m); // well-formed, but beyond what Jackson reads
            }
            throw new MeshportException(ErrorCode.DECODE_FAILED, "jackson: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MeshportException(ErrorCode.DECODE_FAILED, "jackson: " + e.getMessage());
        }
        return mesh(root, payload, resolver);
    }

    // ------------------------------------------------------------------ tree

    private static Object value(CBORParser p, byte[] payload, JsonToken t) throws IOException {
        int at = (int) p.currentTokenLocation().getByteOffset();
        Object v = untagged(p, payload, t, at);
        long[] tags = tagsAt(payload, at);
        return tags.length == 0 ? v : new Tagged(tags, v);
    }

    private static Object untagged(CBORParser p, byte[] payload, JsonToken t, int at) throws IOException {
        int item = skipTags(payload, at);
        int major = (payload[item] & 0xff) >>> 5;
        switch (t) {
            case START_ARRAY: {
                List<Object> items = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(value(p, payload, e));
                }
                endWithoutTag(p, payload, item);
                return new Arr(items);
            }
            case START_OBJECT: {
                List<Object[]> entries = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) == JsonToken.FIELD_NAME) {
                    int keyAt = (int) p.currentTokenLocation().getByteOffset();
                    Object key = (payload[keyAt] & 0xff) >>> 5 == 3 ? new Txt(strictText(payload, keyAt))
                            : new Other("a non-text key");
                    entries.add(new Object[] {key, value(p, payload, p.nextToken())});
                }
                endWithoutTag(p, payload, item);
                return new MapNode(entries, item, (int) p.currentLocation().getByteOffset());
            }
            case VALUE_STRING:
                p.getText(); // Jackson's own checks first
                return new Txt(strictText(payload, item));
            case VALUE_EMBEDDED_OBJECT:
                return new Bytes(p.getBinaryValue());
            case VALUE_NUMBER_INT:
                if (major == 7) {
                    return new Other("a simple value");
                }
                if (major == 6 || major == 2) { // a bignum, which Jackson decodes: its tag shows it is not a plain integer
                    return new Other("a bignum");
                }
                return new Int(p.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT:
                return new Flt(p.getNumberType() == com.fasterxml.jackson.core.JsonParser.NumberType.DOUBLE ? p.getDoubleValue() : p.getFloatValue());
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new Other("a boolean");
            case VALUE_NULL:
                return (payload[item] & 0xff) == 0xf7 ? new Other("undefined") : NULL;
            default:
                throw new IllegalStateException("unexpected token " + t);
        }
    }

    /**
     * Jackson decodes some invalid UTF-8 leniently (a stray continuation byte passes): every text is
     * decoded again from its bytes, strictly. Jackson has already checked the item's structure.
     */
    private static String strictText(byte[] b, int at) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        int p = at;
        boolean chunked = (b[p] & 0x1f) == 31;
        if (chunked) {
            p++;
        }
        while (!chunked || (b[p] & 0xff) != 0xff) {
            int ai = b[p] & 0x1f;
            int n = ai < 24 ? 0 : 1 << (ai - 24);
            long len = ai < 24 ? ai : 0;
            for (int i = 1; i <= n; i++) {
                len = (len << 8) | (b[p + i] & 0xff);
            }
            if (len > b.length - (p + 1 + n)) { // Jackson misreads lengths of 2^31 and more
                throw new MeshportException(ErrorCode.DECODE_FAILED, "a text runs past the end");
            }
            bytes.write(b, p + 1 + n, (int) len);
            p += 1 + n + (int) len;
            if (!chunked) {
                break;
            }
        }
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new MeshportException(ErrorCode.DECODE_FAILED, "a text is not valid UTF-8");
        }
    }

    /** Jackson takes a tag followed by a break for the break: a tag must be followed by an item. */
    private static void endWithoutTag(CBORParser p, byte[] payload, int container) {
        int at = (int) p.currentTokenLocation().getByteOffset();
        boolean indefinite = (payload[container] & 0x1f) == 31; // else the end token is where the next item starts
        if (indefinite && at < payload.length && (payload[at] & 0xff) >>> 5 == 6) {
            throw new MeshportException(ErrorCode.DECODE_FAILED, "a tag without its item");
        }
    }

    /** @return the tags of the item at {@code at}, outermost first */
    private static long[] tagsAt(byte[] b, int at) {
        long[] tags = new long[0];
        int p = at;
        while ((b[p] & 0xff) >>> 5 == 6) {
            int ai = b[p] & 0x1f;
            int n = ai < 24 ? 0 : 1 << (ai - 24);
            long tag = ai < 24 ? ai : 0;
            for (int i = 1; i <= n; i++) {
                tag = (tag << 8) | (b[p + i] & 0xff);
            }
            tags = Arrays.copyOf(tags, tags.length + 1);
            tags[tags.length - 1] = tag;
            p += 1 + n;
        }
        return tags;
    }

    private static int skipTags(byte[] b, int at) {
        int p = at;
        while ((b[p] & 0xff) >>> 5 == 6) {
            int ai = b[p] & 0x1f;
            p += 1 + (ai < 24 ? 0 : 1 << (ai - 24));
        }
        return p;
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
