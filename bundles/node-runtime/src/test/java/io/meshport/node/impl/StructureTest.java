package io.meshport.node.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshport.node.NodeInfo;
import io.meshport.node.NodeState;
import io.meshport.node.NodeTypeInfo;
import io.meshport.protocol.ErrorCode;

/** Paths, networks, creation, deletion and wiring. */
class StructureTest extends GraphTestBase {
    Graph g;

    @BeforeEach
    void setUp() {
        register("pull", pull);
        register("offset", offset);
        g = graph(false);
    }

    @Test
    void objIsThereAndNodesGetNumberedNames() {
        assertEquals(List.of("/obj"), g.children("/"));
        assertEquals("/obj/pull1", g.create("/obj", "pull", null));
        assertEquals("/obj/pull2", g.create("/obj", "pull", ""));
        assertEquals("/obj/mine", g.create("/obj/", "pull", "mine"));
        assertEquals(List.of("/obj/mine", "/obj/pull1", "/obj/pull2"), g.children("/obj"));
        NodeInfo n = g.node("/obj/pull1");
        assertEquals("pull", n.type());
        assertEquals(NodeState.UNCOOKED, n.state());
        assertEquals("", n.parms().get("key"));
        assertEquals(0.0, n.parms().get("dx"));
        assertTrue(n.autoCook());
    }

    @Test
    void typesListsNetworksAndRegisteredTypesSorted() {
        List<NodeTypeInfo> t = g.types();
        assertEquals(List.of("network", "offset", "pull"), t.stream().map(NodeTypeInfo::type).toList());
        NodeTypeInfo off = t.get(1);
        assertEquals(1, off.inputs());
        assertEquals("test-plugin 1.0.0", off.provider());
        assertEquals(List.of("steps", "axis", "extra", "on", "unit", "output"), off.parms().stream().map(p -> p.name()).toList());
    }

    @Test
    void networksNestAndDeleteTakesTheirContents() {
        String geo = g.create("/", "network", "geo");
        String inner = g.create(geo, "network", "inner");
        String a = g.create(inner, "pull", "a");
        String b = g.create("/obj", "offset", "b");
        g.setInput(b, 0, a);
        assertEquals(List.of("/geo", "/obj"), g.children("/"));
        assertEquals(List.of("/geo/inner/a"), g.children("/geo/inner"));
        g.delete(geo);
        assertEquals(List.of("/obj"), g.children("/"));
        expect(ErrorCode.NOT_FOUND, "no node '/geo/inner/a'", () -> g.node(a));
        assertEquals(Arrays.asList((String) null), g.node(b).inputs(), "the input wired to a deleted node is disconnected");
    }

    @Test
    void badStructureRequestsSayWhatWasWrong() {
        String p = g.create("/obj", "pull", "p");
        expect(ErrorCode.NOT_FOUND, "no node '/nope'", () -> g.create("/nope", "pull", null));
        expect(ErrorCode.BAD_ARGS, "not a network", () -> g.create(p, "pull", null));
        expect(ErrorCode.BAD_ARGS, "no node type 'scatterz'; available: network, offset, pull", () -> g.create("/obj", "scatterz", null));
        expect(ErrorCode.BAD_ARGS, "no node type given", () -> g.create("/obj", "", null));
        expect(ErrorCode.BAD_ARGS, "node name '1abc'", () -> g.create("/obj", "pull", "1abc"));
        expect(ErrorCode.BAD_ARGS, "node name 'a/b'", () -> g.create("/obj", "pull", "a/b"));
        expect(ErrorCode.BAD_ARGS, "a node '/obj/p' exists already", () -> g.create("/obj", "pull", "p"));
        expect(ErrorCode.BAD_ARGS, "must start with /", () -> g.node("obj/p"));
        expect(ErrorCode.BAD_ARGS, "cannot be deleted", () -> g.delete("/obj"));
        expect(ErrorCode.BAD_ARGS, "cannot be deleted", () -> g.delete("/"));
        expect(ErrorCode.BAD_ARGS, "not a network: it has no children", () -> g.children(p));
        expect(ErrorCode.BAD_ARGS, "is a network", () -> g.cook("/obj"));
        expect(ErrorCode.NOT_FOUND, "no node '/obj/q'", () -> g.cook("/obj/q"));
    }

    @Test
    void wiringIsCheckedAndCyclesAreRefused() {
        String p = g.create("/obj", "pull", "p");
        String a = g.create("/obj", "offset", "a");
        String b = g.create("/obj", "offset", "b");
        String c = g.create("/obj", "offset", "c");
        g.setInput(a, 0, p);
        g.setInput(b, 0, a);
        g.setInput(c, 0, b);
        expect(ErrorCode.BAD_ARGS, "would make a cycle", () -> g.setInput(a, 0, c));
        expect(ErrorCode.BAD_ARGS, "would make a cycle", () -> g.setInput(a, 0, a));
        expect(ErrorCode.BAD_ARGS, "has 0 inputs; there is no input 0", () -> g.setInput(p, 0, a));
        expect(ErrorCode.BAD_ARGS, "has 1 input, numbered from 0; there is no input 1", () -> g.setInput(a, 1, p));
        expect(ErrorCode.BAD_ARGS, "there is no input -1", () -> g.setInput(a, -1, p));
        expect(ErrorCode.BAD_ARGS, "is a network", () -> g.setInput(a, 0, "/obj"));
        expect(ErrorCode.NOT_FOUND, "no node '/obj/zz'", () -> g.setInput(a, 0, "/obj/zz"));
        assertEquals(List.of("/obj/p"), g.node(a).inputs(), "a refused wiring changes nothing");
        g.setInput(a, 0, null);
        assertEquals(Arrays.asList((String) null), g.node(a).inputs());
        assertFalse(g.node(c).inputs().contains(null));
    }
}
