package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ClassWarmerTest {
    /** A renamed or removed class must leave the list too, or the warm-up silently loads less. */
    @Test
    void everyListedClassExistsOnce() throws Exception {
        Set<String> seen = new HashSet<>();
        for (String name : ClassWarmer.FIRST_NEEDED) {
            assertTrue(seen.add(name), name + " is listed twice");
            Class<?> c = Class.forName(name, false, ClassWarmer.class.getClassLoader());
            assertEquals(name, c.getName());
        }
    }

    @Test
    void theWarmUpThreadEndsAndStopWaitsForIt() throws Exception {
        ClassWarmer w = new ClassWarmer();
        w.start(null);
        w.stop(null);
        Set<String> names = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            names.add(t.getName());
        }
        assertTrue(!names.contains("meshport-listener-warm-up"), "the warm-up thread is gone after stop: " + names);
    }
}
