package io.meshport.session.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.WriteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blocks written with MVStore's default type read with {@link BlockType}, and the other way round. */
class BlockTypeTest {
    private static final int[] SIZES = {0, 1, 15, 16, 127, 128, 16_383, 16_384, 1 << 20};

    @TempDir
    Path dir;

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static MVMap<Long, byte[]> blocks(MVStore store) {
        return store.openMap("blocks", new MVMap.Builder<Long, byte[]>().valueType(BlockType.INSTANCE));
    }

    @Test
    void aFileWrittenWithTheDefaultTypeReadsWithThisOne() {
        Path f = dir.resolve("a.mv.db");
        try (MVStore s = new MVStore.Builder().fileName(f.toString()).open()) {
            MVMap<Long, byte[]> m = s.openMap("blocks");
            for (int i = 0; i < SIZES.length; i++) {
                m.put((long) i, bytes(SIZES[i], i));
            }
        }
        try (MVStore s = new MVStore.Builder().fileName(f.toString()).open()) {
            MVMap<Long, byte[]> m = blocks(s);
            for (int i = 0; i < SIZES.length; i++) {
                assertArrayEquals(bytes(SIZES[i], i), m.get((long) i), "a block of " + SIZES[i] + " bytes");
            }
        }
    }

    @Test
    void aFileWrittenWithThisTypeReadsWithTheDefaultOne() {
        Path f = dir.resolve("b.mv.db");
        try (MVStore s = new MVStore.Builder().fileName(f.toString()).open()) {
            MVMap<Long, byte[]> m = blocks(s);
            for (int i = 0; i < SIZES.length; i++) {
                m.put((long) i, bytes(SIZES[i], i));
            }
        }
        try (MVStore s = new MVStore.Builder().fileName(f.toString()).open()) {
            MVMap<Long, byte[]> m = s.openMap("blocks");
            for (int i = 0; i < SIZES.length; i++) {
                assertArrayEquals(bytes(SIZES[i], i), m.get((long) i), "a block of " + SIZES[i] + " bytes");
            }
        }
    }

    @Test
    void anythingButAByteArrayIsRefusedAsDamage() {
        WriteBuffer w = new WriteBuffer();
        w.put((byte) 14).put((byte) 5).putVarInt(3).putInt(7); // an int[] in the default type's bytes
        assertThrows(MVStoreException.class, () -> BlockType.INSTANCE.read(w.getBuffer().flip()));
        WriteBuffer longer = new WriteBuffer();
        longer.put((byte) 14).put((byte) 1).putVarInt(1000).put(new byte[10]); // longer than the page holds
        assertThrows(MVStoreException.class, () -> BlockType.INSTANCE.read(longer.getBuffer().flip()));
        assertThrows(MVStoreException.class, () -> BlockType.INSTANCE.read(ByteBuffer.wrap(new byte[] {3})));
    }
}
