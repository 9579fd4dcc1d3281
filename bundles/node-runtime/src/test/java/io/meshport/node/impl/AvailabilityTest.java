package io.meshport.node.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.Mesh;
import io.meshport.node.CookContext;
import io.meshport.node.NodeInfo;
import io.meshport.node.NodeState;
import io.meshport.node.NodeType;
import io.meshport.node.ParmTemplate;
import io.meshport.protocol.ErrorCode;

/** Plugins come and go: their nodes stay, keep their parameters, and work again when they return. */
class AvailabilityTest extends GraphTestBase {

    @Test
    void nodesOfAStoppedPluginStayWithTheirParametersAndWorkWhenItReturns() {
        long service = register("pull", pull);
        Graph g = graph(false);
        putMesh("geo/a", triangle(0));
        String p = g.create("/obj", "pull", "p");
        g.setParm(p, "key", "geo/a");
        g.setParm(p, "dx", 3.0);
        g.cook(p);

        types.remove(service); // the plugin bundle stops
        NodeInfo n = g.node(p);
        assertEquals(NodeState.UNAVAILABLE, n.state());
        assertTrue(n.error().contains("node type 'pull' is not available"), n.error());
        assertEquals("geo/a", n.parms().get("key"));
        assertEquals(3.0, n.parms().get("dx"));
        assertEquals(3.0, g.parm(p, "dx"));
        expect(ErrorCode.CALL_FAILED, "node type 'pull' is not available", () -> g.cook(p));
        expect(ErrorCode.BAD_ARGS, "its parameters cannot be changed now", () -> g.setParm(p, "dx", 1.0));
        expect(ErrorCode.BAD_ARGS, "no node type 'pull'", () -> g.create("/obj", "pull", null));
        assertEquals(List.of("/obj/p"), g.children("/obj"));

        register("pull", pull); // it comes back (a new service)
        assertEquals(NodeState.DIRTY, g.node(p).state(), "available again, and not cooked by the new service yet");
        assertTrue(g.cook(p).recooked(), "a new service of the type means a new cook");
        assertEquals(3.0, g.parm(p, "dx"));
        assertEquals(NodeState.COOKED, g.node(p).state());
    }

    @Test
    void theHigherRankingServesANameClaimedTwice() {
        NodeType other = new NodeType() {
            @Override
            public String description() {
                return "another pull";
            }

            @Override
            public List<ParmTemplate> parms() {
                return List.of(ParmTemplate.textParm("key", ""));
            }

            @Override
            public Mesh cook(CookContext c) {
                return triangle(42);
            }
        };
        register("pull", pull, 0);
        long high = register("pull", other, 10);
        Graph g = graph(false);
        assertEquals("another pull", g.types().stream().filter(t -> t.type().equals("pull")).findFirst().orElseThrow().description());
        types.remove(high);
        assertEquals("reads a session mesh and moves it",
                g.types().stream().filter(t -> t.type().equals("pull")).findFirst().orElseThrow().description());
    }

    @Test
    void unusableTypeServicesAreIgnored() {
        Graph g = graph(false);
        register("1bad", pull);
        register("network", pull);
        types.add(900, null, 0, "x", pull);
        register("twice", new NodeType() {
            @Override
            public String description() {
                return "";
            }

            @Override
            public List<ParmTemplate> parms() {
                return List.of(ParmTemplate.intParm("a", 0), ParmTemplate.floatParm("a", 0));
            }

            @Override
            public Mesh cook(CookContext c) {
                return null;
            }
        });
        assertEquals(List.of("network"), g.types().stream().map(t -> t.type()).toList());
    }
}
