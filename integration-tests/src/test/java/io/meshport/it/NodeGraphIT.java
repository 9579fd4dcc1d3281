package io.meshport.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;

import org.joml.Vector3f;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import io.meshport.client.MeshEntry;
import io.meshport.client.MeshportClient;
import io.meshport.client.PutResult;
import io.meshport.client.Watch;
import io.meshport.client.WatchEvent;
import io.meshport.mesh.Mesh;
import io.meshport.node.CookResult;
import io.meshport.node.NodeGraph;
import io.meshport.node.NodeInfo;
import io.meshport.node.NodeState;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * The node runtime and the scatter plugin in the real host: a client pushes a mesh, a scatter node
 * cooks it, a second push re-cooks it by itself and a watch on the output key sees it; the plugin
 * and the runtime bundle come and go without losing the node.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NodeGraphIT extends HostTestBase {
    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return HostOptions.withShell(HostOptions.host());
    }

    /** @return the node graph service now (it is a new object after the runtime bundle updates) */
    private NodeGraph graph() throws InterruptedException {
        return Osgi.service(context, NodeGraph.class);
    }

    private Bundle bundle(String symbolicName) {
        return Osgi.bundle(context, symbolicName);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Osgi.await(what, condition);
    }

    private static boolean hasType(NodeGraph g, String type) {
        return g.types().stream().anyMatch(t -> t.type().equals(type));
    }

    @After
    public void cleanUp() throws Exception {
        NodeGraph g = graph();
        for (String p : g.children("/obj")) {
            g.delete(p);
        }
    }

    @Test
    public void aPushedMeshIsScatteredAndASecondPushReCooksTheNodeByItself() throws Exception {
        NodeGraph g = graph();
        await("the scatter type", () -> hasType(g, "scatter"));
        try (MeshportClient c = connect()) {
            c.put("it/grid", Meshes.grid(20, 0f));
            String s = g.create("/obj", "scatter", "s1");
            g.setParm(s, "source", "it/grid");
            g.setParm(s, "count", 2000);
            g.setParm(s, "seed", 7);
            g.setParm(s, "output", "it/points");
            CookResult r = g.cook(s);
            assertEquals(2000, r.points());
            assertEquals("it/points", r.outputKey());

            MeshEntry first = c.getMesh("it/points");
            assertEquals(r.outputVersion(), first.version());
            Mesh pts = first.mesh();
            assertEquals(2000, pts.pointCount());
            assertTrue(pts.isPointCloud());
            for (String a : List.of("N", "Cd", "sourceFace", "sourceUV")) {
                assertNotNull("attribute " + a, pts.attribute(a));
            }
            Vector3f v = new Vector3f();
            for (int i = 0; i < pts.pointCount(); i++) {
                pts.position(i, v);
                assertEquals("on the flat grid", 0f, v.z, 0f);
                assertTrue(v.x >= 0 && v.x <= 20 && v.y >= 0 && v.y <= 20);
            }

            LinkedBlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
            try (Watch w = c.watch("it/points", events::add)) {
                PutResult second = c.put("it/grid", Meshes.grid(20, 5f)); // moved up: the samples must follow
                WatchEvent e = events.poll(10, TimeUnit.SECONDS);
                assertNotNull("the output key changed by itself within 10 s", e);
                assertEquals("it/points", e.key());
                assertTrue("after the second push", e.version() > second.version());
                MeshEntry again = c.getMesh("it/points");
                assertEquals(e.version(), again.version());
                assertEquals(5f, again.mesh().position(0, v).z, 0f);
            }
            NodeInfo n = g.node(s);
            assertEquals(2, n.cookCount());
            await("the node to be up to date", () -> g.node(s).state() == NodeState.COOKED);
        }
    }

    @Test
    public void poissonGivesExactlyTheCountWithItsSpacing() throws Exception {
        NodeGraph g = graph();
        await("the scatter type", () -> hasType(g, "scatter"));
        try (MeshportClient c = connect()) {
            c.put("it/grid2", Meshes.grid(10, 0f));
            String s = g.create("/obj", "scatter", null);
            g.setParm(s, "source", "it/grid2");
            g.setParm(s, "method", "poisson");
            g.setParm(s, "count", 500);
            CookResult r = g.cook(s);
            assertEquals(500, r.points());
            double spacing = ((Number) r.stats().get("minSpacing")).doubleValue();
            double radius = ((Number) r.stats().get("targetRadius")).doubleValue();
            assertTrue("min spacing " + spacing + " against r_max " + radius, spacing > 0.5 * radius);
        }
    }

    @Test
    public void badParametersGiveClearErrors() throws Exception {
        NodeGraph g = graph();
        await("the scatter type", () -> hasType(g, "scatter"));
        String s = g.create("/obj", "scatter", "bad");
        expect(ErrorCode.BAD_ARGS, "parameter 'count' (int): -5 is outside the range", () -> g.setParm(s, "count", -5));
        expect(ErrorCode.BAD_ARGS, "parameter 'method' (menu): one of [random, poisson] expected, got text 'grid'",
                () -> g.setParm(s, "method", "grid"));
        expect(ErrorCode.BAD_ARGS, "parameter 'seed' (int): a whole number expected, got 1.5", () -> g.setParm(s, "seed", 1.5));
        expect(ErrorCode.NOT_FOUND, "has no parameter 'cnt'", () -> g.setParm(s, "cnt", 5));
        expect(ErrorCode.CALL_FAILED, "parameter 'source': no session key given", () -> g.cook(s));
        g.setParm(s, "source", "it/absent");
        expect(ErrorCode.CALL_FAILED, "parameter 'source': no key 'it/absent' in the session", () -> g.cook(s));
        g.setParm(s, "source", "it/grid3");
        try (MeshportClient c = connect()) {
            c.put("it/grid3", Meshes.grid(4, 0f));
        }
        g.setParm(s, "attributes", "Cd ^^x");
        expect(ErrorCode.CALL_FAILED, "parameter 'attributes':", () -> g.cook(s));
        assertEquals(NodeState.ERROR, g.node(s).state());
        g.setParm(s, "attributes", "*");
        assertEquals(1000, g.cook(s).points());
    }

    @Test
    public void stoppingThePluginKeepsTheNodeAndItsParameters() throws Exception {
        NodeGraph g = graph();
        await("the scatter type", () -> hasType(g, "scatter"));
        try (MeshportClient c = connect()) {
            c.put("it/grid4", Meshes.grid(8, 0f));
        }
        String s = g.create("/obj", "scatter", "kept");
        g.setParm(s, "source", "it/grid4");
        g.setParm(s, "count", 321);
        g.cook(s);
        Bundle plugin = bundle("io.meshport.scatter-node");
        plugin.stop();
        try {
            NodeInfo n = g.node(s);
            assertEquals(NodeState.UNAVAILABLE, n.state());
            assertTrue(n.error(), n.error().contains("node type 'scatter' is not available"));
            assertEquals(321L, n.parms().get("count"));
            assertEquals("it/grid4", n.parms().get("source"));
            expect(ErrorCode.CALL_FAILED, "not available", () -> g.cook(s));
        } finally {
            plugin.start();
        }
        await("the scatter type back", () -> hasType(g, "scatter"));
        assertEquals(321, g.cook(s).points());
        assertEquals(321L, g.parm(s, "count"));
    }

    @Test
    public void theGraphSurvivesAnUpdateOfTheRuntimeBundle() throws Exception {
        NodeGraph before = graph();
        await("the scatter type", () -> hasType(before, "scatter"));
        String s = before.create("/obj", "scatter", "survivor");
        before.setParm(s, "count", 77);
        before.setParm(s, "method", "poisson");
        before.setAutoCook(s, false);
        String t = before.create("/obj", "transform", "mover");
        before.setInput(t, 0, s);
        before.setParm(t, "t", List.of(1, 2, 3));
        bundle("io.meshport.node-runtime").update();
        await("a new node graph service", () -> {
            try {
                return graph() != before && hasType(graph(), "scatter");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        NodeGraph after = graph();
        NodeInfo n = after.node(s);
        assertEquals(77L, n.parms().get("count"));
        assertEquals("poisson", n.parms().get("method"));
        assertEquals(false, n.autoCook());
        assertEquals(List.of(s), after.node(t).inputs());
        assertEquals(List.of(1.0, 2.0, 3.0), after.parm(t, "t"));
    }

    @Test
    public void theShellCommandsDriveTheGraph() throws Exception {
        NodeGraph g = graph();
        await("the scatter type", () -> hasType(g, "scatter"));
        try (MeshportClient c = connect()) {
            c.put("it/shell", Meshes.grid(5, 0f));
        }
        org.apache.felix.service.command.CommandProcessor shell = Osgi.service(context, org.apache.felix.service.command.CommandProcessor.class);
        java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
        try (org.apache.felix.service.command.CommandSession session = shell.createSession(
                new java.io.ByteArrayInputStream(new byte[0]), sink, sink)) {
            await("the node: commands", () -> {
                try {
                    return String.valueOf(session.execute("node:types")).contains("scatter - scatters points");
                } catch (Exception e) {
                    return false; // not registered yet
                }
            });
            assertEquals("/obj/sh", session.execute("node:create /obj scatter sh"));
            assertEquals("source = it/shell", session.execute("node:set /obj/sh source it/shell"));
            assertEquals("count = 50", session.execute("node:set /obj/sh count 50"));
            assertEquals("BAD_ARGS: /obj/sh: parameter 'count' (int): 'many' is not a number",
                    session.execute("node:set /obj/sh count many"));
            String cooked = String.valueOf(session.execute("node:cook /obj/sh"));
            assertTrue(cooked, cooked.startsWith("/obj/sh cooked in ") && cooked.contains(": 50 points, 0 faces"));
            String info = String.valueOf(session.execute("node:info /obj/sh"));
            assertTrue(info, info.startsWith("/obj/sh  scatter  cooked") && info.contains("count = 50"));
            assertTrue(String.valueOf(session.execute("node:ls")).contains("/obj/sh  scatter  cooked"));
            assertEquals("/obj/sh auto-cook off", session.execute("node:autocook /obj/sh off"));
            assertEquals("NOT_FOUND: no node '/obj/nope'", session.execute("node:info /obj/nope"));
            assertEquals("deleted /obj/sh", session.execute("node:rm /obj/sh"));
        }
    }

    private static void expect(ErrorCode code, String fragment, Runnable r) {
        try {
            r.run();
        } catch (MeshportException e) {
            assertEquals(e.getMessage(), code, e.code());
            assertTrue("'" + e.getMessage() + "' should mention '" + fragment + "'", e.getMessage().contains(fragment));
            return;
        }
        fail("expected " + code + " mentioning '" + fragment + "'");
    }
}
