package io.meshport.wire.mesh;

import java.util.List;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.AttributeStorage;
import io.meshport.mesh.InvalidMeshException;
import io.meshport.wire.Cbor;
import io.meshport.wire.CborFormatException;
import io.meshport.wire.Quoted;

/**
 * Reads the {@code attributes} map of a mesh payload: name to {@code {owner, size, type, data}}
 * (docs/protocol.md section 6.3). The storage type fixes how {@code data} is read and may come after it, so
 * each attribute's keys are located first and read after.
 */
final class AttributesReader {
    private final byte[] b;
    private final int end;
    private final StreamedArrays streamed; // null: every array is in b

    private AttributesReader(byte[] b, int end, StreamedArrays streamed) {
        this.b = b;
        this.end = end;
        this.streamed = streamed;
    }

    /**
     * @param vs the offset of the {@code attributes} value
     * @param out receives the attributes, in the map's order
     * @param streamed the arrays of a skeleton's payload, or null
     * @return where the value ends
     */
    static int read(byte[] b, int vs, int end, List<Attribute> out, StreamedArrays streamed) throws CborFormatException {
        if ((b[vs] & 0xff) == 0xf6) {
            return vs + 1;
        }
        if (Cbor.major(b, vs) != Cbor.MAJOR_MAP) {
            throw new InvalidMeshException("attributes must be a map of name to attribute, got " + MeshItems.describe(b, vs, end));
        }
        AttributesReader r = new AttributesReader(b, end, streamed);
        return new MapEntries(b, vs, end).forEach((key, value) -> {
            if (Cbor.major(b, key) != Cbor.MAJOR_TEXT) {
                throw new InvalidMeshException("attributes must be a map with text keys, found " + MeshItems.describe(b, key, end));
            }
            String name = MeshItems.text("an attribute's name", b, key, end);
            String problem = Attribute.nameProblem(name);
            if (problem != null) {
                throw new InvalidMeshException(problem);
            }
            for (Attribute a : out) {
                if (a.name().equals(name)) {
                    throw new InvalidMeshException("attributes." + name + " is given twice");
                }
            }
            if (value >= end || Cbor.major(b, value) != Cbor.MAJOR_MAP) {
                throw new InvalidMeshException("attributes." + name + " must be a map {owner, size, data}, got "
                        + MeshItems.describe(b, value, end));
            }
            out.add(r.attribute(name, value));
        });
    }

    /** Reads one attribute's map at {@code vs}. */
    private Attribute attribute(String name, int vs) throws CborFormatException {
        String prefix = "attributes." + name;
        int[] at = {-1, -1, -1, -1}; // owner, size, type, data
        String[] keys = {"owner", "size", "type", "data"};
        new MapEntries(b, vs, end).forEach((key, value) -> {
            if (Cbor.major(b, key) != Cbor.MAJOR_TEXT) {
                throw new InvalidMeshException(prefix + " must be a map with text keys, found " + MeshItems.describe(b, key, end));
            }
            String k = MeshItems.text(prefix + "'s key", b, key, end);
            int i = java.util.Arrays.asList(keys).indexOf(k);
            if (i < 0) {
                MeshItems.checkText(b, value, end, 0); // unknown keys are ignored
            } else if (at[i] >= 0) {
                throw new InvalidMeshException(prefix + "." + k + " is given twice"); // one of the four keys
            } else {
                at[i] = value;
            }
        });
        AttributeStorage storage = storage(prefix, at[2]);
        AttributeOwner owner = null;
        int size = -1;
        Object data = null;
        // In the map's order, so that the first problem in it is the one reported.
        for (int i : byOffset(at)) {
            if (i == 0) {
                owner = owner(prefix, at[0]);
            } else if (i == 1) {
                size = size(prefix, at[1]);
            } else if (i == 3) {
                data = data(prefix + ".data", at[3], storage);
            }
        }
        if (owner == null) {
            throw new InvalidMeshException(prefix + ".owner is missing");
        }
        if (size < 0) {
            throw new InvalidMeshException(prefix + ".size is missing");
        }
        if (data == null) {
            throw new InvalidMeshException(prefix + ".data is missing");
        }
        if (data instanceof float[]) {
            return Attribute.ofFloats(name, owner, size, (float[]) data);
        }
        if (data instanceof int[]) {
            return Attribute.ofInts(name, owner, size, (int[]) data);
        }
        return Attribute.ofStrings(name, owner, size, (String[]) data);
    }

    /** @return the indices 0 (owner), 1 (size) and 3 (data) of those present, by their offset */
    private static int[] byOffset(int[] at) {
        int[] present = new int[3];
        int n = 0;
        for (int i : new int[] {0, 1, 3}) {
            if (at[i] >= 0) {
                int j = n++;
                while (j > 0 && at[present[j - 1]] > at[i]) {
                    present[j] = present[j - 1];
                    j--;
                }
                present[j] = i;
            }
        }
        return java.util.Arrays.copyOf(present, n);
    }

    /** @return the storage {@code type} names, or null when absent or null */
    private AttributeStorage storage(String prefix, int p) throws CborFormatException {
        if (p < 0 || (b[p] & 0xff) == 0xf6) {
            return null;
        }
        if (Cbor.major(b, p) != Cbor.MAJOR_TEXT) {
            throw new InvalidMeshException(prefix + ".type must be text, got " + MeshItems.describe(b, p, end));
        }
        String type = MeshItems.text(prefix + ".type", b, p, end);
        AttributeStorage s = AttributeStorage.fromWire(type);
        if (s == null) {
            throw new InvalidMeshException(prefix + ".type " + Quoted.quote(type) + " is not one of float, int, string");
        }
        return s;
    }

    private AttributeOwner owner(String prefix, int p) throws CborFormatException {
        if (Cbor.major(b, p) != Cbor.MAJOR_TEXT) {
            throw new InvalidMeshException(prefix + ".owner must be text, got " + MeshItems.describe(b, p, end));
        }
        String text = MeshItems.text(prefix + ".owner", b, p, end);
        AttributeOwner owner = AttributeOwner.fromWire(text);
        if (owner == null) {
            throw new InvalidMeshException(prefix + ".owner " + Quoted.quote(text) + " is not one of point, vertex, face, detail");
        }
        return owner;
    }

    private int size(String prefix, int p) throws CborFormatException {
        int major = Cbor.major(b, p);
        String value;
        if (major == Cbor.MAJOR_UINT || major == Cbor.MAJOR_NEGINT) {
            long u = Cbor.argument(b, p, end);
            if (major == Cbor.MAJOR_UINT && Long.compareUnsigned(u, Attribute.MAX_SIZE) <= 0 && u >= 1) {
                return (int) u;
            }
            value = major == Cbor.MAJOR_UINT ? Long.toUnsignedString(u) : MeshItems.negative(u);
        } else if (Cbor.isFloat(b, p) && p + Cbor.headerLength(b, p, end) <= end) {
            double d = Cbor.floatValue(b, p);
            if (d == Math.rint(d) && d >= 1 && d <= Attribute.MAX_SIZE) {
                return (int) d;
            }
            value = Double.toString(d);
        } else {
            throw new InvalidMeshException(prefix + ".size must be an integer 1.." + Attribute.MAX_SIZE + ", got "
                    + MeshItems.describe(b, p, end));
        }
        throw new InvalidMeshException(prefix + ".size is " + value + ", outside 1.." + Attribute.MAX_SIZE);
    }

    /** @return a float[], int[] or String[] */
    private Object data(String field, int p, AttributeStorage storage) throws CborFormatException {
        int[] ve = new int[1];
        int major = Cbor.major(b, p);
        if (StreamedArrays.isStreamed(streamed, b, p, end)) {
            if (storage == null) {
                return streamed.floatsOrInts(b, p, end, ve); // its tag gives its type
            }
            if (storage == AttributeStorage.STRING) {
                throw new StreamedArrays.NotHere(field + " holds text"); // an error, said by the payload's own read
            }
            return storage == AttributeStorage.FLOAT ? streamed.floats(b, p, end, ve) : streamed.ints(b, p, end, ve, false);
        }
        if (storage == null) {
            // No type: a typed array says it; a plain array by what it holds.
            if (major == Cbor.MAJOR_TAG) {
                TypedArray ta = TypedArrays.type(field, b, p, end);
                NumericSink sink = TypedArrays.read(field, b, p, end, ta.floating(), false, ve);
                return ta.floating() ? sink.floats() : sink.ints();
            }
            if (major != Cbor.MAJOR_ARRAY) {
                throw MeshItems.notA(field, "an array or a typed array", b, p, end);
            }
            switch (PlainArrays.kind(b, p, end)) {
                case STRINGS: return PlainArrays.strings(field, b, p, end, ve);
                case FLOATS: return PlainArrays.floats(field, b, p, end, false, ve);
                default: return PlainArrays.ints(field, b, p, end, ve);
            }
        }
        switch (storage) {
            case FLOAT:
                if (major == Cbor.MAJOR_TAG) {
                    return TypedArrays.read(field, b, p, end, true, false, ve).floats();
                }
                if (major != Cbor.MAJOR_ARRAY) {
                    throw MeshItems.notA(field, "an array of numbers or a typed array", b, p, end);
                }
                return PlainArrays.floats(field, b, p, end, false, ve);
            case INT:
                if (major == Cbor.MAJOR_TAG) {
                    return TypedArrays.read(field, b, p, end, false, false, ve).ints();
                }
                if (major != Cbor.MAJOR_ARRAY) {
                    throw MeshItems.notA(field, "an array of integers or a typed array", b, p, end);
                }
                return PlainArrays.ints(field, b, p, end, ve);
            default:
                if (major != Cbor.MAJOR_ARRAY) {
                    throw MeshItems.notA(field, "an array of text", b, p, end);
                }
                return PlainArrays.strings(field, b, p, end, ve);
        }
    }
}
