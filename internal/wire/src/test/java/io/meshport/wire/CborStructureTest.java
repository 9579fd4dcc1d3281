package io.meshport.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * {@link Cbor#skip} steps over numbers in arrays by table, and {@link CborMessage#parse} walks a
 * message once; both must give exactly what the plain recursive walk and the checked two-pass parse
 * give: the same end, the same fields, or the same error at the same offset. Checked on generated
 * messages and thousands of corrupted variants of them.
 */
class CborStructureTest {

    /** The recursive walk as it was before the table: the reference. */
    private static int referenceSkip(byte[] b, int pos, int end, int depth) throws CborFormatException {
        if (depth > Cbor.MAX_DEPTH) {
            throw new CborFormatException(pos, "CBOR nesting deeper than " + Cbor.MAX_DEPTH);
        }
        int h = Cbor.headerLength(b, pos, end);
        int major = Cbor.major(b, pos);
        long arg = Cbor.argument(b, pos, end);
        int p = pos + h;
        switch (major) {
            case Cbor.MAJOR_UINT:
            case Cbor.MAJOR_NEGINT:
                return p;
            case Cbor.MAJOR_BYTES:
            case Cbor.MAJOR_TEXT:
                if (arg == Cbor.INDEFINITE) {
                    while (true) {
                        if (p >= end) {
                            throw new CborFormatException(p, "unterminated indefinite-length string");
                        }
                        if ((b[p] & 0xff) == 0xff) {
                            return p + 1;
                        }
                        if (Cbor.major(b, p) != major || Cbor.isIndefinite(b, p)) {
                            throw new CborFormatException(p, "a chunk of an indefinite-length string must be a definite string of the same type");
                        }
                        p = referenceSkip(b, p, end, depth + 1);
                    }
                }
                if (Long.compareUnsigned(arg, end - p) > 0) {
                    throw new CborFormatException(p, "string of " + Long.toUnsignedString(arg) + " bytes does not fit in the remaining " + (end - p));
                }
                return p + (int) arg;
            case Cbor.MAJOR_ARRAY:
            case Cbor.MAJOR_MAP: {
                int per = major == Cbor.MAJOR_MAP ? 2 : 1;
                if (arg == Cbor.INDEFINITE) {
                    long items = 0;
                    while (true) {
                        if (p >= end) {
                            throw new CborFormatException(p, "unterminated indefinite-length " + (per == 2 ? "map" : "array"));
                        }
                        if ((b[p] & 0xff) == 0xff) {
                            if (items % per != 0) {
                                throw new CborFormatException(p, "map ends after a key, without its value");
                            }
                            return p + 1;
                        }
                        p = referenceSkip(b, p, end, depth + 1);
                        items++;
                    }
                }
                if (Long.compareUnsigned(arg, (end - p) / per) > 0) {
                    throw new CborFormatException(pos, "count " + Long.toUnsignedString(arg) + " does not fit in the remaining " + (end - p) + " bytes");
                }
                long items = arg * per;
                for (long i = 0; i < items; i++) {
                    p = referenceSkip(b, p, end, depth + 1);
                }
                return p;
            }
            case Cbor.MAJOR_TAG:
                return referenceSkip(b, p, end, depth + 1);
            default:
                int ai = b[pos] & 0x1f;
                if (ai == 31) {
                    throw new CborFormatException(pos, "unexpected break");
                }
                if (ai == 24 && (b[pos + 1] & 0xff) < 32) {
                    throw new CborFormatException(pos, "simple value " + (b[pos + 1] & 0xff) + " in two-byte form");
                }
                return p;
        }
    }

    private interface Walk {
        Object run() throws CborFormatException;
    }

    private static Object outcome(Walk w) {
        try {
            return w.run();
        } catch (CborFormatException e) {
            return "error at " + e.offset() + ": " + e.getMessage();
        } catch (RuntimeException e) {
            return e.getClass().getName();
        }
    }

    private static String describe(CborMessage m) {
        StringBuilder s = new StringBuilder(m.offset() + "+" + m.length() + " " + m.keyProblem());
        for (String k : new String[] {"op", "id", "key", "body", "x", "a", ""}) {
            s.append(' ').append(k).append('=').append(m.valueStart(k)).append("..").append(m.valueEnd(k));
        }
        return s.toString();
    }

    /** Messages of many shapes: numbers of every width in arrays and maps, strings, tags, nesting. */
    private static List<byte[]> messages(Random r) {
        List<byte[]> out = new ArrayList<>();
        CborWriter w = new CborWriter();
        w.mapHeader(4).text("op").text("put").text("id").uint(3).text("key").text("a/b").text("body").arrayHeader(40);
        for (int i = 0; i < 10; i++) {
            w.uint(i * 1000003L).integer(-i * 70001L).float32(i * 0.5f).float64(-i * 1e10);
        }
        out.add(w.toByteArray());
        w = new CborWriter();
        w.mapHeader(3).text("x").arrayHeader(3).uint(Long.MAX_VALUE).bool(true).nil().text("a").mapHeader(2).uint(1)
                .arrayHeader(2).uint(24).uint(255).text("k").bytes(new byte[] {1, 2}).uint(7).tag(85).bytes(new byte[8]);
        out.add(w.toByteArray());
        w = new CborWriter();
        w.raw(new byte[] {(byte) 0xbf}, 0, 1);
        w.text("body").raw(new byte[] {(byte) 0x9f, 1, 0x18, 24, 0x19, 1, 0, (byte) 0xf8, 40, (byte) 0xf9, 0, 0, (byte) 0xff}, 0, 13);
        w.text("id").uint(1);
        w.raw(new byte[] {(byte) 0xff}, 0, 1);
        out.add(w.toByteArray());
        w = new CborWriter();
        w.mapHeader(1).text("deep");
        for (int i = 0; i < Cbor.MAX_DEPTH - 1; i++) {
            w.arrayHeader(1);
        }
        w.arrayHeader(3).uint(1).uint(2).uint(3);
        out.add(w.toByteArray());
        for (int n = 0; n < 20; n++) {
            w = new CborWriter();
            w.mapHeader(2).text("op").text("put").text("body").arrayHeader(50);
            for (int i = 0; i < 50; i++) {
                long v = r.nextLong() >> r.nextInt(64);
                switch (r.nextInt(4)) {
                    case 0: w.integer(v); break;
                    case 1: w.float32(r.nextFloat()); break;
                    case 2: w.float64(r.nextGaussian()); break;
                    default: w.raw(new byte[] {(byte) (0xe0 + r.nextInt(32))}, 0, 1);
                }
            }
            out.add(w.toByteArray());
        }
        return out;
    }

    @Test
    void skippingAndParsingGiveWhatTheReferenceGives() {
        Random r = new Random(42);
        List<byte[]> base = messages(r);
        int rounds = Integer.getInteger("fuzzRounds", 6000);
        for (int round = 0; round < rounds; round++) {
            byte[] m = base.get(r.nextInt(base.size())).clone();
            if (round >= base.size()) {
                int flips = 1 + r.nextInt(3);
                for (int i = 0; i < flips; i++) {
                    if (r.nextBoolean()) {
                        m[r.nextInt(m.length)] = (byte) r.nextInt(256);
                    } else {
                        m = Arrays.copyOf(m, Math.max(1, r.nextInt(m.length + 1)));
                    }
                }
            }
            byte[] framed = new byte[m.length + 5];
            System.arraycopy(m, 0, framed, 2, m.length);
            int end = 2 + m.length;
            assertEquals(outcome(() -> referenceSkip(framed, 2, end, 0)), outcome(() -> Cbor.skip(framed, 2, end)), "skip, round " + round);
            int length = m.length;
            assertEquals(outcome(() -> describe(CborMessage.parseChecked(framed, 2, length))),
                    outcome(() -> describe(CborMessage.parse(framed, 2, length))), "parse, round " + round);
        }
    }
}
