package io.meshport.node.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import io.meshport.mesh.Mesh;
import io.meshport.node.CookContext;
import io.meshport.node.CookException;
import io.meshport.node.NodeType;
import io.meshport.node.ParmTemplate;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;
import io.meshport.session.impl.SessionStoreImpl;
import io.meshport.support.Log;

/**
 * A graph over the real session store, with node types written for the tests the way a plugin
 * writes them, registered through the same registry the component feeds from the whiteboard.
 */
abstract class GraphTestBase {
    @TempDir
    Path dir;

    final SessionStore store = new SessionStoreImpl(1L << 30, System::currentTimeMillis);
    /** Every line the graphs and their files logged, as {@code LEVEL message}; also written to standard error. */
    final List<String> logged = java.util.Collections.synchronizedList(new ArrayList<>());
    final Log log = new Log() {
        @Override
        public void info(String message) {
            record("INFO", message, null);
        }

        @Override
        public void warn(String message, Throwable cause) {
            record("WARN", message, cause);
        }

        @Override
        public void error(String message, Throwable cause) {
            record("ERROR", message, cause);
        }

        private void record(String level, String message, Throwable cause) {
            logged.add(level + " " + message);
            System.err.println(level + " " + message + (cause == null ? "" : " (" + cause + ")"));
        }
    };
    final TypeRegistry types = new TypeRegistry(Log.STDERR);
    final List<Graph> graphs = new ArrayList<>();
    private long nextServiceId = 100;

    final Pull pull = new Pull();
    final Offset offset = new Offset();

    /** Registers a type as the whiteboard would. @return its service id */
    long register(String name, NodeType type) {
        return register(name, type, 0);
    }

    long register(String name, NodeType type, int ranking) {
        long id = nextServiceId++;
        types.add(id, name, ranking, "test-plugin 1.0.0", type);
        return id;
    }

    Graph graph(boolean saved) {
        return saved ? graphIn(dir.resolve("nodes")) : track(new Graph(store, types, log, null));
    }

    /** @return a graph saved in {@code folder}, closed after the test */
    Graph graphIn(Path folder) {
        return track(new Graph(store, types, log, new GraphFile(folder, log)));
    }

    private Graph track(Graph g) {
        graphs.add(g);
        return g;
    }

    /** @return the lines logged at {@code level} that contain every one of {@code fragments} */
    List<String> logged(String level, String... fragments) {
        List<String> out = new ArrayList<>();
        synchronized (logged) {
            for (String line : logged) {
                if (line.startsWith(level + " ") && java.util.Arrays.stream(fragments).allMatch(line::contains)) {
                    out.add(line);
                }
            }
        }
        return out;
    }

    @AfterEach
    void closeGraphs() {
        for (Graph g : graphs) {
            g.close();
        }
    }

    static Mesh triangle(float x) {
        return Mesh.builder().positions(new float[] {x, 0, 0, x + 1, 0, 0, x, 1, 0}).indices(new int[] {0, 1, 2}).build();
    }

    SessionEntry putMesh(String key, Mesh m) {
        return store.put(key, "mesh", m.retainedBytes(), SessionValue.ofMesh(m), SessionStore.ANY_VERSION);
    }

    static void expect(ErrorCode code, String fragment, Runnable r) {
        MeshportException e = assertThrows(MeshportException.class, r::run);
        assertEquals(code, e.code(), e::getMessage);
        assertTrue(e.getMessage().contains(fragment), () -> "'" + e.getMessage() + "' should mention '" + fragment + "'");
    }

    /** Waits up to 10 s for a condition, polling. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    /**
     * Reads the mesh under parameter {@code key}, moves it by {@code dx}, and publishes it to
     * {@code output} if set; counts its cooks.
     */
    static final class Pull implements NodeType {
        final AtomicInteger cooks = new AtomicInteger();

        @Override
        public String description() {
            return "reads a session mesh and moves it";
        }

        @Override
        public List<ParmTemplate> parms() {
            return List.of(ParmTemplate.textParm("key", ""), ParmTemplate.floatParm("dx", 0).withRange(-100, 100),
                    ParmTemplate.textParm("output", ""), ParmTemplate.toggleParm("fail", false));
        }

        @Override
        public Mesh cook(CookContext c) {
            cooks.incrementAndGet();
            if (c.toggleParm("fail")) {
                throw new CookException("asked to fail");
            }
            Mesh m = c.sessionMesh(c.textParm("key"), "key");
            if (!c.textParm("output").isEmpty()) {
                c.publish(c.textParm("output"));
            }
            c.stat("points", m.pointCount());
            return m.transform(new org.joml.Matrix4f().translation((float) c.floatParm("dx"), 0, 0));
        }
    }

    /** One input, moved by an int {@code steps}, every parameter type present; counts its cooks. */
    static final class Offset implements NodeType {
        final AtomicInteger cooks = new AtomicInteger();

        @Override
        public String description() {
            return "moves its input";
        }

        @Override
        public List<ParmTemplate> parms() {
            return List.of(ParmTemplate.intParm("steps", 1).withRange(0, 10), ParmTemplate.menuParm("axis", "x", "x", "y", "z"),
                    ParmTemplate.vectorParm("extra", 0, 0, 0), ParmTemplate.toggleParm("on", true),
                    ParmTemplate.floatParm("unit", 1.0), ParmTemplate.textParm("output", ""));
        }

        @Override
        public int inputs() {
            return 1;
        }

        @Override
        public Mesh cook(CookContext c) {
            cooks.incrementAndGet();
            Mesh in = c.input(0);
            if (in == null) {
                throw new CookException("input 0 is not connected");
            }
            if (!c.textParm("output").isEmpty()) {
                c.publish(c.textParm("output"));
            }
            float d = c.toggleParm("on") ? (float) (c.intParm("steps") * c.floatParm("unit")) : 0;
            String axis = c.textParm("axis");
            org.joml.Vector3f e = c.vectorParm("extra", new org.joml.Vector3f());
            return in.transform(new org.joml.Matrix4f().translation(axis.equals("x") ? d + e.x : e.x,
                    axis.equals("y") ? d + e.y : e.y, axis.equals("z") ? d + e.z : e.z));
        }
    }
}
