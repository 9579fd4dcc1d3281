package io.meshport.wire.mesh;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A mesh payload taken in as it arrives, piece by piece in order, without ever holding it whole: the
 * content of each large little-endian 4-byte typed array (tags 85, 70, 78) goes straight into a
 * {@code float[]} or {@code int[]}, and only the rest, a small "skeleton" where each such array is
 * replaced by {@code tag(STREAMED_TAG) uint(k)}, is kept as bytes. The host then holds the arrays once
 * instead of the payload and its decoding side by side. The exact payload can always be rebuilt
 * ({@link #reconstruct()}), for readers that meet anything the skeleton does not stand for.
 *
 * <p>The tokenizer only follows where the next header starts (skipping string contents), so it needs
 * no nesting state and never fails: bytes it does not understand end the streaming, not the stream.
 * Not thread safe.
 */
public final class MeshPayloadStream {
    /** The tag that stands for a streamed typed array in the skeleton: tag(STREAMED_TAG) followed by uint(k), k the array's index. */
    public static final long STREAMED_TAG = 0x4D50_5354L;
    /** Typed arrays whose content is at least this long are streamed; shorter ones stay in the skeleton. */
    public static final int MIN_STREAMED_BYTES = 1 << 16;

    /** Reading a header; copying string content; filling an array; keeping all as it comes (after an anomaly). */
    private enum Mode { HEADER, CONTENT, STREAM, RAW }

    private static final byte[] PLACEHOLDER = {(byte) 0xda, 0x4d, 0x50, 0x53, 0x54};

    /** One streamed array: where its placeholder sits in the skeleton and the headers it replaced. */
    private record Streamed(int tag, Object array, int length, byte[] headers, int at, int placeholder) { }

    private final long size;
    private final int minStreamed;
    private long received;
    private byte[] skel;
    private int skelLen;
    private boolean anomaly;
    private Mode mode = Mode.HEADER;
    /** Content bytes left of the current string or streamed array. */
    private long remaining;

    private final byte[] hdr = new byte[9];
    private int hdrLen;
    private int hdrNeed;
    /** A typed-array tag header held back until the next header says whether its array streams. */
    private final byte[] pending = new byte[9];
    private int pendingLen;
    private int pendingTag;

    private final List<Streamed> streamed = new ArrayList<>();
    private long arrayBytes;
    private Object current;
    private int filled;
    /** The start of an element split between two pieces. */
    private final byte[] carry = new byte[4];
    private int carryLen;

    /** @param size the payload's length, 1 to {@code Integer.MAX_VALUE - 8} bytes */
    public MeshPayloadStream(long size) {
        this(size, MIN_STREAMED_BYTES);
    }

    /**
     * @param size the payload's length, 1 to {@code Integer.MAX_VALUE - 8} bytes
     * @param minStreamedBytes the shortest typed-array content that is streamed (at least 4)
     */
    public MeshPayloadStream(long size, int minStreamedBytes) {
        if (size <= 0 || size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("payload size " + size + " is not within 1.." + (Integer.MAX_VALUE - 8));
        }
        if (minStreamedBytes < 4) {
            throw new IllegalArgumentException("minStreamedBytes " + minStreamedBytes + " is below 4");
        }
        this.size = size;
        this.minStreamed = minStreamedBytes;
        this.skel = new byte[(int) Math.min(size, 1024)];
    }

    /**
     * Takes the next bytes of the payload. Malformed CBOR is never an error here: it only makes
     * {@link #exact()} false.
     *
     * @throws IllegalStateException when they go past the payload's size (nothing is taken then)
     */
    public void accept(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len > size - received) {
            throw new IllegalStateException("accepting " + len + " bytes after " + received
                    + " would go past the payload's size of " + size + " bytes");
        }
        int p = off;
        int end = off + len;
        while (p < end) {
            int n;
            if (mode == Mode.HEADER) {
                n = header(b, p, end);
            } else if (mode == Mode.RAW) {
                n = end - p;
                append(b, p, n);
            } else {
                n = (int) Math.min(remaining, end - p);
                if (mode == Mode.CONTENT) {
                    append(b, p, n);
                } else {
                    fill(b, p, n);
                }
                remaining -= n;
                mode = remaining == 0 ? Mode.HEADER : mode;
            }
            p += n;
            received += n;
        }
        if (received == size && mode == Mode.HEADER && (hdrLen > 0 || pendingLen > 0)) {
            toRaw(); // a header cut by the end, or a tag without its item
        }
    }

    /** Reads (part of) a header; returns how many bytes it took. */
    private int header(byte[] b, int p, int end) {
        int start = p;
        if (hdrLen == 0) {
            int ai = b[p] & 0x1f;
            int major = (b[p] & 0xff) >>> 5;
            hdr[hdrLen++] = b[p++];
            if (ai >= 28 && (ai <= 30 || major <= 1 || major == 6)) {
                toRaw(); // reserved, or indefinite where there is no such thing
                return 1;
            }
            hdrNeed = ai < 24 || ai == 31 ? 1 : 1 + (1 << (ai - 24));
        }
        int take = Math.min(hdrNeed - hdrLen, end - p);
        System.arraycopy(b, p, hdr, hdrLen, take);
        hdrLen += take;
        p += take;
        if (hdrLen == hdrNeed) {
            decide(size - received - (p - start));
        }
        return p - start;
    }

    /** Acts on a whole header; {@code left} is how many payload bytes follow it. */
    private void decide(long left) {
        int major = (hdr[0] & 0xff) >>> 5;
        boolean definite = (hdr[0] & 0x1f) != 31;
        long arg = (hdr[0] & 0x1f) < 24 ? hdr[0] & 0x1f : 0;
        for (int i = 1; i < hdrLen; i++) {
            arg = (arg << 8) | (hdr[i] & 0xff);
        }
        if (major == 6 && arg == STREAMED_TAG) {
            toRaw(); // the skeleton could not tell this one from ours
            return;
        }
        if (pendingLen > 0 && major == 2 && definite && arg >= minStreamed && arg % 4 == 0 && arg <= left) {
            stream((int) arg);
            return;
        }
        append(pending, 0, pendingLen);
        pendingLen = 0;
        if (major == 6 && (arg == TypedArray.TAG_FLOAT32_LE || arg == TypedArray.TAG_UINT32_LE || arg == TypedArray.TAG_SINT32_LE)) {
            System.arraycopy(hdr, 0, pending, 0, hdrLen);
            pendingLen = hdrLen;
            pendingTag = (int) arg;
            hdrLen = 0;
            return;
        }
        append(hdr, 0, hdrLen);
        hdrLen = 0;
        if ((major == 2 || major == 3) && definite) {
            if (Long.compareUnsigned(arg, left) > 0) {
                toRaw(); // runs past the end: whatever follows is not where this says
            } else if (arg > 0) {
                mode = Mode.CONTENT;
                remaining = arg;
            }
        }
    }

    /** Replaces the held tag and this byte string header by a placeholder, and starts filling an array. */
    private void stream(int length) {
        int k = streamed.size();
        byte[] headers = Arrays.copyOf(pending, pendingLen + hdrLen);
        System.arraycopy(hdr, 0, headers, pendingLen, hdrLen);
        int at = skelLen;
        append(PLACEHOLDER, 0, PLACEHOLDER.length);
        hdrLen = k < 24 ? 0 : k < 0x100 ? 1 : k < 0x10000 ? 2 : 4; // the shortest uint holding k
        hdr[0] = (byte) (k < 24 ? k : 24 + Integer.numberOfTrailingZeros(hdrLen));
        for (int i = 1; i <= hdrLen; i++) {
            hdr[i] = (byte) (k >>> (8 * (hdrLen - i)));
        }
        append(hdr, 0, hdrLen + 1);
        current = pendingTag == TypedArray.TAG_FLOAT32_LE ? new float[length / 4] : new int[length / 4];
        streamed.add(new Streamed(pendingTag, current, length, headers, at, skelLen - at));
        arrayBytes += length;
        filled = 0;
        pendingLen = 0;
        hdrLen = 0;
        mode = Mode.STREAM;
        remaining = length;
    }

    private void toRaw() {
        anomaly = true;
        mode = Mode.RAW;
        append(pending, 0, pendingLen);
        pendingLen = 0;
        append(hdr, 0, hdrLen);
        hdrLen = 0;
    }

    private void append(byte[] b, int p, int n) {
        if (n > skel.length - skelLen) {
            // Doubling, but not past the payload's size: after an early anomaly the skeleton is all of it.
            long want = Math.max(Math.min(2L * skel.length, size), (long) skelLen + n);
            skel = Arrays.copyOf(skel, Math.toIntExact(want));
        }
        System.arraycopy(b, p, skel, skelLen, n);
        skelLen += n;
    }

    /** Converts content into the current array, keeping the start of an element cut by the piece's end. */
    private void fill(byte[] b, int p, int n) {
        for (; carryLen > 0 && n > 0; n--) {
            carry[carryLen++] = b[p++];
            if (carryLen == 4) {
                convert(carry, 0, 1);
                carryLen = 0;
            }
        }
        if (carryLen > 0) {
            return; // the piece ended inside that element
        }
        if (n >= 4) {
            convert(b, p, n >>> 2);
        }
        carryLen = n & 3;
        System.arraycopy(b, p + (n & ~3), carry, 0, carryLen);
    }

    private void convert(byte[] b, int p, int count) {
        ByteBuffer bb = ByteBuffer.wrap(b, p, 4 * count).order(ByteOrder.LITTLE_ENDIAN);
        if (current instanceof float[] f) {
            bb.asFloatBuffer().get(f, filled, count); // a bulk copy: bits, NaN payloads included, are kept
        } else {
            bb.asIntBuffer().get((int[]) current, filled, count);
        }
        filled += count;
    }

    /** @return how many bytes have been taken */
    public long received() {
        return received;
    }

    /** @return the payload's length */
    public long size() {
        return size;
    }

    /** @return true once the whole payload has been taken */
    public boolean isComplete() {
        return received == size;
    }

    /**
     * @return false when the skeleton cannot stand for the payload: it held {@link #STREAMED_TAG}
     *         itself, or bytes the tokenizer does not understand, or it is not complete; readers then
     *         use {@link #reconstruct()}
     */
    public boolean exact() {
        return !anomaly && isComplete();
    }

    /** @return the payload with each streamed array replaced by its placeholder (a new array) */
    public byte[] skeleton() {
        requireComplete();
        return Arrays.copyOf(skel, skelLen);
    }

    /** @return how many arrays were streamed */
    public int streamedCount() {
        return streamed.size();
    }

    /** @return streamed array {@code k}: a {@code float[]} for tag 85, an {@code int[]} (raw bits) for tags 70 and 78 */
    public Object streamedArray(int k) {
        return streamed.get(k).array();
    }

    /** @return the typed-array tag of streamed array {@code k}: 85, 70 or 78 */
    public int streamedTag(int k) {
        return streamed.get(k).tag();
    }

    /** @return the payload exactly as received (a new array), rebuilt from the skeleton and the arrays */
    public byte[] reconstruct() {
        requireComplete();
        byte[] out = new byte[(int) size];
        int o = 0;
        int from = 0;
        for (Streamed s : streamed) {
            System.arraycopy(skel, from, out, o, s.at() - from);
            o += s.at() - from;
            System.arraycopy(s.headers(), 0, out, o, s.headers().length);
            o += s.headers().length;
            ByteBuffer bb = ByteBuffer.wrap(out, o, s.length()).order(ByteOrder.LITTLE_ENDIAN);
            if (s.array() instanceof float[] f) {
                bb.asFloatBuffer().put(f); // a bulk copy of the bits: no float arithmetic to quiet a NaN
            } else {
                bb.asIntBuffer().put((int[]) s.array());
            }
            o += s.length();
            from = s.at() + s.placeholder();
        }
        System.arraycopy(skel, from, out, o, skelLen - from);
        return out;
    }

    /** @return bytes held now: the skeleton so far and the streamed arrays */
    public long heldBytes() {
        return skelLen + arrayBytes;
    }

    private void requireComplete() {
        if (!isComplete()) {
            throw new IllegalStateException("the payload is not complete: " + received + " of " + size + " bytes");
        }
    }
}
