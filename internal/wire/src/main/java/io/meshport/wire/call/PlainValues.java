package io.meshport.wire.call;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.meshport.wire.Cbor;
import io.meshport.wire.CborTagged;
import io.meshport.wire.call.CallValues.MappingException;
import io.meshport.wire.mesh.TypedArray;

/**
 * Unpacks RFC 8746 typed arrays in a decoded value into Java arrays ({@code double[]} for floats,
 * {@code long[]} for integers), for parameters typed {@code Object} and for reading lists.
 */
final class PlainValues {
    private PlainValues() {
    }

    /** @return the value with typed arrays turned into Java arrays, for parameters typed Object */
    static Object plain(Object v) {
        if (v instanceof CborTagged) {
            CborTagged t = (CborTagged) v;
            TypedArray ta = TypedArray.ofTag(t.tag());
            if (ta != null && t.value() instanceof byte[]) {
                return typedArray(ta, (byte[]) t.value());
            }
            return v;
        }
        if (v instanceof List) {
            List<Object> out = new ArrayList<>(((List<?>) v).size());
            for (Object e : (List<?>) v) {
                out.add(plain(e));
            }
            return out;
        }
        if (v instanceof Map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                out.put(plain(e.getKey()), plain(e.getValue()));
            }
            return out;
        }
        return v;
    }

    private static Object typedArray(TypedArray ta, byte[] bytes) {
        int n = bytes.length / ta.elementSize();
        if (n * ta.elementSize() != bytes.length) {
            throw new MappingException("a " + ta.describe() + " typed array of " + bytes.length + " bytes, not a multiple of "
                    + ta.elementSize());
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ta.order());
        if (ta.floating()) {
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = ta.elementSize() == 4 ? buf.getFloat(4 * i) : ta.elementSize() == 8 ? buf.getDouble(8 * i)
                        : Cbor.halfToFloat(buf.getShort(2 * i));
            }
            return d;
        }
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
            switch (ta.elementSize()) {
                case 1:
                    l[i] = ta.signed() ? bytes[i] : bytes[i] & 0xff;
                    break;
                case 2:
                    l[i] = ta.signed() ? buf.getShort(2 * i) : buf.getShort(2 * i) & 0xffff;
                    break;
                case 4:
                    l[i] = ta.signed() ? buf.getInt(4 * i) : buf.getInt(4 * i) & 0xffffffffL;
                    break;
                default:
                    l[i] = buf.getLong(8 * i);
            }
        }
        return l;
    }
}
