package io.meshport.samples.scatter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The paper's definitions (Yuksel 2015, equations 1 and 5 and section 3.2), checked by value. */
class SampleEliminationTest {

    @Test
    void radii() {
        // r_max for 2D: the area of each sample's hexagonal cell, 2 sqrt(3) r^2, times count is A
        double rMax = SampleElimination.maxRadius(3.0, 100);
        assertEquals(3.0, 100 * 2 * Math.sqrt(3) * rMax * rMax, 1e-12);
        // r_min = r_max (1 - (N/M)^gamma) beta with gamma = 1.5, beta = 0.65
        assertEquals(rMax * (1 - Math.pow(0.2, 1.5)) * 0.65, SampleElimination.minRadius(rMax, 100, 500), 1e-15);
        assertEquals(0.5918, SampleElimination.minRadius(1, 100, 500), 1e-4);
    }

    @Test
    void weightsAreLimitedBelowTwiceTheMinimumRadius() {
        double dMax = 2, dMin = 1.2;
        assertEquals(Math.pow(1 - 1.5 / 2, 8), SampleElimination.weight(1.5, dMax, dMin), 1e-15);
        // closer than d_min: weighs like d_min, however close
        double limited = Math.pow(1 - 1.2 / 2, 8);
        assertEquals(limited, SampleElimination.weight(1.2, dMax, dMin), 1e-15);
        assertEquals(limited, SampleElimination.weight(0.3, dMax, dMin), 1e-15);
        assertEquals(limited, SampleElimination.weight(0, dMax, dMin), 1e-15);
        assertEquals(0, SampleElimination.weight(2, dMax, dMin));
        assertEquals(0, SampleElimination.weight(7, dMax, dMin));
    }

    /**
     * Points on a line at 0, 1, 1.1, 3 and 5, d_max 2.5, no limiting. By hand, with w(d) = (1 - d/2.5)^8:
     * W(1) = w(1) + w(0.1) + w(2) = 0.7382 and W(1.1) = w(1.1) + w(0.1) + w(1.9) = 0.7311 lead, so the
     * point at 1 goes first; then W(1.1) = w(1.1) + w(1.9) = 0.009683 beats W(0) = w(1.1) = 0.009672.
     */
    @Test
    void eliminatesTheMostCrowded() {
        float[] p = {0, 0, 0, 1, 0, 0, 1.1f, 0, 0, 3, 0, 0, 5, 0, 0};
        assertArrayEquals(new int[] {0, 2, 3, 4}, SampleElimination.eliminate(p, 5, 4, 2.5, 0));
        assertArrayEquals(new int[] {0, 3, 4}, SampleElimination.eliminate(p, 5, 3, 2.5, 0));
    }
}
