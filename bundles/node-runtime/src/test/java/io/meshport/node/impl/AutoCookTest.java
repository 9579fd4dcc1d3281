package io.meshport.node.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;

import org.joml.Vector3f;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshport.mesh.Mesh;
import io.meshport.node.NodeState;
import io.meshport.session.SessionEntry;

/** Nodes re-cook by themselves when a session key they read changes. */
class AutoCookTest extends GraphTestBase {
    Graph g;

    @BeforeEach
    void setUp() {
        register("pull", pull);
        register("offset", offset);
        g = graph(false);
        putMesh("geo/a", triangle(0));
    }

    @Test
    void aNewVersionOfAKeyItReadReCooksTheNodeAndItsDownstream() throws Exception {
        String p = g.create("/obj", "pull", "p");
        g.setParm(p, "key", "geo/a");
        String o = g.create("/obj", "offset", "o");
        g.setInput(o, 0, p);
        g.setParm(o, "output", "geo/out");
        g.cook(o);
        long outBefore = store.get("geo/out").orElseThrow().version();
        putMesh("geo/a", triangle(20));
        await("the downstream node to publish again", () -> store.get("geo/out").orElseThrow().version() > outBefore);
        assertEquals(21f, store.get("geo/out").orElseThrow().value().value(Mesh.class).position(0, new Vector3f()).x);
        assertEquals(2, pull.cooks.get());
        assertEquals(2, offset.cooks.get());
        await("both nodes to be up to date", () -> g.node(o).state() == NodeState.COOKED && g.node(p).state() == NodeState.COOKED);
    }

    @Test
    void autoCookOffLeavesTheNodeOutOfDate() throws Exception {
        String p = g.create("/obj", "pull", "p");
        g.setParm(p, "key", "geo/a");
        g.setParm(p, "output", "geo/out");
        g.setAutoCook(p, false);
        g.cook(p);
        String watcher = g.create("/obj", "pull", "w"); // auto-cook on, reads the same key: the witness
        g.setParm(watcher, "key", "geo/a");
        g.cook(watcher);
        putMesh("geo/a", triangle(5));
        await("the witness to re-cook", () -> pull.cooks.get() == 3);
        Thread.sleep(100);
        assertEquals(NodeState.DIRTY, g.node(p).state());
        assertEquals(3, pull.cooks.get(), "only the witness re-cooked");
        assertTrue(g.node(p).autoCook() == false);
    }

    @Test
    void aNodeNeverCookedDoesNotStartByItself() throws Exception {
        String p = g.create("/obj", "pull", "p");
        g.setParm(p, "key", "geo/a");
        putMesh("geo/a", triangle(5));
        String w = g.create("/obj", "pull", "w");
        g.setParm(w, "key", "geo/b");
        putMesh("geo/b", triangle(0));
        g.cook(w);
        putMesh("geo/b", triangle(1));
        await("the witness to re-cook", () -> pull.cooks.get() == 2);
        assertEquals(NodeState.UNCOOKED, g.node(p).state());
    }

    @Test
    void nodesFeedingEachOtherThroughKeysStopAfterOneRoundPerChange() throws Exception {
        // p1 reads A and writes B; p2 reads B and writes A: each write would re-cook the other forever.
        String p1 = g.create("/obj", "pull", "p1");
        g.setParm(p1, "key", "geo/a");
        g.setParm(p1, "output", "geo/b");
        g.setParm(p1, "dx", 1.0);
        String p2 = g.create("/obj", "pull", "p2");
        g.setParm(p2, "key", "geo/b");
        g.setParm(p2, "output", "geo/a");
        g.setParm(p2, "dx", 1.0);
        g.cook(p1);
        g.cook(p2); // its write to A starts a wave of its own: p1 re-cooks once, then p2 would, and does not
        int cooked = settle(pull.cooks);
        SessionEntry client = putMesh("geo/a", triangle(100)); // a client's write starts one wave
        int after = settle(pull.cooks);
        assertEquals(cooked + 2, after, "p1 then p2 cooked once each, and the wave ended");
        assertEquals(client.version() + 2, store.currentVersion(), "two publishes, then nothing");
    }

    /** Waits until a counter has not moved for 300 ms (at most 10 s). @return its value */
    static int settle(AtomicInteger counter) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        int last = counter.get();
        while (System.nanoTime() < end) {
            Thread.sleep(300);
            int now = counter.get();
            if (now == last) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("the counter kept moving for 10 s: " + last);
    }

    @Test
    void burstsOfChangesEndWithTheLatestVersionCooked() throws Exception {
        String p = g.create("/obj", "pull", "p");
        g.setParm(p, "key", "geo/a");
        g.setParm(p, "output", "geo/out");
        g.cook(p);
        AtomicInteger before = new AtomicInteger(pull.cooks.get());
        for (int i = 1; i <= 50; i++) {
            putMesh("geo/a", triangle(i));
        }
        await("the last version to be cooked", () -> {
            Mesh out = store.get("geo/out").orElseThrow().value().value(Mesh.class);
            return out.position(0, new Vector3f()).x == 50f;
        });
        assertTrue(pull.cooks.get() - before.get() <= 50, "at most one cook per change");
        await("the node to settle", () -> g.node(p).state() == NodeState.COOKED);
        assertEquals(store.get("geo/a").orElseThrow().version(), g.node(p).sessionKeys().get("geo/a"));
        assertTrue(store.get("geo/out").orElseThrow().version() > 0);
    }
}
