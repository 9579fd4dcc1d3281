package io.meshport.listener.impl;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import io.meshport.listener.impl.FuzzFrames.Frame;
import io.meshport.listener.impl.FuzzFrames.Msg;

/**
 * Mutates the fuzz test's requests: their fields (wrong types, missing, repeated and unknown fields, huge
 * strings, deep nesting, indefinite lengths, non-minimal heads, tags, unknown ops, unusable ids), their
 * bytes (flips, truncation, insertions, trailing bytes) and their framing (wrong, zero and huge length
 * prefixes). Each mutation is added to the frame's description.
 */
final class FuzzMutations {
    private final Random rng;
    private final FuzzItems items;
    private final long maxFrameBytes;

    /**
     * @param items the items of the run, whose random source the mutations draw from too
     * @param maxFrameBytes the host's limit
     */
    FuzzMutations(FuzzItems items, long maxFrameBytes) {
        this.rng = items.rng;
        this.items = items;
        this.maxFrameBytes = maxFrameBytes;
    }

    /** @return the request with mutations of its fields, bytes or framing */
    Frame mutated(Msg m, String op) {
        StringBuilder how = new StringBuilder(op);
        int fieldMutations = rng.nextInt(4);
        for (int k = 0; k < fieldMutations; k++) {
            int f = m.keys.isEmpty() ? -1 : rng.nextInt(m.keys.size());
            String name = f < 0 ? "-" : m.names.get(f);
            switch (rng.nextInt(16)) {
                case 0:
                case 1:
                    if (f >= 0) {
                        m.values.set(f, items.wrongValue());
                        how.append("; wrong type for ").append(label(name));
                    }
                    break;
                case 2:
                    if (f >= 0) {
                        m.keys.remove(f);
                        m.values.remove(f);
                        m.names.remove(f);
                        how.append("; without ").append(label(name));
                    }
                    break;
                case 3:
                    if (f >= 0) {
                        m.keys.add(m.keys.get(f));
                        m.values.add(items.chance(0.5) ? m.values.get(f) : items.wrongValue());
                        m.names.add(name);
                        how.append("; ").append(label(name)).append(" twice");
                    }
                    break;
                case 4: {
                    String s = items.huge();
                    if (f >= 0 && items.chance(0.8)) {
                        m.values.set(f, FuzzCbor.text(s));
                        how.append("; ").append(label(name)).append(" a text of ").append(s.length()).append(" chars");
                    } else {
                        m.put(s, FuzzCbor.uint(1));
                        how.append("; an unknown key of ").append(s.length()).append(" chars");
                    }
                    break;
                }
                case 5: {
                    int d = 250 + rng.nextInt(12);
                    String into = items.pick(new String[] {"body", "args", "meta", "future"});
                    int at = m.indexOf(into);
                    if (at >= 0) {
                        m.values.set(at, items.deep(d));
                    } else {
                        m.put(into, items.deep(d));
                    }
                    how.append("; ").append(into).append(" nested ").append(d).append(" deep");
                    break;
                }
                case 6:
                    m.indefinite = !m.indefinite;
                    how.append("; indefinite map");
                    break;
                case 7:
                    if (f >= 0 && m.values.get(f).length > 0 && (m.values.get(f)[0] & 0xe0) == 0x60) {
                        m.values.set(f, items.chunked(m.values.get(f)));
                        how.append("; ").append(label(name)).append(" as a chunked text");
                    } else if (f >= 0) {
                        m.keys.set(f, items.chunked(m.keys.get(f)));
                        how.append("; key ").append(label(name)).append(" chunked");
                    }
                    break;
                case 8: {
                    String u = items.chance(0.7) ? items.pick(new String[] {"frobnicate", "PUT", "put ", "", "bye", "event", "begin", "append"})
                            : items.huge();
                    int at = m.indexOf("op");
                    if (at >= 0) {
                        m.values.set(at, FuzzCbor.text(u));
                    } else {
                        m.put("op", FuzzCbor.text(u));
                    }
                    how.append("; op '").append(u.length() > 20 ? u.substring(0, 20) + "...' (" + u.length() + " chars)" : u + "'");
                    break;
                }
                case 9: {
                    int at = m.indexOf("id");
                    byte[] v = items.pick(new byte[][] {new CborOut().negint(-1).bytes(), new CborOut().f64(1.5).bytes(), FuzzCbor.text("7"),
                        new CborOut().nil().bytes(), new CborOut().f64(-0.0).bytes(), new CborOut().head(0, -1L, 8).bytes(),
                        new CborOut().f64(0x1p64).bytes(), new CborOut().f16(0x3c00).bytes(), new CborOut().tag(2).bytes(new byte[] {1}).bytes(),
                        new CborOut().bool(true).bytes(), new CborOut().head(4, 0).bytes()});
                    if (at >= 0) {
                        m.values.set(at, v);
                    } else {
                        m.put("id", v);
                    }
                    how.append("; an unusual id");
                    break;
                }
                case 10:
                    m.wrappingTags = 1 + rng.nextInt(2);
                    how.append("; wrapped in ").append(m.wrappingTags).append(" tags");
                    break;
                case 11: {
                    CborOut k2 = new CborOut();
                    if (items.chance(0.5)) {
                        k2.uint(rng.nextInt(5));
                    } else {
                        k2.bytes(new byte[] {'i', 'd'});
                    }
                    m.keys.add(k2.bytes());
                    m.values.add(FuzzCbor.uint(1));
                    m.names.add("?");
                    how.append("; a key that is not text");
                    break;
                }
                case 12:
                    if (f >= 0) {
                        m.values.set(f, new CborOut().nil().bytes());
                        how.append("; ").append(label(name)).append(" null");
                    }
                    break;
                case 13:
                    if (f >= 0) {
                        byte[] v = m.values.get(f);
                        int major = (v[0] & 0xff) >>> 5;
                        if (major == 0 && (v[0] & 0x1f) < 24) {
                            m.values.set(f, new CborOut().head(0, v[0] & 0x1f, 8).bytes());
                            how.append("; ").append(label(name)).append(" in a 9-byte head");
                        }
                    }
                    break;
                case 14:
                    m.put(items.pick(new String[] {"future", "x-y", "id2", "token", "client", "codec"}), items.anyItem(3));
                    how.append("; an extra field");
                    break;
                default: {
                    byte[] body = new byte[rng.nextInt(10) == 0 ? 500_000 + rng.nextInt(500_000) : rng.nextInt(3000)];
                    rng.nextBytes(body);
                    int at = m.indexOf("body");
                    byte[] v = new CborOut().bytes(body).bytes();
                    if (at >= 0) {
                        m.values.set(at, v);
                    } else {
                        m.put("body", v);
                    }
                    how.append("; body of ").append(body.length).append(" random bytes");
                    break;
                }
            }
        }
        byte[] body = m.encode();
        if (items.chance(0.3)) {
            body = mutateBytes(body, how);
        }
        if (items.chance(0.08)) {
            return new Frame(mutateFraming(body, how), how.toString());
        }
        return new Frame(FuzzFrames.framed(body), how.toString());
    }

    private static String label(String name) {
        return name.length() > 24 ? "'" + name.substring(0, 12) + "...' (" + name.length() + " chars)" : name;
    }

    private byte[] mutateBytes(byte[] body, StringBuilder how) {
        byte[] b = body;
        int n = 1 + rng.nextInt(3);
        for (int k = 0; k < n && b.length > 0; k++) {
            switch (rng.nextInt(6)) {
                case 0:
                case 1: {
                    int at = rng.nextInt(Math.min(b.length, items.chance(0.7) ? 64 : b.length));
                    b = b.clone();
                    b[at] ^= (byte) (1 << rng.nextInt(8));
                    how.append("; bit flip at ").append(at);
                    break;
                }
                case 2: {
                    int at = rng.nextInt(Math.min(b.length, 64));
                    b = b.clone();
                    b[at] = (byte) items.pick(new Integer[] {0x00, 0x1f, 0x3f, 0x5f, 0x7f, 0x9f, 0xbf, 0xdf, 0xff, 0x1c, 0xf8, 0x1b, 0x9b, 0x5b, 0x7b})
                            .intValue();
                    how.append("; byte ").append(at).append(" = ").append(String.format("0x%02x", b[at] & 0xff));
                    break;
                }
                case 3: {
                    int len = rng.nextInt(b.length);
                    b = Arrays.copyOf(b, len);
                    how.append("; truncated to ").append(len);
                    break;
                }
                case 4: {
                    byte[] extra = new byte[1 + rng.nextInt(4)];
                    rng.nextBytes(extra);
                    int at = rng.nextInt(b.length + 1);
                    byte[] c = new byte[b.length + extra.length];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(extra, 0, c, at, extra.length);
                    System.arraycopy(b, at, c, at + extra.length, b.length - at);
                    b = c;
                    how.append("; ").append(extra.length).append(" bytes inserted at ").append(at);
                    break;
                }
                default: {
                    byte[] c = Arrays.copyOf(b, b.length + 1 + rng.nextInt(3));
                    how.append("; trailing bytes");
                    b = c;
                    break;
                }
            }
        }
        return b;
    }

    private byte[] mutateFraming(byte[] body, StringBuilder how) {
        long declared;
        switch (rng.nextInt(6)) {
            case 0:
                declared = Math.max(0, body.length + rng.nextInt(17) - 8);
                how.append("; length prefix ").append(declared).append(" for ").append(body.length).append(" bytes");
                break;
            case 1:
                declared = items.pick(new Long[] {maxFrameBytes + 1, 0x7fffffffL, 0x80000000L, 0xffffffffL, maxFrameBytes * 4});
                how.append("; length prefix ").append(declared).append(" (above the limit)");
                break;
            case 2:
                declared = maxFrameBytes - rng.nextInt(1000);
                how.append("; length prefix ").append(declared).append(" (near the limit) for ").append(body.length).append(" bytes");
                break;
            case 3:
                declared = 0;
                how.append("; length prefix 0");
                break;
            case 4: {
                // the header alone, or with a few bytes of the body: a half frame
                int keep = rng.nextInt(Math.min(body.length, 16) + 1);
                how.append("; a header for ").append(body.length).append(" bytes followed by ").append(keep);
                ByteBuffer b = ByteBuffer.allocate(4 + keep).putInt(body.length).put(body, 0, keep);
                return b.array();
            }
            default:
                declared = body.length + 1 + rng.nextInt(100_000);
                how.append("; length prefix ").append(declared).append(" for ").append(body.length).append(" bytes");
                break;
        }
        return ByteBuffer.allocate(4 + body.length).putInt((int) declared).put(body).array();
    }
}
