package io.meshport.mesh;

/**
 * The rules a {@link Mesh.Builder} checks when it builds: positions finite (folded into their bounds),
 * indices in range, face counts, and attribute lengths that match what they belong to.
 */
final class MeshChecks {
    private MeshChecks() {
    }

    /** @return an empty fold for {@link #accumulate}: min x y z at +infinity, max x y z at -infinity, sum 0 */
    static float[] newBounds() {
        return new float[] {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 0};
    }

    /**
     * Folds positions {@code [from, to)} (whole points) into {@code acc}: min x y z, max x y z,
     * and a sum that turns NaN at the first non-finite value.
     */
    static void accumulate(float[] p, int from, int to, float[] acc) {
        // Branch-free: x - x is 0 for a finite x and NaN otherwise.
        float finite = acc[6];
        float minX = acc[0], minY = acc[1], minZ = acc[2];
        float maxX = acc[3], maxY = acc[4], maxZ = acc[5];
        for (int i = from; i < to; i += 3) {
            float x = p[i], y = p[i + 1], z = p[i + 2];
            finite += (x - x) + (y - y) + (z - z);
            minX = x < minX ? x : minX;
            minY = y < minY ? y : minY;
            minZ = z < minZ ? z : minZ;
            maxX = x > maxX ? x : maxX;
            maxY = y > maxY ? y : maxY;
            maxZ = z > maxZ ? z : maxZ;
        }
        acc[0] = minX;
        acc[1] = minY;
        acc[2] = minZ;
        acc[3] = maxX;
        acc[4] = maxY;
        acc[5] = maxZ;
        acc[6] = finite;
    }

    static float[] checkPositions(float[] p) {
        // One pass; the offender is looked for only when there is one.
        float[] acc = {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 0};
        accumulate(p, 0, p.length, acc);
        float finite = acc[6];
        float minX = acc[0], minY = acc[1], minZ = acc[2];
        float maxX = acc[3], maxY = acc[4], maxZ = acc[5];
        if (Float.isNaN(finite)) {
            for (int i = 0; i < p.length; i++) {
                if (!Float.isFinite(p[i])) {
                    throw new InvalidMeshException("positions[" + i + "] is " + p[i] + " (point " + (i / 3)
                            + "); positions must be finite");
                }
            }
        }
        if (p.length == 0) {
            return new float[6];
        }
        return new float[] {minX, minY, minZ, maxX, maxY, maxZ};
    }

    static void checkIndices(int[] idx, int points) {
        // Negative for an index below 0 or at or above points: OR-reduced without branches.
        int last = points - 1;
        int bad = 0;
        for (int i : idx) {
            bad |= (last - i) | i;
        }
        if (bad < 0) {
            for (int i = 0; i < idx.length; i++) {
                if (Integer.compareUnsigned(idx[i], points) >= 0) {
                    throw new InvalidMeshException("indices[" + i + "] = " + idx[i] + " is out of range [0, "
                            + points + ")");
                }
            }
        }
    }

    static void checkFaceCounts(int[] counts, int vertices) {
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 3) {
                throw new InvalidMeshException("faceCounts[" + i + "] = " + counts[i]
                        + "; a face has at least 3 vertices");
            }
            sum += counts[i];
        }
        if (sum != vertices) {
            throw new InvalidMeshException("faceCounts sum to " + sum + ", but indices has " + vertices
                    + " entries");
        }
    }

    static boolean allTriangles(int[] counts) {
        for (int c : counts) {
            if (c != 3) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks that each attribute has one tuple per point, vertex or face it belongs to (one for detail).
     *
     * @throws InvalidMeshException naming the first attribute whose length does not match
     */
    static void checkAttributes(Iterable<Attribute> attributes, int points, int vertices, int faces) {
        for (Attribute a : attributes) {
            int count;
            String unit;
            switch (a.owner()) {
                case POINT: count = points; unit = "points"; break;
                case VERTEX: count = vertices; unit = "vertices"; break;
                case FACE: count = faces; unit = "faces"; break;
                default: count = 1; unit = "detail"; break;
            }
            long expected = (long) count * a.size();
            if (a.elementCount() != expected) {
                throw new InvalidMeshException("attributes." + a.name() + ".data has " + a.elementCount()
                        + " elements, expected " + expected + " (" + count + " " + unit + " x size " + a.size()
                        + ")");
            }
        }
    }
}
