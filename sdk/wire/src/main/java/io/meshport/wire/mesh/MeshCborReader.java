package io.meshport.wire.mesh;

import io.meshport.wire.Cbor;
import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborMessage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import com.fasterxml.jackson.dataformat.cbor.CBORReadContext;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.AttributeStorage;
import io.meshport.mesh.InvalidMeshException;
import io.meshport.mesh.Mesh;
import io.meshport.mesh.MeshReader;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * Reads a {@code mesh} payload (PROTOCOL.md section 6) with jackson-dataformat-cbor's streaming
 * parser. Typed arrays are converted in bulk from the payload bytes ({@link NumericSink}); plain
 * arrays are read number by number, any width. Thread safe: each call makes its own parser.
 */
public final class MeshCborReader implements MeshReader {
    private final CBORFactory factory;

    /** A reader with a factory whose limits suit meshes (deep nesting refused, long strings allowed). */
    public MeshCborReader() {
        CBORFactory f = new CBORFactory();
        f.setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(Cbor.MAX_DEPTH)
                .maxStringLength(Integer.MAX_VALUE)
                .build());
        this.factory = f;
    }

    @Override
    public Mesh read(byte[] data, int offset, int length, BaseResolver base) {
        try (CBORParser p = (CBORParser) factory.createParser(data, offset, length)) {
            return new ReadState(p, data, offset + length).readMesh(base);
        } catch (StreamReadException e) {
            long at = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
            throw new MeshportException(ErrorCode.DECODE_FAILED, "the mesh payload is not well-formed CBOR: "
                    + e.getOriginalMessage() + (at >= 0 ? " (at byte " + at + ")" : ""));
        } catch (IOException e) {
            throw new MeshportException(ErrorCode.DECODE_FAILED, "the mesh payload could not be read: " + e.getMessage());
        }
    }

    /** The parser and payload of one read. */
    private static final class ReadState {
        private final CBORParser p;
        private final byte[] data;
        private final int end;

        ReadState(CBORParser p, byte[] data, int end) {
            this.p = p;
            this.data = data;
            this.end = end;
        }

        Mesh readMesh(BaseResolver resolver) throws IOException {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                throw new InvalidMeshException("a mesh body must be a map, got " + describe(t));
            }
            float[] positions = null;
            int[] indices = null;
            int[] faceCounts = null;
            boolean hasIndices = false;
            boolean hasFaceCounts = false;
            String name = null;
            byte[] meta = null;
            long base = -1;
            List<Attribute> attributes = new ArrayList<>();
            List<String> seen = new ArrayList<>(8);
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                t = p.nextToken();
                if (seen.contains(field)) {
                    throw new InvalidMeshException(field + " is given twice");
                }
                seen.add(field);
                switch (field) {
                    case "positions":
                        if (t == JsonToken.VALUE_NULL) {
                            throw new InvalidMeshException("positions is null");
                        }
                        positions = readFloats("positions", true);
                        break;
                    case "indices":
                        if (t != JsonToken.VALUE_NULL) {
                            indices = readInts("indices");
                            hasIndices = true;
                        }
                        break;
                    case "faceCounts":
                        if (t != JsonToken.VALUE_NULL) {
                            faceCounts = readInts("faceCounts");
                            hasFaceCounts = true;
                        }
                        break;
                    case "attributes":
                        if (t == JsonToken.START_OBJECT) {
                            readAttributes(attributes);
                        } else if (t != JsonToken.VALUE_NULL) {
                            throw new InvalidMeshException("attributes must be a map of name to attribute, got " + describe(t));
                        }
                        break;
                    case "name":
                        if (t == JsonToken.VALUE_STRING) {
                            name = p.getText();
                        } else if (t != JsonToken.VALUE_NULL) {
                            throw new InvalidMeshException("name must be text, got " + describe(t));
                        }
                        break;
                    case "meta":
                        if (t == JsonToken.START_OBJECT) {
                            int from = absolute(p.currentTokenLocation().getByteOffset());
                            p.skipChildren();
                            int to = absolute(p.currentLocation().getByteOffset());
                            meta = Arrays.copyOfRange(data, from, to);
                        } else if (t != JsonToken.VALUE_NULL) {
                            throw new InvalidMeshException("meta must be a map, got " + describe(t));
                        }
                        break;
                    case "base":
                        if (t != JsonToken.VALUE_NULL) {
                            base = readUnsigned("base");
                        }
                        break;
                    default:
                        p.skipChildren(); // unknown keys are ignored
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new InvalidMeshException("a mesh body must be a map with text keys, found " + describe(t));
            }
            if (p.nextToken() != null) {
                throw new MeshportException(ErrorCode.DECODE_FAILED, "the mesh payload has bytes after the mesh map");
            }
            Mesh.Builder builder;
            if (base >= 0) {
                if (hasIndices || hasFaceCounts) {
                    throw new InvalidMeshException((hasIndices ? "indices" : "faceCounts")
                            + " must be absent in an update with base (the base mesh's are reused)");
                }
                Mesh old = resolver.resolve(base);
                if (positions != null && positions.length != 3 * old.pointCount()) {
                    throw new InvalidMeshException("positions has " + positions.length / 3.0 + " points, but the base mesh (version "
                            + base + ") has " + old.pointCount() + "; an update with base keeps the point count");
                }
                builder = old.toBuilder();
                if (positions != null) {
                    builder.positions(positions);
                }
                if (seen.contains("name")) {
                    builder.name(name);
                }
                if (seen.contains("meta")) {
                    builder.meta(meta);
                }
            } else {
                builder = Mesh.builder().positions(positions).indices(indices).faceCounts(faceCounts).name(name).meta(meta);
            }
            for (Attribute a : attributes) {
                builder.attribute(a);
            }
            return builder.build();
        }

        private int absolute(long parserOffset) {
            // The parser counts bytes from the start of the array it was given, not from the payload's offset.
            return (int) parserOffset;
        }

        private long readUnsigned(String field) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NUMBER_INT) {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 0) {
                    throw new InvalidMeshException(field + " = " + p.getText() + " is not a version number");
                }
                return p.getLongValue();
            }
            if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                double d = p.getDoubleValue();
                if (d >= 0 && d < 0x1p63 && d == Math.rint(d)) {
                    return (long) d;
                }
                throw new InvalidMeshException(field + " = " + d + " is not a version number");
            }
            throw new InvalidMeshException(field + " must be an unsigned integer, got " + describe(t));
        }

        private void readAttributes(List<Attribute> out) throws IOException {
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                String problem = Attribute.nameProblem(name);
                if (problem != null) {
                    throw new InvalidMeshException(problem);
                }
                for (Attribute a : out) {
                    if (a.name().equals(name)) {
                        throw new InvalidMeshException("attributes." + name + " is given twice");
                    }
                }
                t = p.nextToken();
                if (t != JsonToken.START_OBJECT) {
                    throw new InvalidMeshException("attributes." + name + " must be a map {owner, size, data}, got " + describe(t));
                }
                out.add(readAttribute(name));
            }
            if (t != JsonToken.END_OBJECT) {
                throw new InvalidMeshException("attributes must be a map with text keys, found " + describe(t));
            }
        }

        private Attribute readAttribute(String name) throws IOException {
            String prefix = "attributes." + name;
            AttributeStorage storage = prescanType(prefix);
            AttributeOwner owner = null;
            int size = -1;
            Object dataArray = null;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                t = p.nextToken();
                switch (field) {
                    case "owner":
                        if (t != JsonToken.VALUE_STRING) {
                            throw new InvalidMeshException(prefix + ".owner must be text, got " + describe(t));
                        }
                        owner = AttributeOwner.fromWire(p.getText());
                        if (owner == null) {
                            throw new InvalidMeshException(prefix + ".owner '" + p.getText()
                                    + "' is not one of point, vertex, face, detail");
                        }
                        break;
                    case "size":
                        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                            throw new InvalidMeshException(prefix + ".size must be an integer 1.." + Attribute.MAX_SIZE + ", got " + describe(t));
                        }
                        double d = p.getDoubleValue();
                        if (d != Math.rint(d) || d < 1 || d > Attribute.MAX_SIZE) {
                            throw new InvalidMeshException(prefix + ".size is " + p.getText() + ", outside 1.." + Attribute.MAX_SIZE);
                        }
                        size = (int) d;
                        break;
                    case "data":
                        dataArray = readData(prefix + ".data", storage);
                        break;
                    default:
                        p.skipChildren(); // "type" was read by the prescan; unknown keys are ignored
                }
            }
            if (owner == null) {
                throw new InvalidMeshException(prefix + ".owner is missing");
            }
            if (size < 0) {
                throw new InvalidMeshException(prefix + ".size is missing");
            }
            if (dataArray == null) {
                throw new InvalidMeshException(prefix + ".data is missing");
            }
            if (dataArray instanceof float[]) {
                return Attribute.ofFloats(name, owner, size, (float[]) dataArray);
            }
            if (dataArray instanceof int[]) {
                return Attribute.ofInts(name, owner, size, (int[]) dataArray);
            }
            return Attribute.ofStrings(name, owner, size, (String[]) dataArray);
        }

        /**
         * The storage type fixes how {@code data} is read, and {@code type} may come after {@code data}
         * in the map, so it is looked up first with a structural scan of the attribute's map (which
         * steps over typed arrays without reading them).
         */
        private AttributeStorage prescanType(String prefix) throws IOException {
            int from = absolute(p.currentTokenLocation().getByteOffset());
            CborMessage attr;
            try {
                while (Cbor.major(data, from) == Cbor.MAJOR_TAG) {
                    from += Cbor.headerLength(data, from, end);
                }
                attr = CborMessage.parse(data, from, Cbor.skip(data, from, end) - from);
            } catch (CborFormatException e) {
                throw new MeshportException(ErrorCode.DECODE_FAILED, prefix + " is not well-formed CBOR: " + e.getMessage());
            }
            int tp = attr.valueStart("type");
            if (tp < 0 || (data[tp] & 0xff) == 0xf6) {
                return null;
            }
            if (Cbor.major(data, tp) != Cbor.MAJOR_TEXT) {
                throw new InvalidMeshException(prefix + ".type must be text, got a " + CborMessage.typeName(data, tp));
            }
            String type;
            try {
                type = Cbor.text(data, tp, end);
            } catch (CborFormatException e) {
                throw new MeshportException(ErrorCode.DECODE_FAILED, prefix + ".type is malformed");
            }
            AttributeStorage s = AttributeStorage.fromWire(type);
            if (s == null) {
                throw new InvalidMeshException(prefix + ".type '" + type + "' is not one of float, int, string");
            }
            return s;
        }

        private Object readData(String field, AttributeStorage storage) throws IOException {
            JsonToken t = p.currentToken();
            if (storage == AttributeStorage.FLOAT) {
                return readFloats(field, false);
            }
            if (storage == AttributeStorage.INT) {
                return readInts(field);
            }
            if (storage == AttributeStorage.STRING) {
                if (t != JsonToken.START_ARRAY) {
                    throw new InvalidMeshException(field + " must be an array of text, got " + describe(t));
                }
                return readStrings(field, new String[initialCapacity()], 0);
            }
            // No type: a typed array says it; a plain array is int until a float shows up, text if text.
            if (t == JsonToken.VALUE_EMBEDDED_OBJECT) {
                TypedArray ta = typedArray(field);
                return ta.floating() ? readTyped(field, ta, true, false) : readTyped(field, ta, false, false);
            }
            if (t != JsonToken.START_ARRAY) {
                throw new InvalidMeshException(field + " must be an array or a typed array, got " + describe(t));
            }
            int[] ints = new int[initialCapacity()];
            int n = 0;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == JsonToken.VALUE_STRING && n == 0) {
                    String[] s = new String[Math.max(1, ints.length)];
                    s[0] = p.getText();
                    return readStrings(field, s, 1);
                }
                if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
                    if (n == ints.length) {
                        ints = Arrays.copyOf(ints, grow(n));
                    }
                    ints[n++] = p.getIntValue();
                    continue;
                }
                if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                    float[] f = new float[Math.max(ints.length, n + 1)];
                    for (int i = 0; i < n; i++) {
                        f[i] = ints[i];
                    }
                    f[n] = floatValue(field, n, false);
                    return readPlainFloats(field, false, f, n + 1);
                }
                throw new InvalidMeshException(field + "[" + n + "] is " + describe(t) + ", expected a number or text");
            }
            return Arrays.copyOf(ints, n);
        }

        private String[] readStrings(String field, String[] s, int n) throws IOException {
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.VALUE_STRING) {
                    throw new InvalidMeshException(field + "[" + n + "] is " + describe(t) + ", expected text");
                }
                if (n == s.length) {
                    s = Arrays.copyOf(s, grow(n));
                }
                s[n++] = p.getText();
            }
            return Arrays.copyOf(s, n);
        }

        private float[] readFloats(String field, boolean finiteOnly) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_EMBEDDED_OBJECT) {
                return (float[]) readTyped(field, typedArray(field), true, finiteOnly);
            }
            if (t != JsonToken.START_ARRAY) {
                throw new InvalidMeshException(field + " must be an array of numbers or a typed array, got " + describe(t));
            }
            return readPlainFloats(field, finiteOnly, new float[initialCapacity()], 0);
        }

        private float[] readPlainFloats(String field, boolean finiteOnly, float[] out, int n) throws IOException {
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                    throw new InvalidMeshException(field + "[" + n + "] is " + describe(t) + ", expected a number");
                }
                if (n == out.length) {
                    out = Arrays.copyOf(out, grow(n));
                }
                out[n] = floatValue(field, n, finiteOnly);
                n++;
            }
            return out.length == n ? out : Arrays.copyOf(out, n);
        }

        private float floatValue(String field, int index, boolean finiteOnly) throws IOException {
            switch (p.getNumberType()) {
                case INT:
                    return p.getIntValue();
                case FLOAT:
                    return p.getFloatValue();
                case DOUBLE: {
                    double d = p.getDoubleValue();
                    float f = (float) d;
                    if (finiteOnly && Float.isInfinite(f) && Double.isFinite(d)) {
                        throw new InvalidMeshException(field + "[" + index + "] = " + d + " does not fit in float32");
                    }
                    return f;
                }
                default:
                    return p.getNumberValue().floatValue(); // long, big integer
            }
        }

        private int[] readInts(String field) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_EMBEDDED_OBJECT) {
                return (int[]) readTyped(field, typedArray(field), false, false);
            }
            if (t != JsonToken.START_ARRAY) {
                throw new InvalidMeshException(field + " must be an array of integers or a typed array, got " + describe(t));
            }
            int[] out = new int[initialCapacity()];
            int n = 0;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, grow(n));
                }
                if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
                    out[n++] = p.getIntValue();
                } else if (t == JsonToken.VALUE_NUMBER_INT) {
                    throw new InvalidMeshException(field + "[" + n + "] = " + p.getText() + " does not fit in int32");
                } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                    double d = p.getDoubleValue();
                    if (d != Math.rint(d) || d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
                        throw new InvalidMeshException(field + "[" + n + "] = " + d + " is not an int32");
                    }
                    out[n++] = (int) d;
                } else {
                    throw new InvalidMeshException(field + "[" + n + "] is " + describe(t) + ", expected an integer");
                }
            }
            return out.length == n ? out : Arrays.copyOf(out, n);
        }

        private TypedArray typedArray(String field) {
            int tag = p.getCurrentTag();
            if (tag < 0) {
                throw new InvalidMeshException(field + " is a byte string without a typed-array tag (RFC 8746 tags 64-86)");
            }
            TypedArray ta = TypedArray.ofTag(tag);
            if (ta == null) {
                throw new InvalidMeshException(field + " has tag " + tag + ", which is not a supported typed array (RFC 8746 tags 64-86)");
            }
            return ta;
        }

        private Object readTyped(String field, TypedArray ta, boolean toFloat, boolean finiteOnly) throws IOException {
            NumericSink sink = new NumericSink(field, ta, toFloat, finiteOnly);
            p.readBinaryValue(sink);
            return toFloat ? sink.floats() : sink.ints();
        }

        /** Preallocates for a definite-length array, never beyond what the remaining bytes can hold. */
        private int initialCapacity() {
            CBORReadContext ctx = p.getParsingContext();
            long remaining = end - absolute(p.currentLocation().getByteOffset());
            if (ctx != null && ctx.hasExpectedLength()) {
                return (int) Math.max(0, Math.min(ctx.getExpectedLength(), remaining));
            }
            return (int) Math.min(16, remaining);
        }

        private static int grow(int n) {
            return Math.max(16, n + (n >> 1));
        }

        private String describe(JsonToken t) {
            if (t == null) {
                return "the end of the payload";
            }
            switch (t) {
                case START_ARRAY: return "an array";
                case START_OBJECT: return "a map";
                case VALUE_STRING: return "text";
                case VALUE_NUMBER_INT:
                case VALUE_NUMBER_FLOAT: return "a number";
                case VALUE_TRUE:
                case VALUE_FALSE: return "a boolean";
                case VALUE_NULL: return "null";
                case VALUE_EMBEDDED_OBJECT: return p.getCurrentTag() >= 0 ? "a tagged byte string" : "a byte string";
                default: return t.name();
            }
        }
    }
}
