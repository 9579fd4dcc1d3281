package io.meshport.session.impl;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import io.meshport.mesh.Mesh;
import io.meshport.session.SessionEntry;
import io.meshport.wire.WireArray;
import io.meshport.wire.mesh.MeshCborWriter;

/**
 * Where the session file keeps values' bytes, in blocks of at most 256 KiB so that a value is written and
 * read in pieces. A small value's blocks go to a map shared by all (keyed by the entry's version and the
 * block's index); a large value's to a map of its own, {@code value.VERSION} (by index), dropped whole
 * when the value is replaced. A mesh's typed arrays of 64 KiB or more each get a map of their own too,
 * {@code array.VERSION.N}, named in the entry's header ({@link StoredEntry.Segment}): when the next
 * version of the key holds an array with the very same bytes as the one written before (the indices of a
 * mesh whose positions stream in), its header names the same map instead of writing the array again.
 *
 * <p>Used by the session file's one writer thread; reads are thread safe with each other.
 */
final class ValueMaps {
    /** Below half of G1's smallest region (1 MB): a block is not a humongous object. */
    static final int BLOCK_BYTES = 1 << 18;
    private static final int INDEX_BITS = 21;
    /** Unsaved bytes after which a long value's writing commits on its way (bounds the store's buffers). */
    private static final long COMMIT_EVERY_BYTES = 64L << 20;
    /**
     * Values holding more than this get a map of their own, dropped whole when they are replaced: deleting
     * blocks from the shared map loads each leaf page, values included, back from the file first (a
     * replaced 36 MB mesh was read back in full to be deleted), where dropping a map frees its leaves unread.
     */
    private static final long OWN_MAP_BYTES = 64 << 10;
    /** Typed arrays of at least this many bytes are kept apart, and shared with the next version when unchanged. */
    static final long SEGMENT_BYTES = 64 << 10;

    private final MVStore store;
    private final MVMap<Long, byte[]> blocks;
    private final Runnable commit;
    private long sinceCommit;
    /**
     * Per key, the large typed arrays of the mesh last written and the segments they went to. It holds the
     * key's current value (or one replaced since the last round), so it costs no memory of its own for long.
     */
    private final Map<String, Kept> lastWritten = new HashMap<>();

    /** A mesh's large typed arrays, in the order they are written, and where each is kept. */
    private record Kept(List<WireArray> arrays, List<StoredEntry.Segment> segments) {
    }

    /** What a value's writing produced: its size, the CRC-32C of its bytes outside segments, and the segments. */
    record Written(long size, int crc, List<StoredEntry.Segment> segments) {
    }

    ValueMaps(MVStore store, Runnable commit) {
        this.store = store;
        this.blocks = open("blocks");
        this.commit = commit;
    }

    /** @return a map of blocks, opened with the type that reads a block in one copy */
    private MVMap<Long, byte[]> open(String name) {
        return store.openMap(name, new MVMap.Builder<Long, byte[]>().valueType(BlockType.INSTANCE));
    }

    /**
     * Writes an entry's value, sharing the arrays it has in common with the key's value written before.
     * Not committed until the caller commits (but committed on its way when it is long).
     *
     * @param e the entry
     * @param form its value's form ({@link StoredEntry#formOf})
     * @return where it went
     */
    Written write(SessionEntry e, byte form) throws IOException {
        long version = e.version();
        dropInline(version); // left by an earlier attempt at this very entry (its arrays' maps: see writeSegment)
        Kept before = lastWritten.remove(e.key()); // until this write is done, nothing of it can be shared
        boolean own = e.value().retainedBytes() > OWN_MAP_BYTES;
        BlockWriter inline = own ? new BlockWriter(open(valueMap(version)), -1) : new BlockWriter(blocks, version);
        if (form == StoredEntry.FORM_BYTES) {
            byte[] b = (byte[]) e.value().value();
            inline.write(b, 0, b.length);
            inline.finish();
            return new Written(b.length, inline.crc(), List.of());
        }
        List<WireArray> arrays = new ArrayList<>();
        List<StoredEntry.Segment> segments = new ArrayList<>();
        byte[] scratch = new byte[1 << 16];
        long offset = 0;
        for (Object part : MeshCborWriter.encodeLazily((Mesh) e.value().value())) {
            if (part instanceof WireArray a && a.byteLength() >= SEGMENT_BYTES) {
                int n = arrays.size();
                StoredEntry.Segment same = before != null && n < before.arrays.size() && before.arrays.get(n).sameBytes(a)
                        ? before.segments.get(n).at(offset) : null;
                segments.add(same != null ? same : writeSegment(version, n, a, offset, scratch));
                arrays.add(a);
                offset += a.byteLength();
            } else if (part instanceof WireArray a) {
                a.writeTo(inline, scratch);
                offset += a.byteLength();
            } else {
                ByteBuffer b = ((ByteBuffer) part).duplicate();
                offset += b.remaining();
                while (b.hasRemaining()) {
                    int n = Math.min(b.remaining(), scratch.length);
                    b.get(scratch, 0, n);
                    inline.write(scratch, 0, n);
                }
            }
        }
        inline.finish();
        lastWritten.put(e.key(), new Kept(arrays, segments));
        return new Written(offset, inline.crc(), segments);
    }

    private StoredEntry.Segment writeSegment(long version, int n, WireArray a, long offset, byte[] scratch) throws IOException {
        String name = segmentMap(version, n);
        if (store.hasMap(name)) {
            store.removeMap(name); // left by an earlier attempt at this very entry
        }
        BlockWriter out = new BlockWriter(open(name), -1);
        a.writeTo(out, scratch);
        out.finish();
        return new StoredEntry.Segment(offset, a.byteLength(), out.crc(), name);
    }

    /** Forgets what a key's next value could share (its entry is gone, or was written otherwise). */
    void forget(String key) {
        lastWritten.remove(key);
    }

    /**
     * Reads a value's bytes and checks them against the header's checksums.
     *
     * @param into an array to read them into when it is long enough (its first {@code h.size()} bytes), or null
     * @return the array holding them: {@code into}, or a new one of exactly their length
     * @throws IOException when a block or map is missing, or the bytes are not those written
     */
    byte[] read(StoredEntry.Header h, byte[] into) throws IOException {
        int size = (int) h.size();
        byte[] value = into != null && into.length >= size ? into : new byte[size];
        List<StoredEntry.Segment> segments = h.segments();
        long apart = 0;
        for (StoredEntry.Segment g : segments) {
            apart += g.length();
        }
        byte[] inline = segments.isEmpty() ? value : new byte[(int) (h.size() - apart)];
        int inlineLength = segments.isEmpty() ? size : inline.length;
        String own = valueMap(h.version());
        if (store.hasMap(own)) {
            readBlocks(open(own), -1, inline, 0, inlineLength, "its value", h.crc());
        } else {
            readBlocks(blocks, h.version(), inline, 0, inlineLength, "its value", h.crc());
        }
        int at = 0;
        int from = 0;
        for (StoredEntry.Segment g : segments) {
            int before = (int) (g.offset() - at);
            System.arraycopy(inline, from, value, at, before);
            from += before;
            at += before;
            if (!store.hasMap(g.map())) {
                throw new IOException("the map " + g.map() + " of its value's array at byte " + g.offset() + " is missing");
            }
            if (g.length() > size - at) {
                throw new IOException("its value's array at byte " + g.offset() + " ends past the value's " + size + " bytes");
            }
            readBlocks(open(g.map()), -1, value, at, (int) g.length(), "its value's array at byte " + g.offset(), g.crc());
            at += (int) g.length();
        }
        System.arraycopy(inline, from, value, at, size - at);
        return value;
    }

    /**
     * Reads {@code length} bytes from a map's blocks into {@code out} at {@code from} (keyed by index, or by
     * {@link #blockKey} when {@code version} ≥ 0), where the value is assembled: no copy of its own.
     */
    private static void readBlocks(MVMap<Long, byte[]> map, long version, byte[] out, int from, int length, String what, int crc)
            throws IOException {
        int at = 0;
        for (int i = 0; at < length || (i == 0 && length == 0); i++) {
            byte[] block = map.get(version < 0 ? i : blockKey(version, i));
            if (block == null) {
                throw new IOException("block " + i + " of " + what + " is missing");
            }
            if (block.length > length - at) {
                throw new IOException(what + " is longer than its header says");
            }
            System.arraycopy(block, 0, out, from + at, block.length);
            at += block.length;
        }
        CRC32C c = new CRC32C();
        c.update(out, from, length);
        if ((int) c.getValue() != crc) {
            throw new IOException(what + "'s checksum does not match (it changed on disk)");
        }
    }

    /** Drops what a replaced entry's value holds that its successor's does not share. */
    void dropReplaced(StoredEntry.Header old, StoredEntry.Header kept) {
        Set<String> still = new HashSet<>();
        if (kept != null) {
            kept.segments().forEach(g -> still.add(g.map()));
        }
        for (StoredEntry.Segment g : old.segments()) {
            if (!still.contains(g.map()) && store.hasMap(g.map())) {
                store.removeMap(g.map());
            }
        }
        if (kept == null || kept.version() != old.version()) {
            dropInline(old.version());
        }
    }

    /** Drops everything a version wrote (its writing was interrupted): its value's blocks and its arrays' maps. */
    void dropVersion(long version) {
        dropInline(version);
        String prefix = "array." + version + ".";
        for (String name : new ArrayList<>(store.getMapNames())) {
            if (name.startsWith(prefix)) {
                store.removeMap(name);
            }
        }
    }

    private void dropInline(long version) {
        String own = valueMap(version);
        if (store.hasMap(own)) {
            store.removeMap(own);
            return;
        }
        for (int i = 0; blocks.remove(blockKey(version, i)) != null; i++) {
            // each block in turn, until the first that is not there
        }
    }

    private static String valueMap(long version) {
        return "value." + version;
    }

    private static String segmentMap(long version, int n) {
        return "array." + version + "." + n;
    }

    private static long blockKey(long version, int index) {
        return (version << INDEX_BITS) | index;
    }

    /** Writes bytes into a map's blocks as they come, with their CRC-32C. */
    private final class BlockWriter extends OutputStream {
        private final MVMap<Long, byte[]> target;
        /** The entry's version for the shared map's keys, or -1 for a map of the value's own (keyed by index). */
        private final long version;
        private final CRC32C crc = new CRC32C();
        private byte[] block = new byte[BLOCK_BYTES];
        private int fill;
        private int index;

        BlockWriter(MVMap<Long, byte[]> target, long version) {
            this.target = target;
            this.version = version;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            crc.update(b, off, len);
            while (len > 0) {
                int n = Math.min(len, block.length - fill);
                System.arraycopy(b, off, block, fill, n);
                fill += n;
                off += n;
                len -= n;
                if (fill == block.length) {
                    put(block);
                    block = new byte[BLOCK_BYTES]; // the store holds the last one until it is committed
                    fill = 0;
                }
            }
        }

        private void put(byte[] b) {
            target.put(version < 0 ? index : blockKey(version, index), b);
            index++;
            sinceCommit += b.length;
            if (sinceCommit >= COMMIT_EVERY_BYTES) {
                commit.run();
                sinceCommit = 0;
            }
        }

        void finish() {
            if (fill > 0 || index == 0) {
                byte[] last = new byte[fill];
                System.arraycopy(block, 0, last, 0, fill);
                put(last);
            }
        }

        int crc() {
            return (int) crc.getValue();
        }
    }
}
