package io.meshport.session.impl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.meshport.mesh.InvalidMeshException;
import io.meshport.mesh.Mesh;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionValue;
import io.meshport.wire.WireArray;
import io.meshport.wire.mesh.MeshCborReader;
import io.meshport.wire.mesh.MeshCborWriter;

/**
 * How one session entry is kept in the session's file: a header (what the entry says besides its
 * value, and the value's size and CRC-32C) and the value's bytes. A mesh is kept as the protocol's
 * {@code mesh} map (docs/protocol.md section 6) and read back by the same reader as a put; a
 * {@code byte[]} value as it is. Values of other types are not kept ({@link #formOf} says so).
 */
final class StoredEntry {
    /** A header without arrays kept apart; what every host reads, and all a shared session's records use. */
    private static final int FORMAT = 1;
    /** A header listing the typed arrays its value keeps in maps of their own ({@link Segment}). */
    private static final int FORMAT_SEGMENTS = 2;
    static final byte FORM_MESH = 1;
    static final byte FORM_BYTES = 2;

    /**
     * What an entry's header holds. With segments, {@code crc} covers the value's bytes outside them, and
     * each segment has its own.
     */
    record Header(String key, long version, String codec, long payloadBytes, long updated, String kind, long retainedBytes,
            byte[] summary, byte form, long size, int crc, List<Segment> segments) {
        Header(String key, long version, String codec, long payloadBytes, long updated, String kind, long retainedBytes,
                byte[] summary, byte form, long size, int crc) {
            this(key, version, codec, payloadBytes, updated, kind, retainedBytes, summary, form, size, crc, List.of());
        }
    }

    /**
     * A typed array's bytes, kept in a map of their own rather than with the rest of the value, so that a
     * later version holding the same array names the same map instead of writing it again.
     *
     * @param offset where its bytes start in the value
     * @param length how many bytes
     * @param crc their CRC-32C
     * @param map the name of the map holding them, in blocks by index
     */
    record Segment(long offset, long length, int crc, String map) {
        /** @return the same bytes at another place in a value */
        Segment at(long newOffset) {
            return new Segment(newOffset, length, crc, map);
        }
    }

    private StoredEntry() {
    }

    /** @return the form the entry's value is kept in, or 0 when it cannot be kept */
    static byte formOf(SessionValue value) {
        if (value.value() instanceof Mesh) {
            return FORM_MESH;
        }
        return value.value() instanceof byte[] ? FORM_BYTES : 0;
    }

    static Header header(SessionEntry e, byte form, long size, int crc, List<Segment> segments) {
        return new Header(e.key(), e.version(), e.codec(), e.payloadBytes(), e.updated(), e.kind(), e.value().retainedBytes(),
                SummaryBytes.encode(e.value().summary()), form, size, crc, segments);
    }

    static byte[] encode(Header h) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128 + h.summary().length);
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.writeByte(h.segments().isEmpty() ? FORMAT : FORMAT_SEGMENTS);
            out.writeUTF(h.key());
            out.writeLong(h.version());
            out.writeUTF(h.codec());
            out.writeLong(h.payloadBytes());
            out.writeLong(h.updated());
            out.writeUTF(h.kind());
            out.writeLong(h.retainedBytes());
            out.writeInt(h.summary().length);
            out.write(h.summary());
            out.writeByte(h.form());
            out.writeLong(h.size());
            out.writeInt(h.crc());
            if (!h.segments().isEmpty()) {
                out.writeInt(h.segments().size());
                for (Segment g : h.segments()) {
                    out.writeLong(g.offset());
                    out.writeLong(g.length());
                    out.writeInt(g.crc());
                    out.writeUTF(g.map());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e); // a byte array stream does not fail
        }
        return b.toByteArray();
    }

    static Header decode(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        int format = in.readByte();
        if (format != FORMAT && format != FORMAT_SEGMENTS) {
            throw new IOException("its header is of format " + format + ", not " + FORMAT + " or " + FORMAT_SEGMENTS);
        }
        String key = in.readUTF();
        long version = in.readLong();
        String codec = in.readUTF();
        long payloadBytes = in.readLong();
        long updated = in.readLong();
        String kind = in.readUTF();
        long retained = in.readLong();
        int n = in.readInt();
        if (n < 0 || n > bytes.length) {
            throw new IOException("its header declares a summary of " + n + " bytes");
        }
        byte[] summary = in.readNBytes(n);
        byte form = in.readByte();
        long size = in.readLong();
        int crc = in.readInt();
        if (size < 0 || size > Integer.MAX_VALUE - 8) {
            throw new IOException("its header declares a value of " + size + " bytes");
        }
        List<Segment> segments = format == FORMAT_SEGMENTS ? segments(in, size) : List.of();
        if (in.read() != -1) {
            throw new IOException("its header has bytes after its end");
        }
        return new Header(key, version, codec, payloadBytes, updated, kind, retained, summary, form, size, crc, segments);
    }

    /** Reads a header's segments, which must lie in order within the value, apart from each other. */
    private static List<Segment> segments(DataInputStream in, long size) throws IOException {
        int n = in.readInt();
        if (n < 1 || n > 1 << 16) {
            throw new IOException("its header lists " + n + " arrays");
        }
        List<Segment> out = new ArrayList<>(n);
        long end = 0;
        for (int i = 0; i < n; i++) {
            Segment g = new Segment(in.readLong(), in.readLong(), in.readInt(), in.readUTF());
            if (g.offset() < end || g.length() < 0 || g.offset() + g.length() > size) {
                throw new IOException("its header's array " + i + " (bytes " + g.offset() + "+" + g.length() + ") does not lie within its value");
            }
            end = g.offset() + g.length();
            out.add(g);
        }
        return out;
    }

    /**
     * @return a value's bytes in its form, in an array of exactly their size (no growing, no copy at the end)
     * @throws IllegalArgumentException when they would not fit in one array
     */
    static byte[] valueBytes(SessionValue value, byte form) {
        if (form == FORM_BYTES) {
            return (byte[]) value.value();
        }
        List<Object> parts = MeshCborWriter.encodeLazily((Mesh) value.value());
        long total = 0;
        for (Object part : parts) {
            total += part instanceof WireArray ? ((WireArray) part).byteLength() : ((ByteBuffer) part).remaining();
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the value takes " + total + " bytes, more than one array holds");
        }
        byte[] out = new byte[(int) total];
        int at = 0;
        for (Object part : parts) {
            if (part instanceof WireArray) {
                WireArray a = (WireArray) part;
                a.read(0, out, at, (int) a.byteLength());
                at += (int) a.byteLength();
            } else {
                ByteBuffer b = ((ByteBuffer) part).duplicate();
                int n = b.remaining();
                b.get(out, at, n);
                at += n;
            }
        }
        return out;
    }

    /**
     * @param h the header
     * @param bytes the value's bytes, checked against the header's CRC already
     * @return the entry again
     * @throws IOException when the bytes are not a value of the header's form
     */
    static SessionEntry entry(Header h, byte[] bytes) throws IOException {
        return entry(h, bytes, bytes.length);
    }

    /**
     * @param length how many of {@code bytes} are the value's (a mesh's may be read from a longer array
     *        that is used again: the mesh keeps none of it; a byte value's array is the value itself)
     */
    static SessionEntry entry(Header h, byte[] bytes, int length) throws IOException {
        SessionValue value;
        if (h.form() == FORM_MESH) {
            Mesh mesh;
            try {
                mesh = new MeshCborReader().read(bytes, 0, length, base -> {
                    throw new InvalidMeshException("a kept mesh has a base");
                });
            } catch (RuntimeException e) {
                throw new IOException("its mesh does not read: " + e.getMessage(), e);
            }
            SessionValue standard = SessionValue.ofMesh(mesh);
            Map<String, Object> summary = SummaryBytes.decode(h.summary());
            value = new SessionValue(h.kind(), mesh, summary.isEmpty() ? standard.summary() : summary, mesh.retainedBytes());
        } else if (h.form() == FORM_BYTES) {
            if (length != bytes.length) {
                throw new IllegalArgumentException("a byte value is read into an array of its own length");
            }
            value = new SessionValue(h.kind(), bytes, SummaryBytes.decode(h.summary()), h.retainedBytes());
        } else {
            throw new IOException("its value is of an unknown form " + h.form());
        }
        return new SessionEntry(h.key(), h.version(), h.codec(), h.payloadBytes(), h.updated(), value);
    }
}
