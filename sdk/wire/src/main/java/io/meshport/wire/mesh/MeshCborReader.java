package io.meshport.wire.mesh;

import io.meshport.wire.Cbor;
import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborMessage;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

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
 *
 * <p>The usual payload is read by a direct path first: the map is walked structurally, and
 * {@code positions}, {@code indices} and {@code faceCounts} are converted straight from the payload
 * bytes when they are a typed array or a plain array of ordinary numbers (a plain array through
 * Jackson costs a token per number: a 1,000,000-point mesh as plain float32 arrays took about 100 ms
 * that way, against about 30 ms direct). Every other field is read by the same code as always, on a
 * parser over that field's value alone. Whenever the direct path meets something it does not handle,
 * or anything is wrong, the whole payload is read again the old way, so that results and errors are
 * exactly those of the streaming parser.
 *
 * <p>A payload still arriving ({@link #read(byte[], int, int, BaseResolver, IntConsumer)}) is read by
 * the direct path as its bytes come: {@code base}, then typed {@code positions} and {@code indices} are
 * copied and checked block by block as soon as each block is there, so that a large mesh is decoded by
 * the time its last byte arrives. Any other field waits for the whole payload first.
 */
public final class MeshCborReader implements MeshReader {
    private static final VarHandle SHORT_BE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final CBORFactory factory;
    // For one field's value read alone: it sits one level below the mesh map, so one level less is allowed.
    private final CBORFactory fieldFactory;

    /** A reader with a factory whose limits suit meshes (deep nesting refused, long strings allowed). */
    public MeshCborReader() {
        this.factory = factory(Cbor.MAX_DEPTH);
        this.fieldFactory = factory(Cbor.MAX_DEPTH - 1);
    }

    private static CBORFactory factory(int maxDepth) {
        CBORFactory f = new CBORFactory();
        f.setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(maxDepth)
                .maxStringLength(Integer.MAX_VALUE)
                .build());
        return f;
    }

    @Override
    public Mesh read(byte[] data, int offset, int length, BaseResolver base) {
        Mesh direct = readDirect(data, offset, length, base);
        return direct != null ? direct : readStreaming(data, offset, length, base);
    }

    @Override
    public Mesh read(byte[] data, int offset, int length, BaseResolver base, IntConsumer arrived) {
        Arrival arrival = new Arrival(arrived, offset + length);
        Mesh direct = readDirect(data, offset, length, base, arrival);
        arrival.all(); // whatever went wrong is read again from the whole payload
        return direct != null ? direct : readStreaming(data, offset, length, base);
    }

    /** What has arrived of a payload still arriving. */
    private static final class Arrival {
        private final IntConsumer arrived;
        private final int end;
        private boolean all;

        Arrival(IntConsumer arrived, int end) {
            this.arrived = arrived;
            this.end = end;
        }

        /** Waits for the bytes before {@code index} (capped at the payload's end). */
        void upTo(int index) {
            if (!all) {
                arrived.accept(Math.min(index, end));
            }
        }

        /** Waits for the whole payload. */
        void all() {
            if (!all) {
                arrived.accept(end);
                all = true;
            }
        }

        /** @return a {@code ready} for the builder's copies of the 4-byte elements starting at {@code from} */
        IntConsumer elementsFrom(int from) {
            return all ? null : k -> arrived.accept(Math.min(from + 4 * k, end));
        }
    }

    /** The streaming parser's reading of the whole payload: the reference for results and errors. */
    Mesh readStreaming(byte[] data, int offset, int length, BaseResolver base) {
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

    /**
     * The direct path (see the class comment).
     *
     * @return the mesh, or null when the payload must be read by {@link #readStreaming}
     */
    Mesh readDirect(byte[] data, int offset, int length, BaseResolver base) {
        return readDirect(data, offset, length, base, null);
    }

    /**
     * @param arrival what has arrived, for a payload still arriving; null when it all has
     * @return the mesh, or null when the payload must be read by {@link #readStreaming}
     */
    private Mesh readDirect(byte[] data, int offset, int length, BaseResolver base, Arrival arrival) {
        int end = offset + length;
        try {
            if (arrival != null) {
                arrival.upTo(offset + 9);
            }
            if (length == 0 || Cbor.major(data, offset) != Cbor.MAJOR_MAP) {
                return null;
            }
            long declared = Cbor.argument(data, offset, end);
            boolean indefinite = declared == Cbor.INDEFINITE;
            int p = offset + Cbor.headerLength(data, offset, end);
            Fields f = new Fields();
            for (long i = 0; indefinite || i < declared; i++) {
                if (p >= end) {
                    return null;
                }
                if (arrival != null) {
                    awaitKeyAndValueHeader(data, p, end, arrival);
                }
                if (indefinite && (data[p] & 0xff) == 0xff) {
                    p++;
                    break;
                }
                String field = asciiKey(data, p, end);
                if (field == null) {
                    return null;
                }
                int vs = Cbor.skip(data, p, end);
                if (vs >= end || f.seen.contains(field)) {
                    return null;
                }
                f.seen.add(field);
                int[] ve = {-1}; // where the value ends, once read directly
                switch (field) {
                    case "positions":
                        // float32 arrays (what clients send) are copied and checked by the builder in one go
                        f.positionsView = fourByteTypedArray(data, vs, end, ve, 85, 81) ? view(data, vs, ve[0]).asFloatBuffer() : null;
                        if (f.positionsView == null) {
                            all(arrival);
                            f.positions = directFloats(field, data, vs, end, true, ve);
                        } else if (arrival != null && !copyPositionsArriving(f, base, arrival, ve[0])) {
                            return null;
                        }
                        break;
                    case "indices":
                        f.indicesView = fourByteTypedArray(data, vs, end, ve, 70, 66, 78, 74) ? view(data, vs, ve[0]).asIntBuffer() : null;
                        if (f.indicesView == null) {
                            all(arrival);
                            f.indices = directInts(field, data, vs, end, ve);
                        } else if (arrival != null) {
                            if (f.base >= 0) {
                                return null; // not allowed with base: said by the reading of the whole payload
                            }
                            if (f.builder == null) {
                                f.builder = Mesh.builder();
                            }
                            int from = ve[0] - 4 * f.indicesView.remaining();
                            f.builder.copyIndices(f.indicesView, arrival.elementsFrom(from));
                            f.indicesView = null;
                            f.indicesCopied = true;
                        }
                        f.hasIndices = ve[0] >= 0;
                        break;
                    case "faceCounts":
                        all(arrival);
                        f.faceCounts = directInts(field, data, vs, end, ve);
                        f.hasFaceCounts = ve[0] >= 0;
                        break;
                    case "base":
                        if (f.builder != null) {
                            return null; // after the arrays: read from the whole payload
                        }
                        if (Cbor.major(data, vs) != Cbor.MAJOR_UINT) {
                            all(arrival); // a uint is all header, and that has arrived; anything else may not have
                        }
                        break;
                    default:
                        all(arrival);
                        break;
                }
                if (ve[0] < 0) {
                    ve[0] = Cbor.skip(data, vs, end);
                    try (CBORParser fp = (CBORParser) fieldFactory.createParser(data, vs, ve[0] - vs)) {
                        ReadState rs = new ReadState(fp, data, end);
                        rs.readField(field, fp.nextToken(), f);
                        if (fp.nextToken() != null) {
                            return null;
                        }
                    }
                }
                p = ve[0];
            }
            if (p != end) {
                return null;
            }
            return assemble(f, base);
        } catch (IOException | CborFormatException | RuntimeException e) {
            return null; // the streaming parser says what is wrong, as it always has
        }
    }

    /**
     * Waits for the key at {@code p} and the first 18 bytes of its value: a typed array's tag and byte
     * string headers, or a whole uint.
     */
    private static void awaitKeyAndValueHeader(byte[] b, int p, int end, Arrival arrival) throws CborFormatException {
        arrival.upTo(p + 9);
        int keyEnd = p + 9;
        if (Cbor.major(b, p) == Cbor.MAJOR_TEXT && !Cbor.isIndefinite(b, p)) {
            long len = Cbor.argument(b, p, end);
            if (len <= 256) {
                keyEnd = p + Cbor.headerLength(b, p, end) + (int) len;
            }
        }
        arrival.upTo(keyEnd + 18);
    }

    private static void all(Arrival arrival) {
        if (arrival != null) {
            arrival.all();
        }
    }

    /**
     * Copies typed positions of a payload still arriving, as they come, on a builder made now (on the
     * base mesh, when {@code base} came before them).
     *
     * @param ve where the positions' bytes end
     * @return false when the payload must be read whole instead
     */
    private static boolean copyPositionsArriving(Fields f, BaseResolver resolver, Arrival arrival, int ve) {
        int count = f.positionsView.remaining();
        if (f.base >= 0) {
            if (f.hasIndices || f.hasFaceCounts) {
                return false;
            }
            Mesh old = resolver.resolve(f.base);
            if (count != 3 * old.pointCount()) {
                return false;
            }
            f.builder = old.toBuilder();
        } else if (f.builder == null) {
            f.builder = Mesh.builder();
        } else {
            return false; // indices came first: they are checked once the positions are known, as always
        }
        f.builder.copyPositions(f.positionsView, arrival.elementsFrom(ve - 4 * count));
        f.positionsView = null;
        f.positionsCopied = true;
        return true;
    }

    /** @return the key at {@code p} when it is a definite-length text string of ASCII characters, else null */
    private static String asciiKey(byte[] b, int p, int end) throws CborFormatException {
        if (Cbor.major(b, p) != Cbor.MAJOR_TEXT || Cbor.isIndefinite(b, p)) {
            return null;
        }
        long len = Cbor.argument(b, p, end);
        int from = p + Cbor.headerLength(b, p, end);
        if (len > end - from || len > 256) {
            return null;
        }
        for (int i = from; i < from + len; i++) {
            if (b[i] < 0) {
                return null;
            }
        }
        return new String(b, from, (int) len, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /**
     * A typed array, or a plain array of integers (up to 64 bits) and single or double floats, read
     * from {@code vs} and giving floats the way the streaming parser gives them.
     *
     * @param ve receives where the value ends
     * @return the floats, or null (and {@code ve} untouched) for anything else: half floats, tags
     *         inside, other items, a value running past {@code end}
     */
    private static float[] directFloats(String field, byte[] b, int vs, int end, boolean finiteOnly, int[] ve)
            throws CborFormatException {
        int major = Cbor.major(b, vs);
        if (major == Cbor.MAJOR_TAG) {
            NumericSink sink = typed(field, b, vs, end, true, finiteOnly, ve);
            return sink == null ? null : sink.floats();
        }
        if (major != Cbor.MAJOR_ARRAY) {
            return null;
        }
        long declared = Cbor.argument(b, vs, end);
        boolean indefinite = declared == Cbor.INDEFINITE;
        int q = vs + Cbor.headerLength(b, vs, end);
        float[] out = new float[indefinite ? 16 : (int) Math.min(declared, end - q)];
        int n = 0;
        while (true) {
            if (!indefinite && n == declared) {
                break;
            }
            if (q >= end) {
                return null;
            }
            int ib = b[q] & 0xff;
            if (indefinite && ib == 0xff) {
                q++;
                break;
            }
            float v;
            if (ib == 0xfa) {
                if (end - q < 5) {
                    return null;
                }
                v = Float.intBitsToFloat((int) INT_BE.get(b, q + 1));
                q += 5;
            } else if (ib < 0x18) {
                v = ib;
                q += 1;
            } else if (ib == 0x1a) {
                if (end - q < 5) {
                    return null;
                }
                v = (float) ((int) INT_BE.get(b, q + 1) & 0xffffffffL);
                q += 5;
            } else if (ib == 0x19) {
                if (end - q < 3) {
                    return null;
                }
                v = (short) SHORT_BE.get(b, q + 1) & 0xffff;
                q += 3;
            } else if (ib == 0x18) {
                if (end - q < 2) {
                    return null;
                }
                v = b[q + 1] & 0xff;
                q += 2;
            } else if (ib == 0xfb) {
                if (end - q < 9) {
                    return null;
                }
                double d = Double.longBitsToDouble((long) LONG_BE.get(b, q + 1));
                v = (float) d;
                if (finiteOnly && Float.isInfinite(v) && Double.isFinite(d)) {
                    return null;
                }
                q += 9;
            } else if (ib == 0x1b || ib == 0x3b) {
                if (end - q < 9) {
                    return null;
                }
                long arg = (long) LONG_BE.get(b, q + 1);
                if (arg < 0) {
                    return null; // beyond 64-bit signed: a big integer
                }
                v = ib == 0x1b ? (float) arg : (float) (-1 - arg);
                q += 9;
            } else if (ib >= 0x20 && ib <= 0x3a) {
                long arg;
                if (ib < 0x38) {
                    arg = ib - 0x20;
                    q += 1;
                } else if (ib == 0x38) {
                    if (end - q < 2) {
                        return null;
                    }
                    arg = b[q + 1] & 0xff;
                    q += 2;
                } else if (ib == 0x39) {
                    if (end - q < 3) {
                        return null;
                    }
                    arg = (short) SHORT_BE.get(b, q + 1) & 0xffff;
                    q += 3;
                } else {
                    if (end - q < 5) {
                        return null;
                    }
                    arg = (int) INT_BE.get(b, q + 1) & 0xffffffffL;
                    q += 5;
                }
                v = (float) (-1 - arg);
            } else {
                return null;
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, grow(n));
            }
            out[n++] = v;
        }
        ve[0] = q;
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /**
     * A typed array, or a plain array of integers that fit in int32 in at most 32-bit encodings.
     *
     * @param ve receives where the value ends
     * @return the ints, or null (and {@code ve} untouched) for anything else: floats, 64-bit
     *         encodings, values beyond int32, a value running past {@code end}
     */
    private static int[] directInts(String field, byte[] b, int vs, int end, int[] ve) throws CborFormatException {
        int major = Cbor.major(b, vs);
        if (major == Cbor.MAJOR_TAG) {
            NumericSink sink = typed(field, b, vs, end, false, false, ve);
            return sink == null ? null : sink.ints();
        }
        if (major != Cbor.MAJOR_ARRAY) {
            return null;
        }
        long declared = Cbor.argument(b, vs, end);
        boolean indefinite = declared == Cbor.INDEFINITE;
        int q = vs + Cbor.headerLength(b, vs, end);
        int[] out = new int[indefinite ? 16 : (int) Math.min(declared, end - q)];
        int n = 0;
        while (true) {
            if (!indefinite && n == declared) {
                break;
            }
            if (q >= end) {
                return null;
            }
            int ib = b[q] & 0xff;
            if (indefinite && ib == 0xff) {
                q++;
                break;
            }
            long arg;
            if (ib < 0x18 || (ib >= 0x20 && ib < 0x38)) {
                arg = ib & 0x1f;
                q += 1;
            } else {
                if (ib >>> 5 > Cbor.MAJOR_NEGINT) {
                    return null;
                }
                switch (ib & 0x1f) {
                    case 24:
                        if (end - q < 2) {
                            return null;
                        }
                        arg = b[q + 1] & 0xff;
                        q += 2;
                        break;
                    case 25:
                        if (end - q < 3) {
                            return null;
                        }
                        arg = (short) SHORT_BE.get(b, q + 1) & 0xffff;
                        q += 3;
                        break;
                    case 26:
                        if (end - q < 5) {
                            return null;
                        }
                        arg = (int) INT_BE.get(b, q + 1) & 0xffffffffL;
                        q += 5;
                        break;
                    default:
                        return null;
                }
            }
            if (arg > Integer.MAX_VALUE) {
                return null;
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, grow(n));
            }
            out[n++] = ib < 0x20 ? (int) arg : (int) (-1 - arg);
        }
        ve[0] = q;
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /**
     * One typed-array tag over a definite byte string, converted as the streaming parser would.
     *
     * @param ve receives where the value ends
     * @return the filled sink, or null when the value is not that
     */
    private static NumericSink typed(String field, byte[] b, int vs, int end, boolean toFloat, boolean finiteOnly, int[] ve)
            throws CborFormatException {
        TypedArray ta = TypedArray.ofTag(Cbor.argument(b, vs, end));
        int q = vs + Cbor.headerLength(b, vs, end);
        if (ta == null || q >= end || Cbor.major(b, q) != Cbor.MAJOR_BYTES || Cbor.isIndefinite(b, q)) {
            return null;
        }
        long len = Cbor.argument(b, q, end);
        int from = q + Cbor.headerLength(b, q, end);
        if (len > end - from) {
            return null;
        }
        NumericSink sink = new NumericSink(field, ta, toFloat, finiteOnly);
        sink.write(b, from, (int) len);
        ve[0] = from + (int) len;
        return sink;
    }

    /**
     * @param tags the typed-array tags accepted (4-byte elements)
     * @param ve receives where the value ends
     * @return true when the value is one of those tags over a definite byte string of whole elements
     */
    private static boolean fourByteTypedArray(byte[] b, int vs, int end, int[] ve, int... tags) throws CborFormatException {
        long tag = Cbor.argument(b, vs, end);
        boolean known = false;
        for (int t : tags) {
            known |= tag == t;
        }
        if (Cbor.major(b, vs) != Cbor.MAJOR_TAG || !known) {
            return false;
        }
        int q = vs + Cbor.headerLength(b, vs, end);
        if (q >= end || Cbor.major(b, q) != Cbor.MAJOR_BYTES || Cbor.isIndefinite(b, q)) {
            return false;
        }
        long len = Cbor.argument(b, q, end);
        int from = q + Cbor.headerLength(b, q, end);
        if (len > end - from || len % 4 != 0) {
            return false;
        }
        ve[0] = from + (int) len;
        return true;
    }

    /** @return the content of the typed array at {@code vs} (checked by {@link #fourByteTypedArray}), in its byte order */
    private static ByteBuffer view(byte[] b, int vs, int ve) throws CborFormatException {
        TypedArray ta = TypedArray.ofTag(Cbor.argument(b, vs, ve));
        int q = vs + Cbor.headerLength(b, vs, ve);
        int from = q + Cbor.headerLength(b, q, ve);
        return ByteBuffer.wrap(b, from, ve - from).slice().order(ta.order());
    }

    private static int grow(int n) {
        return Math.max(16, n + (n >> 1));
    }

    /** What the fields of a mesh map said. */
    private static final class Fields {
        float[] positions;
        FloatBuffer positionsView; // instead of positions: float32 elements still in the payload
        int[] indices;
        IntBuffer indicesView; // instead of indices: int32 elements still in the payload
        int[] faceCounts;
        boolean hasIndices;
        boolean hasFaceCounts;
        String name;
        byte[] meta;
        long base = -1;
        // A payload still arriving: the builder its arrays were copied into as they came.
        Mesh.Builder builder;
        boolean positionsCopied;
        boolean indicesCopied;
        final List<Attribute> attributes = new ArrayList<>();
        final List<String> seen = new ArrayList<>(8);
    }

    /** Builds the mesh the fields describe (on the base mesh for an update with {@code base}). */
    private static Mesh assemble(Fields f, BaseResolver resolver) {
        Mesh.Builder builder;
        if (f.base >= 0) {
            if (f.hasIndices || f.hasFaceCounts) {
                throw new InvalidMeshException((f.hasIndices ? "indices" : "faceCounts")
                        + " must be absent in an update with base (the base mesh's are reused)");
            }
            if (f.positionsCopied) {
                builder = f.builder; // made on the base mesh when the positions came
            } else {
                Mesh old = resolver.resolve(f.base);
                int count = f.positionsView != null ? f.positionsView.remaining() : f.positions != null ? f.positions.length : -1;
                if (count >= 0 && count != 3 * old.pointCount()) {
                    throw new InvalidMeshException("positions has " + count / 3.0 + " points, but the base mesh (version "
                            + f.base + ") has " + old.pointCount() + "; an update with base keeps the point count");
                }
                builder = old.toBuilder();
            }
            if (f.positionsCopied) {
                // copied as they arrived
            } else if (f.positionsView != null) {
                builder.copyPositions(f.positionsView);
            } else if (f.positions != null) {
                builder.positions(f.positions);
            }
            if (f.seen.contains("name")) {
                builder.name(f.name);
            }
            if (f.seen.contains("meta")) {
                builder.meta(f.meta);
            }
        } else {
            builder = f.builder != null ? f.builder : Mesh.builder();
            if (f.positionsCopied) {
                // copied as they arrived
            } else if (f.positionsView != null) {
                builder.copyPositions(f.positionsView); // first, so that the indices are checked as they are copied
            } else {
                builder.positions(f.positions);
            }
            if (f.indicesCopied) {
                // copied as they arrived
            } else if (f.indicesView != null) {
                builder.copyIndices(f.indicesView);
            } else {
                builder.indices(f.indices);
            }
            builder.faceCounts(f.faceCounts).name(f.name).meta(f.meta);
        }
        for (Attribute a : f.attributes) {
            builder.attribute(a);
        }
        return builder.build();
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
            Fields f = new Fields();
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                t = p.nextToken();
                if (f.seen.contains(field)) {
                    throw new InvalidMeshException(field + " is given twice");
                }
                f.seen.add(field);
                readField(field, t, f);
            }
            if (t != JsonToken.END_OBJECT) {
                throw new InvalidMeshException("a mesh body must be a map with text keys, found " + describe(t));
            }
            if (p.nextToken() != null) {
                throw new MeshportException(ErrorCode.DECODE_FAILED, "the mesh payload has bytes after the mesh map");
            }
            return assemble(f, resolver);
        }

        /** Reads one field of the mesh map, its value's first token being {@code t}. */
        void readField(String field, JsonToken t, Fields f) throws IOException {
            switch (field) {
                case "positions":
                    if (t == JsonToken.VALUE_NULL) {
                        throw new InvalidMeshException("positions is null");
                    }
                    f.positions = readFloats("positions", true);
                    break;
                case "indices":
                    if (t != JsonToken.VALUE_NULL) {
                        f.indices = readInts("indices");
                        f.hasIndices = true;
                    }
                    break;
                case "faceCounts":
                    if (t != JsonToken.VALUE_NULL) {
                        f.faceCounts = readInts("faceCounts");
                        f.hasFaceCounts = true;
                    }
                    break;
                case "attributes":
                    if (t == JsonToken.START_OBJECT) {
                        readAttributes(f.attributes);
                    } else if (t != JsonToken.VALUE_NULL) {
                        throw new InvalidMeshException("attributes must be a map of name to attribute, got " + describe(t));
                    }
                    break;
                case "name":
                    if (t == JsonToken.VALUE_STRING) {
                        f.name = p.getText();
                    } else if (t != JsonToken.VALUE_NULL) {
                        throw new InvalidMeshException("name must be text, got " + describe(t));
                    }
                    break;
                case "meta":
                    if (t == JsonToken.START_OBJECT) {
                        int from = absolute(p.currentTokenLocation().getByteOffset());
                        p.skipChildren();
                        int to = absolute(p.currentLocation().getByteOffset());
                        f.meta = Arrays.copyOfRange(data, from, to);
                    } else if (t != JsonToken.VALUE_NULL) {
                        throw new InvalidMeshException("meta must be a map, got " + describe(t));
                    }
                    break;
                case "base":
                    if (t != JsonToken.VALUE_NULL) {
                        f.base = readUnsigned("base");
                    }
                    break;
                default:
                    p.skipChildren(); // unknown keys are ignored
            }
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
