package io.meshport.wire;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes CBOR items into plain Java values: unsigned and negative integers as {@link Long} (or
 * {@link BigInteger} beyond its range), floats as {@link Double}, text as {@link String}, byte
 * strings as {@code byte[]}, arrays as {@link List}, maps as {@link LinkedHashMap}, booleans, null
 * (also for undefined), and other tags as {@link CborTagged}; RFC 8746 typed arrays stay tagged
 * byte strings ({@link CborTagged} over {@code byte[]}).
 */
public final class CborValues {
    private CborValues() {
    }

    /**
     * Decodes one well-formed item.
     *
     * @param b the buffer
     * @param pos the item's offset
     * @param end the end of the readable range
     * @return the value
     * @throws CborFormatException when the item is not well-formed
     */
    public static Object decode(byte[] b, int pos, int end) throws CborFormatException {
        Cbor.skip(b, pos, end); // checks well-formedness and depth once, up front
        int[] cursor = {pos};
        return read(b, cursor, end);
    }

    /**
     * Decodes a whole buffer holding exactly one item.
     *
     * @param b the encoded item
     * @return the value
     * @throws CborFormatException when the bytes are not exactly one well-formed item
     */
    public static Object decode(byte[] b) throws CborFormatException {
        int stop = Cbor.skip(b, 0, b.length);
        if (stop != b.length) {
            throw new CborFormatException(stop, (b.length - stop) + " bytes left over after the item");
        }
        return read(b, new int[] {0}, b.length);
    }

    private static Object read(byte[] b, int[] cur, int end) throws CborFormatException {
        int pos = cur[0];
        int major = Cbor.major(b, pos);
        int h = Cbor.headerLength(b, pos, end);
        long arg = Cbor.argument(b, pos, end);
        switch (major) {
            case Cbor.MAJOR_UINT:
                cur[0] = pos + h;
                return arg >= 0 ? (Object) arg : new BigInteger(Long.toUnsignedString(arg));
            case Cbor.MAJOR_NEGINT:
                cur[0] = pos + h;
                return arg >= 0 ? (Object) (-1 - arg) : BigInteger.ONE.negate().subtract(new BigInteger(Long.toUnsignedString(arg)));
            case Cbor.MAJOR_BYTES:
                cur[0] = Cbor.skip(b, pos, end);
                return Cbor.stringBytes(b, pos, end);
            case Cbor.MAJOR_TEXT:
                cur[0] = Cbor.skip(b, pos, end);
                return Cbor.text(b, pos, end);
            case Cbor.MAJOR_ARRAY: {
                List<Object> list = new ArrayList<>(arg == Cbor.INDEFINITE ? 8 : (int) Math.min(arg, 1024));
                cur[0] = pos + h;
                if (arg == Cbor.INDEFINITE) {
                    while ((b[cur[0]] & 0xff) != 0xff) {
                        list.add(read(b, cur, end));
                    }
                    cur[0]++;
                } else {
                    for (long i = 0; i < arg; i++) {
                        list.add(read(b, cur, end));
                    }
                }
                return list;
            }
            case Cbor.MAJOR_MAP: {
                Map<Object, Object> map = new LinkedHashMap<>();
                cur[0] = pos + h;
                if (arg == Cbor.INDEFINITE) {
                    while ((b[cur[0]] & 0xff) != 0xff) {
                        Object k = read(b, cur, end);
                        map.put(k, read(b, cur, end));
                    }
                    cur[0]++;
                } else {
                    for (long i = 0; i < arg; i++) {
                        Object k = read(b, cur, end);
                        map.put(k, read(b, cur, end));
                    }
                }
                return map;
            }
            case Cbor.MAJOR_TAG: {
                cur[0] = pos + h;
                Object inner = read(b, cur, end);
                if (arg == 2 && inner instanceof byte[]) {
                    return new BigInteger(1, (byte[]) inner);
                }
                if (arg == 3 && inner instanceof byte[]) {
                    return BigInteger.ONE.negate().subtract(new BigInteger(1, (byte[]) inner));
                }
                return new CborTagged(arg, inner);
            }
            default: {
                cur[0] = pos + h;
                int ib = b[pos] & 0xff;
                switch (ib) {
                    case 0xf4: return Boolean.FALSE;
                    case 0xf5: return Boolean.TRUE;
                    case 0xf6:
                    case 0xf7: return null;
                    case 0xf9:
                    case 0xfa:
                    case 0xfb: return Cbor.floatValue(b, pos);
                    default: return new CborTagged(-1, arg); // an unassigned simple value
                }
            }
        }
    }
}
