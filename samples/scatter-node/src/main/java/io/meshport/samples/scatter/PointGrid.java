package io.meshport.samples.scatter;

/**
 * A uniform 3D grid over a set of points, hashed into a table of buckets so that its size follows the
 * number of points, not the volume of their bounds (points on a surface occupy a thin shell of cells;
 * a dense grid of a sphere's bounding box would be mostly empty). Points are reordered bucket by
 * bucket into one flat coordinate array, so a neighbour search reads contiguous memory.
 *
 * <p>Two cells far apart may share a bucket, but the 27 cells around any cell never do (see
 * {@link #neighbourBuckets(int)}). A search visits those 27 buckets and filters the points it finds by
 * distance: a point of a far cell that shares a bucket costs a distance test but is never reported,
 * and no point is seen twice.
 */
final class PointGrid {
    /** Points in bucket order, {@code x y z} each. */
    final float[] xyz;
    /** {@code order[s]} is the index, in the caller's array, of sorted point {@code s}. */
    final int[] order;
    /** Bucket {@code b} holds sorted points {@code start[b]} to {@code start[b + 1] - 1}. */
    final int[] start;
    /** The number of points. */
    final int count;
    private final int shift;
    private final double minX, minY, minZ, inverseCell;

    // Neighbour buckets of the cell last asked for; points come in bucket order, so consecutive
    // queries usually share a cell and its 27 hashes are computed once.
    private final int[] cached = new int[27];
    private final int[] blocks = new int[8];
    private boolean cachedValid;
    private long cachedX, cachedY, cachedZ;

    private PointGrid(float[] points, int n, double cell) {
        this.count = n;
        double mx = Double.POSITIVE_INFINITY, my = mx, mz = mx;
        for (int i = 0; i < 3 * n; i += 3) {
            mx = Math.min(mx, points[i]);
            my = Math.min(my, points[i + 1]);
            mz = Math.min(mz, points[i + 2]);
        }
        this.minX = mx;
        this.minY = my;
        this.minZ = mz;
        this.inverseCell = 1 / cell;
        // At least 2n buckets, in blocks of 64 (one block per brick): about one block per 32 points.
        int bits = Math.max(7, 64 - Long.numberOfLeadingZeros(Math.max(1L, 2L * n - 1)));
        this.shift = 64 - (bits - 6);
        int buckets = 1 << bits;
        int[] bucketOf = new int[n];
        int[] begin = new int[buckets + 1];
        for (int i = 0; i < n; i++) {
            int b = bucket(cellX(points[3 * i]), cellY(points[3 * i + 1]), cellZ(points[3 * i + 2]));
            bucketOf[i] = b;
            begin[b + 1]++;
        }
        for (int b = 0; b < buckets; b++) {
            begin[b + 1] += begin[b];
        }
        int[] next = new int[buckets];
        System.arraycopy(begin, 0, next, 0, buckets);
        float[] sorted = new float[3 * n];
        int[] ord = new int[n];
        for (int i = 0; i < n; i++) {
            int s = next[bucketOf[i]]++;
            ord[s] = i;
            sorted[3 * s] = points[3 * i];
            sorted[3 * s + 1] = points[3 * i + 1];
            sorted[3 * s + 2] = points[3 * i + 2];
        }
        this.xyz = sorted;
        this.order = ord;
        this.start = begin;
    }

    /**
     * @param points {@code x y z} per point; read, not kept
     * @param n the number of points to use from the start of {@code points}
     * @param cell the cell edge; every pair closer than this lies in neighbouring cells
     * @return the grid
     */
    static PointGrid build(float[] points, int n, double cell) {
        if (!(cell > 0) || Double.isInfinite(cell)) {
            throw new IllegalArgumentException("grid cell size " + cell);
        }
        return new PointGrid(points, n, cell);
    }

    // Coordinates as long: a very long, thin surface can span more than 2^31 cells, and a long keeps
    // neighbouring cells distinct where an int would wrap.
    private long cellX(double x) {
        return (long) ((x - minX) * inverseCell);
    }

    private long cellY(double y) {
        return (long) ((y - minY) * inverseCell);
    }

    private long cellZ(double z) {
        return (long) ((z - minZ) * inverseCell);
    }

    /**
     * Cells are grouped in bricks of 4 x 4 x 4; a brick is hashed to a block of 64 consecutive buckets
     * and its cells fill the block in Morton order. Neighbouring cells then mostly share a brick, so a
     * search touches one or a few contiguous runs of points instead of 27 scattered ones, and the 27
     * cells around a point need at most 8 hashes.
     */
    private int bucket(long cx, long cy, long cz) {
        return block(cx >> 2, cy >> 2, cz >> 2) << 6 | local(cx, cy, cz);
    }

    private int block(long bx, long by, long bz) {
        long k = bx * 0x9E3779B97F4A7C15L ^ by * 0xC2B2AE3D27D4EB4FL ^ bz * 0x165667B19E3779F9L;
        k ^= k >>> 31;
        k *= 0xBF58476D1CE4E5B9L;
        k ^= k >>> 29;
        return (int) ((k * 0x94D049BB133111EBL) >>> shift);
    }

    /** The cell's place in its brick's block: the Morton interleave of the low two bits of each axis. */
    private static int local(long cx, long cy, long cz) {
        return (int) ((cx & 1) | (cy & 1) << 1 | (cz & 1) << 2 | (cx & 2) << 2 | (cy & 2) << 3 | (cz & 2) << 4);
    }

    /**
     * The buckets of the 27 cells around sorted point {@code s}, all distinct. Not thread safe: the
     * returned array is reused by the next call.
     *
     * @param s a sorted point
     * @return the 27 buckets
     */
    int[] neighbourBuckets(int s) {
        long cx = cellX(xyz[3 * s]), cy = cellY(xyz[3 * s + 1]), cz = cellZ(xyz[3 * s + 2]);
        if (cachedValid && cx == cachedX && cy == cachedY && cz == cachedZ) {
            return cached;
        }
        // The neighbourhood spans one or two bricks per axis: hash each brick once. The 27 buckets are
        // always distinct, even when two of these bricks share a block: three consecutive cells on an
        // axis have distinct coordinates modulo 4, so any two of the cells differ in their local index.
        long bx = (cx - 1) >> 2, by = (cy - 1) >> 2, bz = (cz - 1) >> 2;
        boolean twoX = ((cx + 1) >> 2) != bx, twoY = ((cy + 1) >> 2) != by, twoZ = ((cz + 1) >> 2) != bz;
        for (int i = 0; i < 8; i++) {
            if (((i & 1) == 0 || twoX) && ((i & 2) == 0 || twoY) && ((i & 4) == 0 || twoZ)) {
                blocks[i] = block(bx + (i & 1), by + ((i >> 1) & 1), bz + ((i >> 2) & 1));
            }
        }
        int c = 0;
        for (long dz = -1; dz <= 1; dz++) {
            long z = cz + dz;
            int iz = (z >> 2) != bz ? 4 : 0;
            for (long dy = -1; dy <= 1; dy++) {
                long y = cy + dy;
                int iy = (y >> 2) != by ? 2 : 0;
                for (long dx = -1; dx <= 1; dx++) {
                    long x = cx + dx;
                    int ix = (x >> 2) != bx ? 1 : 0;
                    cached[c++] = blocks[ix | iy | iz] << 6 | local(x, y, z);
                }
            }
        }
        cachedValid = true;
        cachedX = cx;
        cachedY = cy;
        cachedZ = cz;
        return cached;
    }

    /**
     * The smallest distance between two of the points, found by searching only neighbouring cells
     * and doubling the cell size until a pair closer than one cell turns up: any closer pair must
     * then lie in neighbouring cells, so the answer is exact, not an estimate.
     *
     * @param points {@code x y z} per point
     * @param n how many points
     * @param firstCell the cell size to try first, about the expected spacing; any positive value works
     * @return the smallest distance, 0 if two points coincide, NaN for fewer than two points
     */
    static double minDistance(float[] points, int n, double firstCell) {
        if (n < 2) {
            return Double.NaN;
        }
        double mx = Double.POSITIVE_INFINITY, my = mx, mz = mx;
        double xx = Double.NEGATIVE_INFINITY, xy = xx, xz = xx;
        for (int i = 0; i < 3 * n; i += 3) {
            mx = Math.min(mx, points[i]);
            my = Math.min(my, points[i + 1]);
            mz = Math.min(mz, points[i + 2]);
            xx = Math.max(xx, points[i]);
            xy = Math.max(xy, points[i + 1]);
            xz = Math.max(xz, points[i + 2]);
        }
        double diagonal = Math.sqrt((xx - mx) * (xx - mx) + (xy - my) * (xy - my) + (xz - mz) * (xz - mz));
        if (diagonal == 0) {
            return 0;
        }
        // A cell below 1e-9 of the bounds would only test rounding; the doubling still ends the
        // search, once the cell exceeds the diagonal (then every pair is a neighbour pair).
        double cell = firstCell > 0 && !Double.isInfinite(firstCell) ? Math.max(firstCell, diagonal * 1e-9)
                : diagonal / Math.cbrt(n);
        while (true) {
            PointGrid g = build(points, n, cell);
            double best = g.closestPairSquared(cell * cell);
            if (best < cell * cell) {
                return Math.sqrt(best);
            }
            cell *= 2;
        }
    }

    /** @return the smallest squared distance below {@code limit} between two points, or {@code limit} */
    private double closestPairSquared(double limit) {
        double best = limit;
        float[] p = xyz;
        for (int s = 0; s < count; s++) {
            double x = p[3 * s], y = p[3 * s + 1], z = p[3 * s + 2];
            int[] buckets = neighbourBuckets(s);
            for (int k = 0; k < 27; k++) {
                int b = buckets[k];
                for (int j = Math.max(start[b], s + 1), end = start[b + 1]; j < end; j++) {
                    double dx = p[3 * j] - x, dy = p[3 * j + 1] - y, dz = p[3 * j + 2] - z;
                    double d2 = dx * dx + dy * dy + dz * dz;
                    if (d2 < best) {
                        best = d2;
                    }
                }
            }
        }
        return best;
    }
}
