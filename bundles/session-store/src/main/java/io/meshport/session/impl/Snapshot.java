package io.meshport.session.impl;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.AttributeStorage;
import io.meshport.mesh.Mesh;
import io.meshport.session.SessionChange;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionValue;
import io.meshport.session.SessionWrite;

/**
 * The session written to a file, for when no hand-over service keeps it in memory across an update
 * of the store. A snapshot is written to a temporary file, forced to disk and moved into place
 * atomically; it ends with a CRC-32 of everything before it, so a file cut short or changed is
 * recognised and never trusted. Values are written by what they hold: meshes as their flat arrays,
 * byte arrays as they are; a value of any other type cannot be written and is reported.
 */
final class Snapshot {
    private static final int MAGIC = 0x4d505353; // "MPSS"
    /** 2 keeps ints and floats in summaries apart from longs and doubles; format 1 is read too. */
    private static final int FORMAT = 2;
    private static final int END = 0x454e4421;   // "END!"
    private static final byte VALUE_BYTES = 1;
    private static final byte VALUE_MESH = 2;

    /** What a snapshot holds. */
    record State(String sessionId, long version, List<SessionEntry> entries, Map<String, SessionWrite> writes) {
    }

    private Snapshot() {
    }

    /**
     * Writes a snapshot.
     *
     * @param file where
     * @param state what
     * @param skipped receives one sentence per entry that could not be written
     */
    static void write(Path file, State state, List<String> skipped) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream raw = java.nio.channels.Channels.newOutputStream(ch);
            CRC32 crc = new CRC32();
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(raw, crc), 1 << 16));
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeUTF(state.sessionId());
            out.writeLong(state.version());
            List<SessionEntry> writable = new ArrayList<>();
            for (SessionEntry e : state.entries()) {
                Object v = e.value().value();
                if (v instanceof byte[] || v instanceof Mesh) {
                    writable.add(e);
                } else {
                    skipped.add("'" + e.key() + "' holds a " + e.kind() + " value of type " + v.getClass().getName()
                            + ", which a snapshot cannot hold");
                }
            }
            out.writeInt(writable.size());
            for (SessionEntry e : writable) {
                out.writeUTF(e.key());
                out.writeLong(e.version());
                out.writeUTF(e.codec());
                out.writeLong(e.payloadBytes());
                out.writeLong(e.updated());
                out.writeUTF(e.kind());
                out.writeLong(e.value().retainedBytes());
                plain(out, e.value().summary(), 0);
                Object v = e.value().value();
                if (v instanceof byte[]) {
                    out.writeByte(VALUE_BYTES);
                    bytes(out, (byte[]) v);
                } else {
                    out.writeByte(VALUE_MESH);
                    mesh(out, (Mesh) v);
                }
            }
            out.writeInt(state.writes().size());
            for (Map.Entry<String, SessionWrite> w : state.writes().entrySet()) {
                out.writeUTF(w.getKey());
                SessionWrite sw = w.getValue();
                out.writeUTF(sw.key());
                out.writeLong(sw.version());
                out.writeBoolean(sw.type() == SessionChange.Type.PUT);
                out.writeUTF(sw.kind() == null ? "" : sw.kind());
                plain(out, sw.summary(), 0);
            }
            out.writeInt(END);
            out.flush();
            DataOutputStream tail = new DataOutputStream(raw);
            tail.writeLong(crc.getValue());
            tail.flush();
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads a snapshot, checking it whole before anything of it is used.
     *
     * @param file the snapshot
     * @return its state
     * @throws IOException when it cannot be read or is not a complete, unchanged snapshot (the
     *         message says what was wrong)
     */
    static State read(Path file) throws IOException {
        long size = Files.size(file);
        if (size < 16) {
            throw new IOException("it is " + size + " bytes long, shorter than any snapshot");
        }
        try (DataInputStream head = new DataInputStream(Files.newInputStream(file))) {
            if (head.readInt() != MAGIC) {
                throw new IOException("it does not start as a session snapshot does");
            }
        }
        checksum(file, size); // then the whole, so that nothing is built from a damaged file
        CRC32 crc = new CRC32();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            // The checksum covers all but the last 8 bytes, which hold it.
            DataInputStream in = new DataInputStream(new CheckedInputStream(new Limited(raw, size - 8), crc));
            if (in.readInt() != MAGIC) {
                throw new IOException("it does not start as a session snapshot does");
            }
            int format = in.readInt();
            if (format != FORMAT && format != 1) {
                throw new IOException("its format is " + format + "; this store reads formats 1 to " + FORMAT);
            }
            String sessionId = in.readUTF();
            long version = in.readLong();
            int n = count(in, "entries");
            List<SessionEntry> entries = new ArrayList<>(Math.min(n, 1 << 16));
            for (int i = 0; i < n; i++) {
                String key = in.readUTF();
                long v = in.readLong();
                String codec = in.readUTF();
                long payloadBytes = in.readLong();
                long updated = in.readLong();
                String kind = in.readUTF();
                long retained = in.readLong();
                @SuppressWarnings("unchecked")
                Map<String, Object> summary = (Map<String, Object>) plain(in, 0);
                byte type = in.readByte();
                SessionValue value;
                if (type == VALUE_BYTES) {
                    value = new SessionValue(kind, bytes(in, size), summary, retained);
                } else if (type == VALUE_MESH) {
                    Mesh m = mesh(in, size);
                    value = SessionValue.KIND_MESH.equals(kind) ? SessionValue.ofMesh(m) : new SessionValue(kind, m, summary, retained);
                } else {
                    throw new IOException("entry " + i + " ('" + key + "') has an unknown value type " + type);
                }
                if (v < 1 || v > version) {
                    throw new IOException("entry '" + key + "' is at version " + v + ", beyond the session's " + version);
                }
                entries.add(new SessionEntry(key, v, codec, payloadBytes, updated, value));
            }
            int w = count(in, "writes");
            Map<String, SessionWrite> writes = new LinkedHashMap<>();
            for (int i = 0; i < w; i++) {
                String token = in.readUTF();
                String key = in.readUTF();
                long v = in.readLong();
                boolean put = in.readBoolean();
                String kind = in.readUTF();
                @SuppressWarnings("unchecked")
                Map<String, Object> summary = (Map<String, Object>) plain(in, 0);
                writes.put(token, new SessionWrite(key, v, put ? SessionChange.Type.PUT : SessionChange.Type.DELETE,
                        kind.isEmpty() ? null : kind, summary));
            }
            if (in.readInt() != END) {
                throw new IOException("its end marker is missing");
            }
            long expected = new DataInputStream(raw).readLong();
            if (expected != crc.getValue()) {
                throw new IOException("its checksum does not match: it was changed or damaged after it was written");
            }
            return new State(sessionId, version, entries, writes);
        } catch (EOFException e) {
            throw new IOException("it ends early: it was cut short");
        } catch (RuntimeException e) {
            throw new IOException("it holds data that makes no sense: " + e.getMessage());
        }
    }

    /** Checks the CRC-32 at the end of the file against everything before it. */
    private static void checksum(Path file, long size) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            long left = size - 8;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException("it ends early: it was cut short");
                }
                crc.update(buf, 0, n);
                left -= n;
            }
            long expected = new DataInputStream(in).readLong();
            if (expected != crc.getValue()) {
                throw new IOException("its checksum does not match: it was cut short, changed or damaged after it was written");
            }
        }
    }

    private static int count(DataInputStream in, String what) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("its count of " + what + " is negative");
        }
        return n;
    }

    private static void bytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] bytes(DataInputStream in, long fileSize) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > fileSize) {
            throw new IOException("it declares " + n + " bytes in a file of " + fileSize);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    private static void mesh(DataOutputStream out, Mesh m) throws IOException {
        floats(out, m.positions());
        out.writeBoolean(!m.isPointCloud());
        if (!m.isPointCloud()) {
            ints(out, m.indices());
            out.writeBoolean(!m.isTriangles());
            if (!m.isTriangles()) {
                ints(out, m.faceCounts());
            }
        }
        out.writeInt(m.attributes().size());
        for (Attribute a : m.attributes().values()) {
            out.writeUTF(a.name());
            out.writeByte(a.owner().ordinal());
            out.writeByte(a.size());
            out.writeByte(a.storage().ordinal());
            switch (a.storage()) {
                case FLOAT:
                    floats(out, a.floats());
                    break;
                case INT:
                    ints(out, a.ints());
                    break;
                default:
                    out.writeInt(a.elementCount());
                    for (String s : a.strings()) {
                        out.writeUTF(s);
                    }
            }
        }
        out.writeBoolean(m.name() != null);
        if (m.name() != null) {
            out.writeUTF(m.name());
        }
        ByteBuffer meta = m.meta();
        out.writeBoolean(meta != null);
        if (meta != null) {
            byte[] b = new byte[meta.remaining()];
            meta.duplicate().get(b);
            bytes(out, b);
        }
    }

    private static Mesh mesh(DataInputStream in, long fileSize) throws IOException {
        Mesh.Builder b = Mesh.builder().positions(floats(in, fileSize));
        if (in.readBoolean()) {
            b.indices(ints(in, fileSize));
            if (in.readBoolean()) {
                b.faceCounts(ints(in, fileSize));
            }
        }
        int attributes = count(in, "attributes");
        for (int i = 0; i < attributes; i++) {
            String name = in.readUTF();
            AttributeOwner owner = AttributeOwner.values()[in.readByte()];
            int size = in.readByte();
            AttributeStorage storage = AttributeStorage.values()[in.readByte()];
            switch (storage) {
                case FLOAT:
                    b.attribute(Attribute.ofFloats(name, owner, size, floats(in, fileSize)));
                    break;
                case INT:
                    b.attribute(Attribute.ofInts(name, owner, size, ints(in, fileSize)));
                    break;
                default: {
                    int n = in.readInt();
                    if (n < 0 || n > fileSize) {
                        throw new IOException("attribute '" + name + "' declares " + n + " strings");
                    }
                    String[] s = new String[n];
                    for (int k = 0; k < n; k++) {
                        s[k] = in.readUTF();
                    }
                    b.attribute(Attribute.ofStrings(name, owner, size, s));
                }
            }
        }
        if (in.readBoolean()) {
            b.name(in.readUTF());
        }
        if (in.readBoolean()) {
            b.meta(bytes(in, fileSize));
        }
        return b.build(); // checks everything again: a snapshot is never trusted further than the model's rules
    }

    private static void floats(DataOutputStream out, FloatBuffer f) throws IOException {
        int n = f.remaining();
        out.writeInt(n);
        ByteBuffer b = ByteBuffer.allocate(4 * Math.min(n, 1 << 16));
        for (int i = 0; i < n;) {
            int k = Math.min(n - i, 1 << 16);
            b.clear();
            b.asFloatBuffer().put(f.duplicate().position(i).limit(i + k));
            out.write(b.array(), 0, 4 * k);
            i += k;
        }
    }

    private static float[] floats(DataInputStream in, long fileSize) throws IOException {
        int n = in.readInt();
        if (n < 0 || 4L * n > fileSize) {
            throw new IOException("it declares " + n + " floats in a file of " + fileSize + " bytes");
        }
        byte[] b = new byte[4 * n];
        in.readFully(b);
        float[] f = new float[n];
        ByteBuffer.wrap(b).asFloatBuffer().get(f);
        return f;
    }

    private static void ints(DataOutputStream out, IntBuffer src) throws IOException {
        int n = src.remaining();
        out.writeInt(n);
        ByteBuffer b = ByteBuffer.allocate(4 * Math.min(n, 1 << 16));
        for (int i = 0; i < n;) {
            int k = Math.min(n - i, 1 << 16);
            b.clear();
            b.asIntBuffer().put(src.duplicate().position(i).limit(i + k));
            out.write(b.array(), 0, 4 * k);
            i += k;
        }
    }

    private static int[] ints(DataInputStream in, long fileSize) throws IOException {
        int n = in.readInt();
        if (n < 0 || 4L * n > fileSize) {
            throw new IOException("it declares " + n + " ints in a file of " + fileSize + " bytes");
        }
        byte[] b = new byte[4 * n];
        in.readFully(b);
        int[] a = new int[n];
        ByteBuffer.wrap(b).asIntBuffer().get(a);
        return a;
    }

    /**
     * @param summary a summary (plain values)
     * @return it in the snapshot's encoding: a few dozen bytes, where the map of a mesh's summary with
     *         its boxed numbers takes some 450
     */
    static byte[] summaryBytes(Map<String, Object> summary) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(96);
        try (DataOutputStream out = new DataOutputStream(b)) {
            plain(out, summary, 0);
        } catch (IOException e) {
            throw new IllegalArgumentException("a summary that cannot be encoded: " + e.getMessage(), e);
        }
        return b.toByteArray();
    }

    /**
     * @param bytes what {@link #summaryBytes} gave
     * @return the summary again, equal to the one encoded
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> summary(byte[] bytes) {
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

    /** Reads at most {@code limit} bytes of a stream (the part a checksum covers). */
    private static final class Limited extends java.io.FilterInputStream {
        private long left;

        Limited(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
