package io.meshport.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RankedServicesTest {
    private final List<String> warnings = new ArrayList<>();
    private final Log log = new Log() {
        @Override
        public void info(String message) {
        }

        @Override
        public void warn(String message, Throwable cause) {
            warnings.add(message);
        }

        @Override
        public void error(String message, Throwable cause) {
        }
    };

    @Test
    void theHighestRankingThenTheOldestServesAName() {
        RankedServices<String> r = new RankedServices<>("codec id", log);
        assertEquals(Set.of("ply"), r.add(new RankedServices.Entry<>(10, "ply", 0, "a 1.0", "A")));
        assertEquals(Set.of(), r.add(new RankedServices.Entry<>(11, "ply", 0, "b 1.0", "B")), "the older one keeps it");
        assertEquals("A", r.get("ply").value());
        assertTrue(warnings.get(0).contains("codec id 'ply' is claimed by"), warnings.toString());
        assertTrue(warnings.get(0).endsWith("the one from a 1.0 with ranking 0 serves it"), warnings.toString());
        assertEquals(Set.of("ply"), r.add(new RankedServices.Entry<>(12, "ply", 5, "c 1.0", "C")));
        assertEquals("C", r.get("ply").value());
        assertEquals(Set.of("ply"), r.remove(12));
        assertEquals("A", r.get("ply").value());
        assertEquals(Set.of(), r.remove(99), "an unknown service changes nothing");
        r.add(new RankedServices.Entry<>(13, "stl", 0, "d 1.0", "D"));
        assertEquals(List.of("ply", "stl"), r.names());
        assertEquals(List.of("A", "D"), r.all().stream().map(RankedServices.Entry::value).toList());
        r.remove(10);
        r.remove(11);
        assertNull(r.get("ply"));
        assertEquals(List.of("stl"), r.names());
    }

    @Test
    void aNameBeingUpdatedIsWaitedForAndOthersAreAnsweredAtOnce() throws Exception {
        RankedServices<String> r = new RankedServices<>("codec id", log);
        long t0 = System.nanoTime();
        assertNull(r.await("never", 5000), "a name never served is not waited for");
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L);
        r.add(new RankedServices.Entry<>(1, "mesh", 0, "codecs 1.0", "old"));
        r.remove(1); // its bundle is being updated
        Thread successor = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            r.add(new RankedServices.Entry<>(2, "mesh", 0, "codecs 1.1", "new"));
        });
        successor.start();
        assertEquals("new", r.await("mesh", 10_000).value(), "the request waits for the successor");
        successor.join();
        r.remove(2);
        t0 = System.nanoTime();
        assertNull(r.await("mesh", 300), "no successor: null after the wait");
        assertTrue(System.nanoTime() - t0 >= 250_000_000L);
    }

    @Test
    void aNameThatDepartedIsNotWaitedForAndItsWaitersAreAnsweredAtOnce() throws Exception {
        RankedServices<String> r = new RankedServices<>("codec id", log);
        r.add(new RankedServices.Entry<>(1, "ply", 0, "ply 1.0", "old"));
        r.remove(1); // its bundle stops: being updated or uninstalled, nobody knows yet
        java.util.concurrent.CompletableFuture<Long> waiter = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            long t = System.nanoTime();
            assertNull(r.await("ply", 10_000));
            return (System.nanoTime() - t) / 1_000_000;
        });
        Thread.sleep(200); // the waiter waits
        r.departed("ply"); // it was uninstalled
        assertTrue(waiter.get(5, java.util.concurrent.TimeUnit.SECONDS) < 5_000, "the waiter was answered when the name departed");
        long t0 = System.nanoTime();
        assertNull(r.await("ply", 10_000));
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "a later caller is answered at once");
        r.add(new RankedServices.Entry<>(2, "ply", 0, "ply 1.0", "again"));
        r.departed("ply"); // served again: nothing to forget
        assertEquals("again", r.await("ply", 10_000).value());
    }
}
