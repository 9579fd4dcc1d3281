package io.meshport.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import io.meshport.client.MeshportClient;
import io.meshport.client.MeshportClientException;
import io.meshport.mesh.Mesh;
import io.meshport.node.CookResult;
import io.meshport.node.NodeGraph;
import io.meshport.node.NodeInfo;
import io.meshport.node.NodeState;
import io.meshport.node.NodeTypeInfo;
import io.meshport.node.ParmTemplate;
import io.meshport.node.ParmType;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.ExportedService;

/**
 * Remote control: the node graph exported as {@code nodes}, driven through raw {@code call}s and
 * through the Java client's typed proxy, with every error of docs/protocol.md section 7, and nothing of the
 * host reachable that was not exported on purpose.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RemoteCallIT extends HostTestBase {
    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return HostOptions.host();
    }

    /** A service some bundle registers: one exported on purpose, one not. */
    public interface Greeter {
        String greet(String name);
    }

    /** The implementation has a public method outside the interface. */
    public static final class GreeterService implements Greeter {
        @Override
        public String greet(String name) {
            return "hello " + name;
        }

        public String internals() {
            return "should never be reachable";
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Osgi.await(what, condition);
    }

    private static MeshportClientException expect(ErrorCode code, String fragment, Runnable r) {
        try {
            r.run();
        } catch (MeshportClientException e) {
            assertEquals(e.getMessage(), code, e.code());
            assertTrue("'" + e.getMessage() + "' should mention '" + fragment + "'", e.getMessage().contains(fragment));
            assertFalse(e.getMessage(), e.getMessage().contains("\tat "));
            return e;
        }
        fail("expected " + code);
        return null;
    }

    private MeshportClient scatterReady() throws InterruptedException {
        MeshportClient c = connect();
        await("the scatter type over the wire", () -> String.valueOf(c.call("nodes", "types")).contains("type=scatter"));
        return c;
    }

    @Test
    public void everyNodesMethodThroughRawCalls() throws Exception {
        try (MeshportClient c = scatterReady()) {
            assertTrue(c.hostInfo().services().contains("nodes"));
            c.put("rc/grid", Meshes.grid(6, 1f));
            List<?> types = (List<?>) c.call("nodes", "types");
            Map<?, ?> scatter = types.stream().map(t -> (Map<?, ?>) t).filter(t -> "scatter".equals(t.get("type"))).findFirst().orElseThrow();
            Map<?, ?> count = ((List<?>) scatter.get("parms")).stream().map(p -> (Map<?, ?>) p)
                    .filter(p -> "count".equals(p.get("name"))).findFirst().orElseThrow();
            assertEquals("int", count.get("type"));
            assertEquals(1000L, count.get("default"));

            assertEquals("/obj/raw", c.call("nodes", "create", "/obj", "scatter", "raw"));
            assertEquals(null, c.call("nodes", "setParm", "/obj/raw", "source", "rc/grid"));
            assertEquals(null, c.call("nodes", "setParm", "/obj/raw", "count", 40));
            assertEquals(40L, c.call("nodes", "parm", "/obj/raw", "count"));
            assertTrue(((List<?>) c.call("nodes", "children", "/obj")).contains("/obj/raw"));
            Map<?, ?> cooked = (Map<?, ?>) c.call("nodes", "cook", "/obj/raw");
            assertEquals("/obj/raw", cooked.get("path"));
            assertEquals(40L, cooked.get("points"));
            assertEquals(0L, cooked.get("faces"));
            assertTrue(cooked.containsKey("outputKey"));
            Map<?, ?> node = (Map<?, ?>) c.call("nodes", "node", "/obj/raw");
            assertEquals("COOKED", node.get("state"));
            assertEquals(null, node.get("error"));
            Map<?, ?> output = (Map<?, ?>) c.call("nodes", "output", "/obj/raw");
            assertNotNull("the output geometry travels as the mesh codec's map", output.get("positions"));
            assertEquals("/obj/mover", c.call("nodes", "create", "/obj", "transform", "mover"));
            assertEquals(null, c.call("nodes", "setInput", "/obj/mover", 0, "/obj/raw"));
            assertEquals(null, c.call("nodes", "setAutoCook", "/obj/mover", false));
            assertEquals(null, c.call("nodes", "delete", "/obj/mover"));
            assertEquals(null, c.call("nodes", "delete", "/obj/raw"));
            assertFalse(((List<?>) c.call("nodes", "children", "/obj")).contains("/obj/raw"));
        }
    }

    @Test
    public void everyNodesMethodThroughTheTypedProxy() throws Exception {
        try (MeshportClient c = scatterReady()) {
            c.put("rc/grid2", Meshes.grid(8, 0f));
            NodeGraph nodes = c.service("nodes", NodeGraph.class);
            NodeTypeInfo scatter = nodes.types().stream().filter(t -> t.type().equals("scatter")).findFirst().orElseThrow();
            ParmTemplate method = scatter.parms().stream().filter(p -> p.name().equals("method")).findFirst().orElseThrow();
            assertEquals(ParmType.MENU, method.type());
            assertEquals(List.of("random", "poisson"), method.items());
            assertEquals("records and wire values come back equal to the host's own", ParmTemplate.menuParm("method", "random",
                    "random", "poisson").withLabel("Method").withHelp(method.help()), method);

            String s = nodes.create("/obj", "scatter", "typed");
            nodes.setParm(s, "source", "rc/grid2");
            nodes.setParm(s, "count", 123);
            nodes.setParm(s, "method", "poisson");
            nodes.setParm(s, "output", "rc/points");
            assertEquals(123L, nodes.parm(s, "count"));
            CookResult r = nodes.cook(s);
            assertEquals(123, r.points());
            assertEquals("rc/points", r.outputKey());
            assertTrue(r.recooked());
            assertTrue(r.stats().containsKey("minSpacing"));
            NodeInfo info = nodes.node(s);
            assertEquals(NodeState.COOKED, info.state());
            assertEquals(info, nodes.node(s));
            assertEquals(info.hashCode(), nodes.node(s).hashCode());
            assertTrue(info.toString(), info.toString().startsWith("NodeInfo[path=/obj/typed, type=scatter"));
            Optional<Mesh> out = nodes.output(s);
            assertEquals(123, out.orElseThrow().pointCount());
            assertEquals("the same points as the session holds", c.getMesh("rc/points").mesh(), out.get());
            assertEquals(List.of(s), nodes.children("/obj").stream().filter(p -> p.equals(s)).toList());
            String t = nodes.create("/obj", "transform", null);
            nodes.setInput(t, 0, s);
            nodes.setParm(t, "t", List.of(0, 0, 5));
            assertEquals(123, nodes.cook(t).points());
            assertEquals(5f, nodes.output(t).orElseThrow().position(0, new org.joml.Vector3f()).z, 1e-6f);
            nodes.setAutoCook(t, false);
            assertFalse(nodes.node(t).autoCook());
            nodes.delete(t);
            nodes.delete(s);
            expect(ErrorCode.NOT_FOUND, "no node '/obj/typed'", () -> nodes.node(s));
        }
    }

    @Test
    public void eachErrorCodeOfSectionSeven() throws Exception {
        try (MeshportClient c = scatterReady()) {
            expect(ErrorCode.NO_SERVICE, "no service 'nodez' is exported by this host; it exports: ", () -> c.call("nodez", "types"));
            expect(ErrorCode.NO_METHOD, "service 'nodes' has no method 'reboot'; its methods: children, cook, create,",
                    () -> c.call("nodes", "reboot"));
            expect(ErrorCode.BAD_ARGS, "nodes.create takes 3 arguments (parent, type, name), not 2", () -> c.call("nodes", "create", "/obj", "scatter"));
            expect(ErrorCode.BAD_ARGS, "nodes.setAutoCook argument 2 (on): true or false expected, got text 'yes'",
                    () -> c.call("nodes", "setAutoCook", "/obj", "yes"));
            expect(ErrorCode.NOT_FOUND, "no node '/obj/ghost'", () -> c.call("nodes", "cook", "/obj/ghost"));
            String s = (String) c.call("nodes", "create", "/obj", "scatter", null);
            expect(ErrorCode.BAD_ARGS, "parameter 'count' (int): -1 is outside the range", () -> c.call("nodes", "setParm", s, "count", -1));
            expect(ErrorCode.CALL_FAILED, "cook of " + s + " failed: parameter 'source': no session key given", () -> c.call("nodes", "cook", s));
            Map<?, ?> node = (Map<?, ?>) c.call("nodes", "node", s);
            assertEquals("ERROR", node.get("state"));
            assertTrue(String.valueOf(node.get("error")).contains("no session key given"));
            NodeGraph typed = c.service("nodes", NodeGraph.class);
            MeshportClientException e = expect(ErrorCode.CALL_FAILED, "no session key given", () -> typed.cook(s));
            assertEquals(s, e.detail().get("path"));
            c.call("nodes", "delete", s);
        }
    }

    @Test
    public void nothingThatWasNotExportedCanBeReached() throws Exception {
        Dictionary<String, Object> exported = new Hashtable<>();
        exported.put(ExportedService.PROPERTY, "greeter");
        ServiceRegistration<Greeter> reg = context.registerService(Greeter.class, new GreeterService(), exported);
        ServiceRegistration<Greeter> plain = context.registerService(Greeter.class, new GreeterService(), new Hashtable<>());
        try (MeshportClient c = connect()) {
            await("the greeter exported", () -> {
                try {
                    return "hello you".equals(c.call("greeter", "greet", "you"));
                } catch (MeshportClientException e) {
                    return false;
                }
            });
            assertTrue(c.call("nodes", "types") instanceof List);
            expect(ErrorCode.NO_METHOD, "service 'greeter' has no method 'internals'; its methods: greet", () -> c.call("greeter", "internals"));
            for (String m : List.of("toString", "hashCode", "getClass", "wait", "notify")) {
                expect(ErrorCode.NO_METHOD, "has no method '" + m + "'", () -> c.call("greeter", m));
            }
            for (String name : List.of("SessionStore", "io.meshport.session.SessionStore", "session", "store", "listener",
                    "ListenerStatus", "io.meshport.node.NodeGraph", "NodeGraph", "Greeter", RemoteCallIT.Greeter.class.getName(),
                    "org.osgi.framework.BundleContext", "framework", "system", "", "../nodes", "nodes/", "NODES")) {
                expect(ErrorCode.NO_SERVICE, "no service '" + name + "'", () -> c.call(name, "greet", "x"));
            }
            reg.unregister();
            reg = null;
            await("the greeter gone", () -> {
                try {
                    c.call("greeter", "greet", "you");
                    return false;
                } catch (MeshportClientException e) {
                    return e.code() == ErrorCode.NO_SERVICE;
                }
            });
        } finally {
            if (reg != null) {
                reg.unregister();
            }
            plain.unregister();
        }
    }

    @Test
    public void proxiesAreEqualWhenTheyAreTheSameServiceOfTheSameClient() throws Exception {
        try (MeshportClient c = scatterReady(); MeshportClient d = connect()) {
            NodeGraph a = c.service("nodes", NodeGraph.class);
            NodeGraph b = c.service("nodes", NodeGraph.class);
            NodeGraph other = d.service("nodes", NodeGraph.class);
            assertEquals(a, a);
            assertEquals(a, b);
            assertEquals(a.hashCode(), b.hashCode());
            assertNotEquals(a, other);
            assertNotEquals(a, null);
            assertNotEquals(a, "nodes");
            assertTrue(a.toString(), a.toString().startsWith("NodeGraph 'nodes' at 127.0.0.1:"));
            assertEquals("values returned by two proxies are equal values", a.types(), other.types());
            assertEquals(a.children("/"), b.children("/"));
        }
    }
}
