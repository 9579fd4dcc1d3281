package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.wire.CborTagged;
import io.meshport.wire.CborWriter;
import io.meshport.wire.mesh.MeshCborWriter;

/** docs/protocol.md section 7: call, against a service exported the way bundles export them. */
class CallTest extends HostTestBase {

    /** A point, to see records travel as maps. */
    public record Point(double x, double y, String label) {
    }

    /** To see enums travel by name. */
    public enum Shade {
        LIGHT, DARK
    }

    /** The exported interface: only its methods are callable. */
    public interface Calc {
        long add(long a, long b);

        int half(int value);

        String echo(String text);

        List<Double> scale(List<Double> values, double factor);

        Point middle(Point a, Point b);

        Shade invert(Shade shade);

        Optional<String> maybe(boolean present);

        Mesh moved(Mesh mesh, float dz);

        Object anything(Object value);

        void notFound(String what);

        void boom();

        String waitFor(String name);
    }

    /** The implementation, with a public method of its own that must stay unreachable. */
    public static final class CalcService implements Calc {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);

        @Override
        public long add(long a, long b) {
            return a + b;
        }

        @Override
        public int half(int value) {
            return value / 2;
        }

        @Override
        public String echo(String text) {
            return text;
        }

        @Override
        public List<Double> scale(List<Double> values, double factor) {
            List<Double> out = new ArrayList<>();
            for (double v : values) {
                out.add(v * factor);
            }
            return out;
        }

        @Override
        public Point middle(Point a, Point b) {
            return new Point((a.x() + b.x()) / 2, (a.y() + b.y()) / 2, a.label() + "|" + b.label());
        }

        @Override
        public Shade invert(Shade shade) {
            return shade == Shade.LIGHT ? Shade.DARK : Shade.LIGHT;
        }

        @Override
        public Optional<String> maybe(boolean present) {
            return present ? Optional.of("here") : Optional.empty();
        }

        @Override
        public Mesh moved(Mesh mesh, float dz) {
            return mesh.transform(new org.joml.Matrix4f().translation(0, 0, dz));
        }

        @Override
        public Object anything(Object value) {
            return value;
        }

        @Override
        public void notFound(String what) {
            throw new MeshportException(ErrorCode.NOT_FOUND, "no thing '" + what + "'");
        }

        @Override
        public void boom() {
            throw new IllegalStateException("the calculator broke");
        }

        @Override
        public String waitFor(String name) {
            entered.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "released " + name;
        }

        /** Not in the interface. */
        public String secret() {
            return "leaked";
        }
    }

    private final CalcService calc = new CalcService();
    private long id;

    private void export(ListenerSettings.Builder limits) throws Exception {
        start(limits);
        host.exports.add(1, "calc", 0, "test", calc, List.of(Calc.class));
        host.exports.add(2, "hidden", 0, "test", new Object(), List.of(Object.class)); // no interface: not exported
    }

    private Map<Object, Object> call(RawClient c, String method, Object... args) throws Exception {
        return c.call("op", "call", "id", ++id, "service", "calc", "method", method, "args", java.util.Arrays.asList(args));
    }

    private Object ok(RawClient c, String method, Object... args) throws Exception {
        return Expect.ok(call(c, method, args), id);
    }

    private String error(RawClient c, String code, String method, Object... args) throws Exception {
        Map<Object, Object> r = call(c, method, args);
        Expect.error(r, id, code);
        return Expect.message(r);
    }

    @Test
    void helloListsTheExportedServicesOnly() throws Exception {
        export(ListenerSettings.builder());
        Map<?, ?> hello = Expect.okMap(client().call("op", "hello", "id", 1L, "version", 1L), 1);
        assertEquals(List.of("calc"), hello.get("services"));
    }

    @Test
    void valuesMapBothWays() throws Exception {
        export(ListenerSettings.builder());
        RawClient c = client();
        assertEquals(5L, ok(c, "add", 2L, 3L));
        assertEquals(21L, ok(c, "half", 42.0), "an integral float is a whole number");
        assertEquals("héllo", ok(c, "echo", "héllo"));
        assertEquals(List.of(2.0, 5.0), ok(c, "scale", List.of(1L, 2.5), 2L));
        assertEquals(Map.of("x", 1.0, "y", 2.0, "label", "a|b"),
                ok(c, "middle", Map.of("x", 0L, "y", 0.0, "label", "a"), Map.of("x", 2.0, "y", 4L, "label", "b")));
        assertEquals("DARK", ok(c, "invert", "light"));
        assertEquals("here", ok(c, "maybe", true));
        assertEquals(null, ok(c, "maybe", false));
        assertEquals(Map.of("k", List.of(1L, "two")), ok(c, "anything", Map.of("k", List.of(1L, "two"))));
        assertEquals(null, ok(c, "anything", (Object) null));
    }

    @Test
    void aMeshTravelsAsTheMeshCodecShapeBothWays() throws Exception {
        export(ListenerSettings.builder());
        RawClient c = client();
        Mesh tri = Mesh.builder().positions(new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0}).indices(new int[] {0, 1, 2}).build();
        CborWriter w = new CborWriter().arrayHeader(2); // the args array, the mesh written as the mesh codec writes it
        for (java.nio.ByteBuffer b : MeshCborWriter.encode(tri)) {
            byte[] a = new byte[b.remaining()];
            b.duplicate().get(a);
            w.raw(a, 0, a.length);
        }
        w.float64(2.0);
        Object result = Expect.ok(c.call("op", "call", "id", ++id, "service", "calc", "method", "moved",
                "args", new RawClient.Enc(w.toByteArray())), id);
        Map<?, ?> mesh = assertInstanceOf(Map.class, result);
        CborTagged positions = assertInstanceOf(CborTagged.class, mesh.get("positions"));
        assertEquals(85L, positions.tag(), "float32 little-endian typed array");
        java.nio.FloatBuffer f = java.nio.ByteBuffer.wrap((byte[]) positions.value()).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer();
        assertEquals(2f, f.get(2));
        assertEquals(2f, f.get(8));
        String bad = error(c, "BAD_ARGS", "moved", Map.of("positions", List.of(0L, 0L)), 1.0);
        assertTrue(bad.startsWith("calc.moved argument 1 (mesh): "), bad);
    }

    @Test
    void eachErrorOfSectionSevenNamesWhatWasWrong() throws Exception {
        export(ListenerSettings.builder());
        RawClient c = client();
        Map<Object, Object> r = c.call("op", "call", "id", 1L, "service", "calculator", "method", "add");
        Expect.error(r, 1L, "NO_SERVICE");
        assertEquals("no service 'calculator' is exported by this host; it exports: calc", Expect.message(r));
        r = c.call("op", "call", "id", 2L, "service", "hidden", "method", "toString");
        Expect.error(r, 2L, "NO_SERVICE");

        assertTrue(error(c, "NO_METHOD", "secret").startsWith("service 'calc' has no method 'secret'; its methods: add, anything,"));
        error(c, "NO_METHOD", "toString");
        error(c, "NO_METHOD", "hashCode");
        error(c, "NO_METHOD", "getClass");

        assertEquals("calc.add takes 2 arguments (a, b), not 1 argument", error(c, "BAD_ARGS", "add", 1L));
        assertEquals("calc.add argument 2 (b): a whole number expected, got text 'x'", error(c, "BAD_ARGS", "add", 1L, "x"));
        assertEquals("calc.half argument 1 (value): a whole number between -2147483648 and 2147483647 expected, got 4294967296",
                error(c, "BAD_ARGS", "half", 4294967296L));
        assertEquals("calc.half argument 1 (value): a whole number between -2147483648 and 2147483647 expected, got 2.5",
                error(c, "BAD_ARGS", "half", 2.5));
        assertEquals("calc.invert argument 1 (shade): one of [LIGHT, DARK] expected, got 'grey'", error(c, "BAD_ARGS", "invert", "grey"));
        assertEquals("calc.middle argument 1 (a): field 'x': a number expected, got text 'zero'",
                error(c, "BAD_ARGS", "middle", Map.of("x", "zero", "y", 0L, "label", "a"), Map.of("x", 0L, "y", 0L, "label", "b")));
        assertEquals("calc.scale argument 1 (values): a list expected, got number 3", error(c, "BAD_ARGS", "scale", 3L, 1L));
        assertEquals("calc.add argument 1 (a): long expected, got null", error(c, "BAD_ARGS", "add", null, 1L));

        assertEquals("no thing 'x'", error(c, "NOT_FOUND", "notFound", "x"));
        String failed = error(c, "CALL_FAILED", "boom");
        assertEquals("calc.boom failed: IllegalStateException: the calculator broke", failed);
        assertFalse(failed.contains("\tat "));
        assertEquals(5L, ok(c, "add", 2L, 3L), "the connection goes on after every error");
    }

    @Test
    void aLongCallStallsNeitherOtherClientsNorTheWorkersButKeepsItsConnectionsOrder() throws Exception {
        ListenerSettings.Builder one = ListenerSettings.builder();
        one.workerThreads = 1; // one worker: a call holding it would stall everyone
        export(one);
        RawClient slow = client();
        RawClient other = client();
        slow.msg("op", "call", "id", 1L, "service", "calc", "method", "waitFor", "args", List.of("a"));
        slow.msg("op", "ping", "id", 2L); // pipelined behind the call on the same connection
        assertTrue(calc.entered.await(10, TimeUnit.SECONDS), "the call started");
        Expect.okMap(other.call("op", "ping", "id", 7L), 7); // answered while the call still runs
        assertEquals(5L, Expect.ok(other.call("op", "call", "id", 8L, "service", "calc", "method", "add", "args", List.of(2L, 3L)), 8));
        calc.release.countDown();
        assertEquals("released a", Expect.ok(slow.read(), 1), "the call's reply comes first");
        Expect.okMap(slow.read(), 2);
    }
}
