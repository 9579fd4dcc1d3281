package io.meshport.session.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshport.session.SessionChange;
import io.meshport.session.SessionWrite;

/** The remembered writes: bounded, exact when recalled, and handed to the next store without a copy. */
class RememberedWritesTest {
    private static SessionWrite put(long v) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("points", 3);
        summary.put("bytes", 1L << 40);
        summary.put("bounds", List.of(0f, -1.5f, 2f, 1f, 1f, 3.25f));
        summary.put("scale", 0.1);
        summary.put("name", "ü");
        summary.put("none", null);
        summary.put("flat", true);
        return new SessionWrite("k/" + v, v, SessionChange.Type.PUT, "mesh", summary);
    }

    @Test
    void recallsExactlyWhatWasRememberedAndForgetsTheOldestBeyondCapacity() {
        RememberedWrites w = new RememberedWrites(3);
        for (int i = 1; i <= 5; i++) {
            w.remember("t" + i, put(i));
        }
        w.remember("d", new SessionWrite("gone", 6, SessionChange.Type.DELETE, null, Map.of()));
        assertEquals(3, w.size());
        assertNull(w.recall("t1"));
        assertNull(w.recall("t3"));
        assertEquals(put(5), w.recall("t5"));
        assertEquals(put(5).summary().toString(), w.recall("t5").summary().toString(), "ints, longs, floats and doubles keep their types");
        assertEquals(new SessionWrite("gone", 6, SessionChange.Type.DELETE, null, Map.of()), w.recall("d"));
        assertEquals(List.of("t4", "t5", "d"), List.copyOf(w.toMap().keySet()), "oldest first");
    }

    @Test
    void theNextStoreTakesTheCompactMapAsItIs() {
        RememberedWrites old = new RememberedWrites(10);
        old.remember("a", put(1));
        old.remember("b", put(2));
        Map<String, Object[]> handed = old.handOver();
        RememberedWrites next = new RememberedWrites(10);
        assertTrue(next.adopt(handed));
        assertSame(handed, next.handOver(), "no copy");
        assertEquals(put(2), next.recall("b"));
        next.remember("c", put(3));
        assertEquals(List.of("a", "b", "c"), List.copyOf(next.toMap().keySet()));
    }

    @Test
    void writesHandedOverByAnEarlierRevisionAreTakenAndASmallerCapacityApplies() {
        Map<String, SessionWrite> earlier = new LinkedHashMap<>();
        for (int i = 1; i <= 4; i++) {
            earlier.put("t" + i, put(i));
        }
        RememberedWrites next = new RememberedWrites(2);
        assertTrue(next.adopt(earlier));
        assertEquals(List.of("t3", "t4"), List.copyOf(next.toMap().keySet()));
        assertEquals(put(4), next.recall("t4"));
    }

    @Test
    void somethingElseIsRefusedAndNothingIsTaken() {
        RememberedWrites next = new RememberedWrites(10);
        next.remember("mine", put(1));
        Map<Object, Object> odd = new LinkedHashMap<>();
        odd.put("t1", put(1));
        odd.put("t2", new Object[] {"k", 2L, true, "mesh", "not bytes"});
        assertFalse(next.adopt(odd));
        assertFalse(next.adopt(Map.of(7, put(1))));
        assertEquals(List.of("mine"), List.copyOf(next.toMap().keySet()));
    }
}
