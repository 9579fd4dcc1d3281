package io.meshport.session.impl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Summaries (small maps of plain values) as compact bytes that decode to an equal map, with ints and
 * floats kept apart from longs and doubles, so that a summary read back is written to the wire exactly
 * as before.
 */
final class SummaryBytes {
    private SummaryBytes() {
    }

    /**
     * @param summary a summary (plain values)
     * @return it in a compact encoding: a few dozen bytes, where the map of a mesh's summary with
     *         its boxed numbers takes some 450
     */
    static byte[] encode(Map<String, Object> summary) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(96);
        try (DataOutputStream out = new DataOutputStream(b)) {
            plain(out, summary, 0);
        } catch (IOException e) {
            throw new IllegalArgumentException("a summary that cannot be encoded: " + e.getMessage(), e);
        }
        return b.toByteArray();
    }

    /**
     * @param bytes what {@link #encode} gave
     * @return the summary again, equal to the one encoded
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> decode(byte[] bytes) {
        try {
            return Collections.unmodifiableMap((Map<String, Object>) plain(new DataInputStream(new ByteArrayInputStream(bytes)), 0));
        } catch (IOException e) {
            throw new IllegalStateException("a summary encoded here does not decode: " + e.getMessage(), e);
        }
    }

    /** Plain values of summaries: null, booleans, ints, longs, floats, doubles, text, lists and maps of them. */
    private static void plain(DataOutputStream out, Object v, int depth) throws IOException {
        if (depth > 32) {
            throw new IOException("a summary nests too deep");
        }
        if (v == null) {
            out.writeByte(0);
        } else if (v instanceof Boolean) {
            out.writeByte(1);
            out.writeBoolean((Boolean) v);
        } else if (v instanceof Integer) {
            out.writeByte(7);
            out.writeInt((Integer) v);
        } else if (v instanceof Float) {
            out.writeByte(8);
            out.writeFloat((Float) v);
        } else if (v instanceof Long || v instanceof Short || v instanceof Byte) {
            out.writeByte(2);
            out.writeLong(((Number) v).longValue());
        } else if (v instanceof Number) {
            out.writeByte(3);
            out.writeDouble(((Number) v).doubleValue());
        } else if (v instanceof List) {
            out.writeByte(5);
            out.writeInt(((List<?>) v).size());
            for (Object e : (List<?>) v) {
                plain(out, e, depth + 1);
            }
        } else if (v instanceof Map) {
            out.writeByte(6);
            out.writeInt(((Map<?, ?>) v).size());
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                out.writeUTF(String.valueOf(e.getKey()));
                plain(out, e.getValue(), depth + 1);
            }
        } else {
            out.writeByte(4);
            out.writeUTF(String.valueOf(v));
        }
    }

    private static Object plain(DataInputStream in, int depth) throws IOException {
        if (depth > 32) {
            throw new IOException("a summary nests too deep");
        }
        byte t = in.readByte();
        switch (t) {
            case 0:
                return null;
            case 1:
                return in.readBoolean();
            case 2:
                return in.readLong();
            case 3:
                return in.readDouble();
            case 4:
                return in.readUTF();
            case 7:
                return in.readInt();
            case 8:
                return in.readFloat();
            case 5: {
                int n = count(in, "list items");
                List<Object> l = new ArrayList<>(Math.min(n, 1024));
                for (int i = 0; i < n; i++) {
                    l.add(plain(in, depth + 1));
                }
                return l;
            }
            case 6: {
                int n = count(in, "map entries");
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    m.put(in.readUTF(), plain(in, depth + 1));
                }
                return m;
            }
            default:
                throw new IOException("a summary holds an unknown value type " + t);
        }
    }

    private static int count(DataInputStream in, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 20) {
            throw new IOException("a summary declares " + n + " " + what);
        }
        return n;
    }
}
