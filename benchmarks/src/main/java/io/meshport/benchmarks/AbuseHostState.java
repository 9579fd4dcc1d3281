package io.meshport.benchmarks;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.stream.Stream;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.launcher.EmbeddedHost;
import io.meshport.mesh.Mesh;

/**
 * What the abuse benchmark reads of the host around the abuse: its threads and open files,
 * how soon a fresh client is served after it, and the budget the session store took.
 */
final class AbuseHostState {
    private AbuseHostState() {
    }

    /** @return ms until a fresh client's hello, put and get all succeed (retrying for 10 s), or NaN */
    static double recover(ClientOptions options) {
        long t0 = System.nanoTime();
        Mesh tri = Mesh.builder().positions(new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0}).indices(new int[] {0, 1, 2}).build();
        while (System.nanoTime() - t0 < 10_000_000_000L) {
            try (MeshportClient cl = MeshportClient.connect(options.withReconnect(Duration.ZERO))) {
                cl.put("bench/abuse/recovered", tri);
                cl.getMesh("bench/abuse/recovered");
                return Stats.millis(System.nanoTime() - t0);
            } catch (RuntimeException e) {
                AbuseBench.sleepNanos(20_000_000L);
            }
        }
        return Double.NaN;
    }

    /** Waits until the session store has taken the budget of the configuration file; @return the budget it has */
    static long awaitBudget(EmbeddedHost host, long wanted) throws InterruptedException {
        long until = System.currentTimeMillis() + 10_000;
        long seen = -1;
        while (System.currentTimeMillis() < until) {
            seen = storeBudget(host);
            if (seen == wanted) {
                return seen;
            }
            Thread.sleep(50);
        }
        return seen;
    }

    private static long storeBudget(EmbeddedHost host) {
        try {
            BundleContext ctx = host.framework().getBundleContext();
            // All references: the store's API classes are not this class path's (the system bundle sees other copies).
            ServiceReference<?>[] refs = ctx.getAllServiceReferences("io.meshport.session.SessionStore", null);
            if (refs == null || refs.length == 0) {
                return -1;
            }
            ServiceReference<?> ref = refs[0];
            Object store = ctx.getService(ref);
            try {
                for (Class<?> i : store.getClass().getInterfaces()) {
                    if (i.getName().equals("io.meshport.session.SessionStore")) {
                        Method m = i.getMethod("budgetBytes");
                        return ((Number) m.invoke(store)).longValue();
                    }
                }
                return -1;
            } finally {
                ctx.ungetService(ref);
            }
        } catch (ReflectiveOperationException | org.osgi.framework.InvalidSyntaxException | RuntimeException e) {
            return -1;
        }
    }

    /** @return the live threads of this process but the benchmark's own */
    static long hostAndClientThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.getName().startsWith(AbuseBench.PREFIX)).count();
    }

    /** @return the number of file descriptors this process has open (Linux), or -1 */
    static long openFiles() {
        Path fd = Paths.get("/proc/self/fd");
        if (!Files.isDirectory(fd)) {
            return -1;
        }
        try (Stream<Path> st = Files.list(fd)) {
            return st.count();
        } catch (IOException e) {
            return -1;
        }
    }
}
