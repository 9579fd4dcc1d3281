package io.meshport.node.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.joml.Vector3f;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshport.mesh.Mesh;
import io.meshport.node.CookContext;
import io.meshport.node.CookResult;
import io.meshport.node.NodeInfo;
import io.meshport.node.NodeState;
import io.meshport.node.NodeType;
import io.meshport.node.ParmTemplate;
import io.meshport.protocol.ErrorCode;
import io.meshport.session.SessionEntry;
import io.meshport.support.Log;

/** Cooking with caching: a node cooks again only when a parameter, an input or a key it read changed. */
class CookingTest extends GraphTestBase {
    Graph g;

    @BeforeEach
    void setUp() {
        register("pull", pull);
        register("offset", offset);
        g = graph(false);
        putMesh("geo/a", triangle(0));
    }

    @Test
    void aCookIsCachedUntilAParameterChanges() {
        String p = g.create("/obj", "pull", "p");
        g.setParm(p, "key", "geo/a");
        CookResult first = g.cook(p);
        assertTrue(first.recooked());
        assertEquals(3, first.points());
        assertEquals(1, first.faces());
        assertEquals(Map.of("points", 3), first.stats());
        CookResult again = g.cook(p);
        assertFalse(again.recooked());
        assertEquals(1, pull.cooks.get());
        assertEquals(NodeState.COOKED, g.node(p).state());

        g.setParm(p, "dx", 0.0); // the same value: nothing changes
        assertFalse(g.cook(p).recooked());
        g.setParm(p, "dx", 5.0);
        assertEquals(NodeState.DIRTY, g.node(p).state());
        assertTrue(g.cook(p).recooked());
        assertEquals(2, pull.cooks.get());
        assertEquals(5f, g.output(p).orElseThrow().position(0, new Vector3f()).x);
    }

    @Test
    void aSessionKeyThatWasReadMakesTheNodeOutOfDateWhenItChanges() {
        String p = g.create("/obj", "pull", "p");
        g.setParm(p, "key", "geo/a");
        g.setAutoCook(p, false);
        g.cook(p);
        SessionEntry v2 = putMesh("geo/a", triangle(10));
        assertEquals(NodeState.DIRTY, g.node(p).state());
        assertTrue(g.cook(p).recooked());
        assertEquals(10f, g.output(p).orElseThrow().position(0, new Vector3f()).x);
        assertEquals(Map.of("geo/a", v2.version()), g.node(p).sessionKeys());
        putMesh("geo/other", triangle(0)); // a key it did not read
        assertFalse(g.cook(p).recooked());
    }

    @Test
    void aMissingKeyIsAnErrorThatClearsWhenTheKeyAppears() {
        String p = g.create("/obj", "pull", "p");
        g.setParm(p, "key", "geo/later");
        g.setAutoCook(p, false);
        expect(ErrorCode.CALL_FAILED, "cook of /obj/p failed: parameter 'key': no key 'geo/later' in the session", () -> g.cook(p));
        NodeInfo n = g.node(p);
        assertEquals(NodeState.ERROR, n.state());
        assertEquals("parameter 'key': no key 'geo/later' in the session", n.error());
        assertEquals(Map.of("geo/later", 0L), n.sessionKeys(), "the absence was recorded");
        expect(ErrorCode.CALL_FAILED, "no key 'geo/later'", () -> g.cook(p)); // cached error, no second cook
        assertEquals(1, pull.cooks.get());
        putMesh("geo/later", triangle(0));
        assertTrue(g.cook(p).recooked());
        assertNull(g.node(p).error());
        assertEquals(NodeState.COOKED, g.node(p).state());
    }

    @Test
    void errorsNameTheirCause() {
        String p = g.create("/obj", "pull", "p");
        expect(ErrorCode.CALL_FAILED, "parameter 'key': no session key given", () -> g.cook(p));
        g.setParm(p, "key", "bad//key");
        expect(ErrorCode.CALL_FAILED, "parameter 'key':", () -> g.cook(p));
        store.put("geo/blob", "bytes", 3, new io.meshport.session.SessionValue("bytes", new byte[3], null, 3), -1);
        g.setParm(p, "key", "geo/blob");
        expect(ErrorCode.CALL_FAILED, "parameter 'key': 'geo/blob' holds a bytes value, not a mesh", () -> g.cook(p));
        g.setParm(p, "key", "geo/a");
        g.setParm(p, "fail", true);
        expect(ErrorCode.CALL_FAILED, "cook of /obj/p failed: asked to fail", () -> g.cook(p));
        assertNull(g.output(p).orElse(null), "a failed cook leaves no output");

        register("broken", new NodeType() {
            @Override
            public String description() {
                return "throws";
            }

            @Override
            public List<ParmTemplate> parms() {
                return List.of(ParmTemplate.textParm("nothing", ""));
            }

            @Override
            public Mesh cook(CookContext c) {
                String missing = c.textParm("nothing").isEmpty() ? null : "x";
                return missing.isEmpty() ? null : triangle(0);
            }
        });
        String b = g.create("/obj", "broken", null);
        expect(ErrorCode.CALL_FAILED, "the broken node failed: NullPointerException", () -> g.cook(b));
    }

    @Test
    void inputsCookFirstAndTheirChangesPropagate() {
        String p = g.create("/obj", "pull", "p");
        g.setParm(p, "key", "geo/a");
        String a = g.create("/obj", "offset", "a");
        String b = g.create("/obj", "offset", "b");
        expect(ErrorCode.CALL_FAILED, "input 0 is not connected", () -> g.cook(a));
        g.setInput(a, 0, p);
        g.setInput(b, 0, a);
        g.setParm(b, "axis", "y");
        CookResult r = g.cook(b);
        assertTrue(r.recooked());
        Vector3f v = g.output(b).orElseThrow().position(0, new Vector3f());
        assertEquals(new Vector3f(1, 1, 0), v, "a moved along x by 1 step, b along y");
        assertEquals(1, pull.cooks.get());
        assertEquals(3, offset.cooks.get(), "a's failed cook without input, then a and b");

        assertFalse(g.cook(b).recooked(), "nothing changed upstream");
        g.setParm(p, "dx", 2.0);
        assertEquals(NodeState.DIRTY, g.node(b).state(), "an upstream change shows downstream");
        assertTrue(g.cook(b).recooked());
        assertEquals(new Vector3f(3, 1, 0), g.output(b).orElseThrow().position(0, new Vector3f()));
        assertEquals(2, pull.cooks.get());
        assertEquals(5, offset.cooks.get());

        g.setParm(p, "fail", true);
        expect(ErrorCode.CALL_FAILED, "cook of /obj/b failed: input 0 (/obj/a) failed: input 0 (/obj/p) failed: asked to fail",
                () -> g.cook(b));
        g.setParm(p, "fail", false);
        assertTrue(g.cook(b).recooked(), "the error clears once the input is mended");
    }

    @Test
    void aPublishedOutputIsWrittenToTheSessionAndReadingItsOwnKeyDoesNotLoop() throws Exception {
        String p = g.create("/obj", "pull", "p");
        g.setParm(p, "key", "geo/a");
        g.setParm(p, "output", "geo/a"); // reads and writes the same key
        g.setParm(p, "dx", 1.0);
        CookResult r = g.cook(p);
        assertEquals("geo/a", r.outputKey());
        SessionEntry e = store.get("geo/a").orElseThrow();
        assertEquals(r.outputVersion(), e.version());
        assertEquals("mesh", e.codec());
        assertEquals(1f, e.value().value(Mesh.class).position(0, new Vector3f()).x);
        assertFalse(g.cook(p).recooked(), "its own write does not make it out of date");

        // The auto-cook thread sees the write too, and must not cook again. It handles changes one at a time in
        // order: once it has re-cooked a witness for a later change, it is past the node's own write.
        String w = g.create("/obj", "pull", "w");
        g.setParm(w, "key", "geo/b");
        putMesh("geo/b", triangle(0));
        g.cook(w);
        putMesh("geo/b", triangle(1));
        await("the witness to re-cook", () -> g.node(w).cookCount() == 2);
        assertEquals(1, g.node(p).cookCount());
        assertEquals(3, pull.cooks.get(), "p once, the witness twice");
        assertEquals(NodeState.COOKED, g.node(p).state());
    }

    @Test
    void aPublishThatTheSessionRefusesIsTheNodesError() {
        Mesh source = triangle(0);
        io.meshport.session.SessionStore small = new io.meshport.session.impl.SessionStoreImpl(
                source.retainedBytes() * 3 / 2, System::currentTimeMillis);
        small.put("geo/a", "mesh", 1, io.meshport.session.SessionValue.ofMesh(source), -1);
        Graph tiny = new Graph(small, types, Log.STDERR, null);
        graphs.add(tiny);
        String q = tiny.create("/obj", "pull", "q");
        tiny.setParm(q, "key", "geo/a");
        tiny.setParm(q, "output", "geo/copy"); // a second copy does not fit the budget
        expect(ErrorCode.CALL_FAILED, "could not publish to 'geo/copy': the session is full", () -> tiny.cook(q));
        assertTrue(small.get("geo/copy").isEmpty());
        assertNull(tiny.output(q).orElse(null));
    }
}
