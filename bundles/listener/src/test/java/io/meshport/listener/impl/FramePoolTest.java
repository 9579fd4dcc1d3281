package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class FramePoolTest {
    @Test
    void givesBackOnlyArraysOfExactlyTheAskedLength() {
        FramePool pool = new FramePool();
        byte[] a = new byte[FramePool.MIN_BYTES + 10];
        pool.give(a);
        assertNull(pool.take(a.length - 1));
        assertNull(pool.take(a.length + 1));
        assertSame(a, pool.take(a.length));
        assertNull(pool.take(a.length), "an array is handed out once");
        assertEquals(0, pool.heldBytes());
    }

    @Test
    void keepsNeitherSmallNorHugeArrays() {
        FramePool pool = new FramePool();
        pool.give(new byte[FramePool.MIN_BYTES - 1]);
        pool.give(new byte[(int) FramePool.MAX_BYTES + 1]);
        assertEquals(0, pool.heldBytes());
        assertNull(pool.take(FramePool.MIN_BYTES - 1));
    }

    @Test
    void isBoundedInCountAndBytesDroppingTheOldestFirst() {
        FramePool pool = new FramePool();
        int n = FramePool.MIN_BYTES;
        byte[] first = new byte[n];
        pool.give(first);
        for (int i = 1; i < FramePool.MAX_ARRAYS; i++) {
            pool.give(new byte[n + i]);
        }
        assertEquals((long) FramePool.MAX_ARRAYS * n + (FramePool.MAX_ARRAYS - 1) * FramePool.MAX_ARRAYS / 2, pool.heldBytes());
        pool.give(new byte[n + 100]); // one too many: the oldest goes
        assertNull(pool.take(n));
        assertEquals(n + 1, pool.take(n + 1).length);

        int big = (int) (FramePool.MAX_BYTES / 2) + 1;
        pool.give(new byte[big]);
        pool.give(new byte[big]); // both cannot stay within the byte bound
        assertEquals(big, pool.heldBytes());
    }
}
