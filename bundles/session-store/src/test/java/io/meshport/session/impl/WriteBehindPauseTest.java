package io.meshport.session.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** How long the writer waits between rounds: a share of the cores for requests, within the promised second. */
class WriteBehindPauseTest {
    private static long pauseMillis(long tookMillis) {
        return TimeUnit.NANOSECONDS.toMillis(WriteBehind.pauseAfter(TimeUnit.MILLISECONDS.toNanos(tookMillis)));
    }

    @Test
    void shortRoundsComeAtMostEveryRoundMillis() {
        assertEquals(WriteBehind.ROUND_MILLIS, pauseMillis(1));
        assertEquals(WriteBehind.ROUND_MILLIS, pauseMillis(80));
    }

    @Test
    void aLongerRoundIsFollowedByThreeTimesItsTimeUpToTheMaximum() {
        assertEquals(300, pauseMillis(100));
        assertEquals(600, pauseMillis(200));
    }

    /** A write acknowledged as a round began is on disk when the next, as long, ends: within the second. */
    @Test
    void theNextRoundEndsWithinThePromisedSecondWhileThatCanBe() {
        for (long took = 1; took <= 450; took++) {
            long pause = pauseMillis(took);
            long nextEnds = Math.max(pause, took) + took;
            assertTrue(nextEnds <= WriteBehind.ON_DISK_WITHIN_MILLIS + 1, "a round of " + took + " ms: the next ends after " + nextEnds + " ms");
            assertTrue(nextEnds <= 1000, "a round of " + took + " ms");
        }
        assertEquals(WriteBehind.ON_DISK_WITHIN_MILLIS - 300, pauseMillis(300)); // not 700: 700 + 300 would end after 1 s
        assertEquals(0, pauseMillis(1200)); // a round longer than the second: the next follows at once
    }
}
