package io.meshport.samples.stl;

import java.util.Arrays;

/**
 * Welds triangle corners into points by exact position: an open-addressing hash table over the three
 * floats' bits (-0 counts as 0), with the points in one growing {@code float[]}. No object per point.
 * Positions must be finite (NaN never equals itself, so it could not be welded).
 */
final class Welder {
    private float[] xyz;
    private int points;
    private int[] table; // point + 1; 0 is empty
    private int mask;

    /** @param expectedPoints a guess of how many distinct points there will be */
    Welder(int expectedPoints) {
        int guess = Math.max(16, Math.min(expectedPoints, 1 << 28));
        xyz = new float[3 * guess];
        int size = Integer.highestOneBit(guess * 2 - 1) << 1;
        table = new int[size];
        mask = size - 1;
    }

    /**
     * @param x a finite x
     * @param y a finite y
     * @param z a finite z
     * @return the point at that position, added if it is new
     */
    int point(float x, float y, float z) {
        // -0 and 0 are one position: adding 0 turns -0 into 0 and leaves everything else alone.
        x += 0f;
        y += 0f;
        z += 0f;
        int i = hash(Float.floatToRawIntBits(x), Float.floatToRawIntBits(y), Float.floatToRawIntBits(z)) & mask;
        while (true) {
            int e = table[i];
            if (e == 0) {
                return add(i, x, y, z);
            }
            int p = 3 * (e - 1);
            if (xyz[p] == x && xyz[p + 1] == y && xyz[p + 2] == z) {
                return e - 1;
            }
            i = (i + 1) & mask;
        }
    }

    private int add(int slot, float x, float y, float z) {
        int point = points;
        if (3 * point + 3 > xyz.length) {
            xyz = Arrays.copyOf(xyz, (int) Math.min(Integer.MAX_VALUE - 16L, xyz.length + (long) (xyz.length >> 1) + 48));
        }
        xyz[3 * point] = x;
        xyz[3 * point + 1] = y;
        xyz[3 * point + 2] = z;
        points++;
        table[slot] = points;
        if (2L * points > table.length) {
            grow();
        }
        return point;
    }

    private void grow() {
        int[] bigger = new int[table.length * 2];
        int m = bigger.length - 1;
        for (int e : table) {
            if (e != 0) {
                int p = 3 * (e - 1);
                int i = hash(Float.floatToRawIntBits(xyz[p]), Float.floatToRawIntBits(xyz[p + 1]),
                        Float.floatToRawIntBits(xyz[p + 2])) & m;
                while (bigger[i] != 0) {
                    i = (i + 1) & m;
                }
                bigger[i] = e;
            }
        }
        table = bigger;
        mask = m;
    }

    private static int hash(int x, int y, int z) {
        int h = x * 0x9E3779B1 + y * 0x85EBCA77 + z * 0xC2B2AE3D;
        h ^= h >>> 15;
        h *= 0x2C1B3C6D;
        return h ^ (h >>> 13);
    }

    /** @return how many points there are */
    int points() {
        return points;
    }

    /** @return {@code x y z} per point, exactly as long as needed */
    float[] positions() {
        return xyz.length == 3 * points ? xyz : Arrays.copyOf(xyz, 3 * points);
    }
}
