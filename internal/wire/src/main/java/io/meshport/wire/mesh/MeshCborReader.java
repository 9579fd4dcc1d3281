package io.meshport.wire.mesh;

import java.util.Arrays;
import java.util.function.IntConsumer;

import io.meshport.mesh.InvalidMeshException;
import io.meshport.mesh.Mesh;
import io.meshport.mesh.MeshReader;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.wire.Cbor;
import io.meshport.wire.CborFormatException;
import io.meshport.wire.Quoted;

/**
 * Reads a {@code mesh} payload (docs/protocol.md section 6) straight from the payload bytes: typed arrays
 * are converted in bulk ({@link TypedArrays}), plain arrays number by number ({@link PlainArrays}),
 * the rest item by item. It is the only decoder of meshes; anything it does not expect is an error
 * naming the field and element, never a guess. A payload that is not well-formed CBOR is
 * {@code DECODE_FAILED} whatever else is wrong with it; a well-formed one that breaks a rule of the
 * mesh model is {@code INVALID_MESH}. Thread safe: each call keeps its own state.
 *
 * <p>A payload still arriving ({@link #read(byte[], int, int, BaseResolver, IntConsumer)}) is read
 * as its bytes come: {@code base}, then typed float32 {@code positions} and 32-bit {@code indices}
 * are copied and checked block by block as soon as each block is there, so that a large mesh is
 * decoded by the time its last byte arrives. Any other field waits for the whole payload first.
 */
public final class MeshCborReader implements MeshReader {
    /** RFC 8949's self-described CBOR tag, which a payload may start with. */
    private static final long SELF_DESCRIBED = 55799;

    @Override
    public Mesh read(byte[] data, int offset, int length, BaseResolver base) {
        return decode(data, offset, length, base, null);
    }

    @Override
    public Mesh read(byte[] data, int offset, int length, BaseResolver base, IntConsumer arrived) {
        return decode(data, offset, length, base, new Arrival(arrived, offset + length));
    }

    /**
     * Reads a mesh payload that arrived through a {@link MeshPayloadStream}: from its skeleton and the
     * arrays it converted as they came, without the payload's bytes. Whatever the skeleton cannot
     * answer as the payload's bytes would (an error of any kind, a streamed array where it is not read
     * as it is) is answered by reading the payload again from its bytes ({@link MeshPayloadStream#reconstruct()}),
     * so the result, or the error, is the same as for the payload put whole.
     *
     * @param stream a complete stream
     * @param base resolves {@code base}
     * @return the mesh
     */
    public Mesh read(MeshPayloadStream stream, BaseResolver base) {
        Mesh mesh = fromSkeleton(stream, base);
        if (mesh != null) {
            return mesh;
        }
        byte[] payload = stream.reconstruct();
        return read(payload, 0, payload.length, base);
    }

    /** @return the mesh read from a stream's skeleton and arrays, or null when only the payload's own bytes can answer */
    static Mesh fromSkeleton(MeshPayloadStream stream, BaseResolver base) {
        if (!stream.exact()) {
            return null;
        }
        byte[] skeleton = stream.skeleton();
        StreamedArrays streamed = new StreamedArrays(stream);
        try {
            Mesh mesh = readMap(skeleton, 0, skeleton.length, base, null, streamed);
            return streamed.allTaken() ? mesh : null;
        } catch (CborFormatException | RuntimeException e) {
            return null; // an error, said exactly by the payload's own read
        }
    }

    private static Mesh decode(byte[] data, int offset, int length, BaseResolver base, Arrival arrival) {
        int end = offset + length;
        try {
            return readMap(data, offset, end, base, arrival, null);
        } catch (Arrival.Failed e) {
            throw e.getCause(); // the payload never arrived whole: nothing more can be read of it
        } catch (CborFormatException | MeshportException e) {
            // Whatever was met first, a payload that is not well-formed CBOR (or holds text that is not
            // UTF-8) is refused as such, with the first flaw in the payload's order; so the same payload
            // gets the same answer however its bytes arrived.
            try {
                Arrival.all(arrival);
            } catch (Arrival.Failed f) {
                throw f.getCause();
            }
            checkWellFormed(data, offset, end);
            if (e instanceof CborFormatException) {
                throw malformed((CborFormatException) e, offset);
            }
            throw (MeshportException) e;
        }
    }

    private static void checkWellFormed(byte[] data, int offset, int end) {
        try {
            int stop = Cbor.skip(data, offset, end);
            if (stop != end) {
                throw trailing(end - stop);
            }
            MeshItems.checkText(data, offset, end, offset);
        } catch (CborFormatException e) {
            throw malformed(e, offset);
        }
    }

    private static MeshportException malformed(CborFormatException e, int offset) {
        String message = e.getMessage();
        int at = message.lastIndexOf(" at offset ");
        if (at >= 0) {
            message = message.substring(0, at);
        }
        return new MeshportException(ErrorCode.DECODE_FAILED, "the mesh payload is not well-formed CBOR: " + message
                + " (at byte " + (e.offset() - offset) + ")");
    }

    private static MeshportException trailing(int bytes) {
        return new MeshportException(ErrorCode.DECODE_FAILED, "the mesh payload has " + bytes + " bytes after the mesh map");
    }

    private static Mesh readMap(byte[] b, int offset, int end, BaseResolver resolver, Arrival arrival, StreamedArrays streamed)
            throws CborFormatException {
        if (offset >= end) {
            throw new MeshportException(ErrorCode.DECODE_FAILED, "the mesh payload is empty");
        }
        int p = offset;
        if (arrival != null) {
            arrival.upTo(p + 9);
        }
        if (Cbor.major(b, p) == Cbor.MAJOR_TAG && Cbor.argument(b, p, end) == SELF_DESCRIBED) {
            p += Cbor.headerLength(b, p, end);
            if (arrival != null) {
                arrival.upTo(p + 9);
            }
            if (p >= end) {
                throw new CborFormatException(p, "a tag without its item");
            }
        }
        if (Cbor.major(b, p) != Cbor.MAJOR_MAP) {
            throw new InvalidMeshException("a mesh body must be a map, got " + MeshItems.describe(b, p, end));
        }
        long declared = Cbor.argument(b, p, end);
        boolean indefinite = declared == Cbor.INDEFINITE;
        int start = p;
        p += Cbor.headerLength(b, p, end);
        if (!indefinite && Long.compareUnsigned(declared, (end - p) / 2) > 0) {
            throw new CborFormatException(start, "map count " + Long.toUnsignedString(declared) + " does not fit in the remaining " + (end - p) + " bytes");
        }
        MeshFields f = new MeshFields();
        int[] ve = new int[1];
        for (long i = 0; indefinite || i < declared; i++) {
            if (arrival != null) {
                awaitKeyAndValueHeader(b, p, end, arrival);
            }
            if (p >= end) {
                throw new CborFormatException(p, indefinite ? "unterminated indefinite-length map" : "expected a key of the mesh map, found the end of the data");
            }
            if (indefinite && (b[p] & 0xff) == 0xff) {
                p++;
                break;
            }
            if (Cbor.major(b, p) != Cbor.MAJOR_TEXT) {
                throw new InvalidMeshException("a mesh body must be a map with text keys, found " + MeshItems.describe(b, p, end));
            }
            String field = MeshItems.text("a key of the mesh map", b, p, end);
            int vs = Cbor.skip(b, p, end);
            if (vs >= end) {
                throw new CborFormatException(vs, "map ends after the key " + Quoted.quote(field) + ", without its value");
            }
            if (f.seen.contains(field)) {
                throw new InvalidMeshException(Quoted.quote(field) + " is given twice");
            }
            f.seen.add(field);
            p = readField(field, b, vs, end, f, resolver, arrival, streamed, ve);
        }
        if (p != end) {
            throw trailing(end - p);
        }
        return f.assemble(resolver);
    }

    /**
     * Reads one field's value at {@code vs} into {@code f}.
     *
     * @return where the value ends
     */
    private static int readField(String field, byte[] b, int vs, int end, MeshFields f, BaseResolver resolver, Arrival arrival,
            StreamedArrays streamed, int[] ve) throws CborFormatException {
        int major = Cbor.major(b, vs);
        boolean isNull = (b[vs] & 0xff) == 0xf6;
        switch (field) {
            case "positions":
                if (StreamedArrays.isStreamed(streamed, b, vs, end)) {
                    f.positions = streamed.floats(b, vs, end, ve);
                    return ve[0];
                }
                if (TypedArrays.isFourByte(b, vs, end, ve, TypedArray.FLOAT32_LE.tag(), TypedArray.FLOAT32_BE.tag())) {
                    // float32 arrays (what clients send) are copied and checked by the builder in one go
                    f.positionsView = TypedArrays.view(b, vs, ve[0]).asFloatBuffer();
                    if (arrival != null) {
                        copyPositionsArriving(f, resolver, arrival, ve[0]);
                    }
                    return ve[0];
                }
                Arrival.all(arrival);
                if (isNull) {
                    throw new InvalidMeshException("positions is null");
                }
                f.positions = floats(field, b, vs, end, ve);
                return ve[0];
            case "indices":
                if (StreamedArrays.isStreamed(streamed, b, vs, end)) {
                    f.indices = streamed.ints(b, vs, end, ve, true); // a uint32 above 2^31 - 1 is out of range, said by build
                    f.hasIndices = true;
                    return ve[0];
                }
                if (TypedArrays.isFourByte(b, vs, end, ve, TypedArray.UINT32_LE.tag(), TypedArray.UINT32_BE.tag(),
                        TypedArray.SINT32_LE.tag(), TypedArray.SINT32_BE.tag())) {
                    // Copied and checked by the builder in one go; a uint32 above 2^31 - 1 reads as negative there and
                    // is out of range, and assemble names it as the value it was.
                    f.indicesView = TypedArrays.view(b, vs, ve[0]).asIntBuffer();
                    f.indicesUnsigned = !TypedArray.ofTag(Cbor.argument(b, vs, end)).signed() ? f.indicesView.duplicate() : null;
                    f.hasIndices = true;
                    if (arrival != null) {
                        copyIndicesArriving(f, arrival, ve[0]);
                    }
                    return ve[0];
                }
                Arrival.all(arrival);
                if (!isNull) {
                    f.indices = ints(field, b, vs, end, ve);
                    f.hasIndices = true;
                    return ve[0];
                }
                return vs + 1;
            case "faceCounts":
                Arrival.all(arrival);
                if (!isNull) {
                    f.faceCounts = ints(field, b, vs, end, ve);
                    f.hasFaceCounts = true;
                    return ve[0];
                }
                return vs + 1;
            case "base":
                if (major != Cbor.MAJOR_UINT) {
                    Arrival.all(arrival); // a uint is all header, and that has arrived; anything else may not have
                }
                if (!isNull) {
                    f.base = version(field, b, vs, end);
                }
                return Cbor.skip(b, vs, end);
            default:
                Arrival.all(arrival);
                return readOther(field, b, vs, end, f, streamed);
        }
    }

    /** Reads {@code attributes}, {@code name}, {@code meta}, or skips an unknown field. */
    private static int readOther(String field, byte[] b, int vs, int end, MeshFields f, StreamedArrays streamed) throws CborFormatException {
        boolean isNull = (b[vs] & 0xff) == 0xf6;
        switch (field) {
            case "attributes":
                return AttributesReader.read(b, vs, end, f.attributes, streamed);
            case "name":
                if (Cbor.major(b, vs) == Cbor.MAJOR_TEXT) {
                    f.name = MeshItems.text("name", b, vs, end);
                } else if (!isNull) {
                    throw new InvalidMeshException("name must be text, got " + MeshItems.describe(b, vs, end));
                }
                return Cbor.skip(b, vs, end);
            case "meta": {
                int ve = MeshItems.checkText(b, vs, end, 0);
                if (Cbor.major(b, vs) == Cbor.MAJOR_MAP) {
                    f.meta = Arrays.copyOfRange(b, vs, ve);
                } else if (!isNull) {
                    throw new InvalidMeshException("meta must be a map, got " + MeshItems.describe(b, vs, end));
                }
                return ve;
            }
            default:
                return MeshItems.checkText(b, vs, end, 0); // unknown keys are ignored
        }
    }

    private static float[] floats(String field, byte[] b, int vs, int end, int[] ve) throws CborFormatException {
        int major = Cbor.major(b, vs);
        if (major == Cbor.MAJOR_TAG) {
            return TypedArrays.read(field, b, vs, end, true, true, ve).floats();
        }
        if (major == Cbor.MAJOR_ARRAY) {
            return PlainArrays.floats(field, b, vs, end, true, ve);
        }
        throw MeshItems.notA(field, "an array of numbers or a typed array", b, vs, end);
    }

    private static int[] ints(String field, byte[] b, int vs, int end, int[] ve) throws CborFormatException {
        int major = Cbor.major(b, vs);
        if (major == Cbor.MAJOR_TAG) {
            return TypedArrays.read(field, b, vs, end, false, false, ve).ints();
        }
        if (major == Cbor.MAJOR_ARRAY) {
            return PlainArrays.ints(field, b, vs, end, ve);
        }
        throw MeshItems.notA(field, "an array of integers or a typed array", b, vs, end);
    }

    /** @return a version number: an unsigned integer below 2^63, or an integral float */
    private static long version(String field, byte[] b, int vs, int end) throws CborFormatException {
        int major = Cbor.major(b, vs);
        if (major == Cbor.MAJOR_UINT) {
            long v = Cbor.argument(b, vs, end);
            if (v < 0) {
                throw new InvalidMeshException(field + " = " + Long.toUnsignedString(v) + " is not a version number");
            }
            return v;
        }
        if (major == Cbor.MAJOR_NEGINT) {
            throw new InvalidMeshException(field + " = " + MeshItems.negative(Cbor.argument(b, vs, end)) + " is not a version number");
        }
        if (Cbor.isFloat(b, vs) && vs + Cbor.headerLength(b, vs, end) <= end) {
            double d = Cbor.floatValue(b, vs);
            if (d >= 0 && d < 0x1p63 && d == Math.rint(d)) {
                return (long) d;
            }
            throw new InvalidMeshException(field + " = " + d + " is not a version number");
        }
        throw new InvalidMeshException(field + " must be an unsigned integer, got " + MeshItems.describe(b, vs, end));
    }

    /**
     * Waits for the key at {@code p} and the first 18 bytes of its value: a typed array's tag and byte
     * string headers, or a whole uint.
     */
    private static void awaitKeyAndValueHeader(byte[] b, int p, int end, Arrival arrival) throws CborFormatException {
        arrival.upTo(p + 9);
        if (p < end && Cbor.major(b, p) == Cbor.MAJOR_TEXT && !Cbor.isIndefinite(b, p)) {
            long len = Cbor.argument(b, p, end);
            long keyEnd = (long) p + Cbor.headerLength(b, p, end) + (Long.compareUnsigned(len, end) > 0 ? end : len);
            arrival.upTo((int) Math.min(keyEnd + 18, end));
        } else {
            arrival.all();
        }
    }

    /**
     * Copies typed positions of a payload still arriving, as they come, on a builder made now (on the
     * base mesh, when {@code base} came before them). Cases that cannot be copied now wait for the
     * whole payload and are copied by {@link MeshFields#assemble}.
     *
     * @param ve where the positions' bytes end
     */
    private static void copyPositionsArriving(MeshFields f, BaseResolver resolver, Arrival arrival, int ve) {
        int count = f.positionsView.remaining();
        if (f.base >= 0) {
            Mesh old = resolver.resolve(f.base);
            if (f.hasIndices || f.hasFaceCounts || count != 3 * old.pointCount()) {
                arrival.all(); // an error, said by assemble
                return;
            }
            f.builder = old.toBuilder();
            f.builderOnBase = true;
        } else if (f.builder == null) {
            f.builder = Mesh.builder();
        }
        f.builder.copyPositions(f.positionsView, arrival.elementsFrom(ve - 4 * count));
        f.positionsView = null;
        f.positionsCopied = true;
    }

    /** Copies typed indices of a payload still arriving, as they come (see {@link #copyPositionsArriving}). */
    private static void copyIndicesArriving(MeshFields f, Arrival arrival, int ve) {
        if (f.base >= 0) {
            arrival.all(); // not allowed with base: said by assemble
            return;
        }
        if (f.builder == null) {
            f.builder = Mesh.builder();
        }
        int count = f.indicesView.remaining();
        f.builder.copyIndices(f.indicesView, arrival.elementsFrom(ve - 4 * count));
        f.indicesView = null;
        f.indicesCopied = true;
    }
}
