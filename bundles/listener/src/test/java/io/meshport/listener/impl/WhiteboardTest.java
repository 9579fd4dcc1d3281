package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.meshport.support.Log;
import io.meshport.support.RankedServices;

class WhiteboardTest {
    private static final long PLY_BUNDLE = 7;

    /** Waits for "ply" as a request does, in the background: the future gives the entry's value and the wait. */
    private static CompletableFuture<String> request(Whiteboard<String> w, long[] waitedMs) {
        return CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            RankedServices.Entry<String> e = w.await("ply", 10_000);
            waitedMs[0] = (System.nanoTime() - t0) / 1_000_000;
            return e == null ? null : e.value();
        });
    }

    @Test
    void aNameWhoseBundleIsUninstalledIsNotWaitedForAndItsWaitersAreAnsweredAtOnce() throws Exception {
        Whiteboard<String> w = new Whiteboard<>("codec id", Log.STDERR);
        w.add(new RankedServices.Entry<>(1, "ply", 0, "ply 1.0", "ply"), PLY_BUNDLE);
        w.add(new RankedServices.Entry<>(2, "stl", 0, "stl 1.0", "stl"), 8);
        w.remove(1); // its bundle stops: updated or uninstalled, nobody knows yet
        long[] waited = {0};
        CompletableFuture<String> waiting = request(w, waited);
        Thread.sleep(300);
        assertTrue(!waiting.isDone(), "a request waits while the bundle might be being updated");
        w.uninstalled(8); // another bundle: changes nothing for ply
        Thread.sleep(100);
        assertTrue(!waiting.isDone());
        w.uninstalled(PLY_BUNDLE);
        assertNull(waiting.get(5, TimeUnit.SECONDS));
        assertTrue(waited[0] < 5_000, "the waiting request was answered when the bundle was uninstalled, after " + waited[0] + " ms");
        long t0 = System.nanoTime();
        assertNull(w.await("ply", 10_000));
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "a later request is answered at once");
        assertEquals("stl", w.await("stl", 10_000).value());
    }

    @Test
    void aBundleBeingUpdatedIsWaitedForAndItsSuccessorServes() throws Exception {
        Whiteboard<String> w = new Whiteboard<>("codec id", Log.STDERR);
        w.add(new RankedServices.Entry<>(1, "ply", 0, "ply 1.0", "old"), PLY_BUNDLE);
        w.remove(1);
        long[] waited = {0};
        CompletableFuture<String> waiting = request(w, waited);
        Thread.sleep(200);
        w.add(new RankedServices.Entry<>(2, "ply", 0, "ply 1.1", "new"), PLY_BUNDLE); // the update's new revision
        assertEquals("new", waiting.get(5, TimeUnit.SECONDS));
        w.uninstalled(PLY_BUNDLE); // later uninstalled, while its name is served: nothing it served is waiting
        assertEquals("new", w.get("ply").value());
    }

    @Test
    void aNameStillServedByAnotherBundleIsUntouchedByAnUninstall() {
        Whiteboard<String> w = new Whiteboard<>("codec id", Log.STDERR);
        w.add(new RankedServices.Entry<>(1, "ply", 5, "mine 1.0", "mine"), PLY_BUNDLE);
        w.add(new RankedServices.Entry<>(2, "ply", 0, "theirs 1.0", "theirs"), 9);
        w.remove(1);
        w.uninstalled(PLY_BUNDLE);
        assertEquals("theirs", w.await("ply", 10_000).value());
    }
}
