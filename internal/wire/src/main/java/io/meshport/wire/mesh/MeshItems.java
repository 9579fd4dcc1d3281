package io.meshport.wire.mesh;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.wire.Cbor;
import io.meshport.wire.CborFormatException;

/**
 * The small items of a mesh payload: text, read as strict UTF-8 (a mesh's text is never repaired
 * silently), negative integers beyond 64 bits in decimal, and short names of CBOR items for messages.
 */
final class MeshItems {
    private MeshItems() {
    }

    /**
     * @param what the field, for messages
     * @param b the buffer
     * @param p the offset of a text item (definite, or chunked)
     * @param end the end of the payload
     * @return the text
     * @throws CborFormatException when the item runs past {@code end} or its chunks are malformed
     * @throws MeshportException {@code DECODE_FAILED} when the text is not valid UTF-8
     */
    static String text(String what, byte[] b, int p, int end) throws CborFormatException {
        if (!Cbor.isIndefinite(b, p)) {
            long n = Cbor.argument(b, p, end);
            int from = p + Cbor.headerLength(b, p, end);
            if (Long.compareUnsigned(n, end - from) > 0) {
                throw new CborFormatException(from, "text of " + Long.toUnsignedString(n) + " bytes does not fit in the remaining " + (end - from));
            }
            return utf8(what, b, from, (int) n);
        }
        Cbor.skip(b, p, end); // checks the chunks before they are joined
        byte[] joined = Cbor.stringBytes(b, p, end);
        return utf8(what, joined, 0, joined.length);
    }

    private static String utf8(String what, byte[] b, int from, int length) {
        boolean ascii = true;
        for (int i = from; i < from + length && ascii; i++) {
            ascii = b[i] >= 0;
        }
        if (ascii) {
            return new String(b, from, length, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, from, length)).toString();
        } catch (CharacterCodingException e) {
            throw new MeshportException(ErrorCode.DECODE_FAILED, what + " is not valid UTF-8 text");
        }
    }

    /**
     * Checks that every text string inside the well-formed item at {@code p} is valid UTF-8, for parts of
     * a payload that are stored or skipped rather than read (a payload's text is valid everywhere).
     *
     * @param origin where the payload starts, for the message
     * @return where the item ends
     * @throws MeshportException {@code DECODE_FAILED} naming the byte where the first invalid text starts
     */
    static int checkText(byte[] b, int p, int end, int origin) throws CborFormatException {
        int major = Cbor.major(b, p);
        switch (major) {
            case Cbor.MAJOR_TEXT:
                text("the text at byte " + (p - origin), b, p, end);
                return Cbor.skip(b, p, end);
            case Cbor.MAJOR_ARRAY:
            case Cbor.MAJOR_MAP: {
                if (!containsText(b, p, end)) {
                    return Cbor.skip(b, p, end);
                }
                long n = Cbor.argument(b, p, end);
                int q = p + Cbor.headerLength(b, p, end);
                long items = n == Cbor.INDEFINITE ? Long.MAX_VALUE : major == Cbor.MAJOR_MAP ? 2 * n : n;
                for (long i = 0; i < items && (b[q] & 0xff) != 0xff; i++) {
                    q = checkText(b, q, end, origin);
                }
                return n == Cbor.INDEFINITE ? q + 1 : q;
            }
            case Cbor.MAJOR_TAG: {
                int q = p + Cbor.headerLength(b, p, end);
                if (q >= end) {
                    throw new CborFormatException(q, "a tag without its item");
                }
                return checkText(b, q, end, origin);
            }
            default:
                return Cbor.skip(b, p, end);
        }
    }

    /** @return whether the well-formed item at {@code p} has a text string in it (checked cheaply first) */
    private static boolean containsText(byte[] b, int p, int end) throws CborFormatException {
        int stop = Cbor.skip(b, p, end);
        for (int i = p; i < stop; i++) {
            if ((b[i] & 0xe0) == 0x60) {
                return true; // perhaps: a byte that could open a text item
            }
        }
        return false;
    }

    /**
     * @param u the argument of a negative integer header (the value is {@code -1 - u}), unsigned
     * @return the value in decimal
     */
    static String negative(long u) {
        return u >= 0 ? Long.toString(-1 - u)
                : new java.math.BigInteger(Long.toUnsignedString(u)).add(java.math.BigInteger.ONE).negate().toString();
    }

    /**
     * @param expected what the field must be, e.g. "an array of numbers or a typed array"
     * @return the error for a field whose value at {@code p} is not that
     */
    static io.meshport.mesh.InvalidMeshException notA(String field, String expected, byte[] b, int p, int end) {
        if (p < end && Cbor.major(b, p) == Cbor.MAJOR_BYTES) {
            return new io.meshport.mesh.InvalidMeshException(field + " is a byte string without a typed-array tag (RFC 8746 tags 64-86)");
        }
        return new io.meshport.mesh.InvalidMeshException(field + " must be " + expected + ", got " + describe(b, p, end));
    }

    /**
     * A short name of the item at {@code p}, for messages: "text", "a number", "an array", ...
     *
     * @param end the end of the payload; {@code p >= end} is "the end of the payload"
     */
    static String describe(byte[] b, int p, int end) {
        if (p >= end) {
            return "the end of the payload";
        }
        int ib = b[p] & 0xff;
        switch (ib >>> 5) {
            case Cbor.MAJOR_UINT:
            case Cbor.MAJOR_NEGINT:
                return "a number";
            case Cbor.MAJOR_BYTES:
                return "a byte string";
            case Cbor.MAJOR_TEXT:
                return "text";
            case Cbor.MAJOR_ARRAY:
                return "an array";
            case Cbor.MAJOR_MAP:
                return "a map";
            case Cbor.MAJOR_TAG:
                try {
                    return "a tagged item (tag " + Long.toUnsignedString(Cbor.argument(b, p, end)) + ")";
                } catch (CborFormatException e) {
                    return "a tagged item";
                }
            default:
                switch (ib) {
                    case 0xf4:
                    case 0xf5:
                        return "a boolean";
                    case 0xf6:
                        return "null";
                    case 0xf7:
                        return "undefined";
                    case 0xf9:
                    case 0xfa:
                    case 0xfb:
                        return "a number";
                    case 0xff:
                        return "a break";
                    default:
                        return "a simple value";
                }
        }
    }
}
