package io.meshport.benchmarks;

import static io.meshport.benchmarks.Report.mb;
import static io.meshport.benchmarks.Report.ratio;

import java.lang.reflect.Method;
import java.util.Locale;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.launcher.EmbeddedHost;
import io.meshport.mesh.Mesh;

/**
 * 5. Memory: the heap the session holds per stored 1,000,000-point, 2,000,000-triangle mesh, against
 * the raw bytes of its arrays (float32 positions, int32 indices). Measured as the used heap after full
 * collections before and after N meshes are put under N keys (and again after they are deleted),
 * cross-checked with the session store's own accounting ({@code SessionStore.usedBytes}).
 */
final class MemoryBench implements Benchmark {
    private static final String STORE = "io.meshport.session.SessionStore";

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public String description() {
        return "heap held by the session per stored 1M-point mesh, vs the raw array bytes";
    }

    @Override
    public void run(Context c, Report.Section s) throws Exception {
        int points = c.quick ? 50_000 : 1_000_000;
        int meshes = c.quick ? 3 : 8;
        Mesh mesh = Meshes.sheet(points, 2 * points);
        long raw = Meshes.rawArrayBytes(mesh);
        s.put("points", points);
        s.put("triangles", 2 * points);
        s.put("meshes", meshes);
        s.put("rawArrayBytes", raw);
        try (Host h = c.host("memory");
                MeshportClient client = MeshportClient.connect(ClientOptions.of("127.0.0.1", h.port()).withClientName("bench memory"))) {
            client.put("bench/mem/warm", mesh);
            client.delete("bench/mem/warm");
            long heap0 = Stats.settledHeap();
            long account0 = usedBytes(h.host());
            for (int i = 0; i < meshes; i++) {
                client.put("bench/mem/" + i, mesh);
            }
            long heap1 = Stats.settledHeap();
            long account1 = usedBytes(h.host());
            for (int i = 0; i < meshes; i++) {
                client.delete("bench/mem/" + i);
            }
            long heap2 = Stats.settledHeap();
            double perMesh = (heap1 - heap0) / (double) meshes;
            double freedPerMesh = (heap1 - heap2) / (double) meshes;
            double accounted = (account1 - account0) / (double) meshes;
            s.put("heapPerMeshBytes", perMesh);
            s.put("heapFreedPerMeshBytes", freedPerMesh);
            s.put("storeAccountPerMeshBytes", accounted);
            s.put("ratioHeapToRaw", perMesh / raw);
            s.put("ratioFreedToRaw", freedPerMesh / raw);
            s.put("ratioAccountToRaw", accounted / raw);
            c.say("  %d meshes: heap %s -> %s -> %s after deleting them; %s per mesh (%s freed per mesh), store's account %s, raw arrays %s",
                    meshes, mb(heap0), mb(heap1), mb(heap2), mb(perMesh), mb(freedPerMesh), mb(accounted), mb(raw));
            double r = perMesh / raw;
            s.row(String.format(Locale.ROOT, "5. memory: heap held by the session per stored %,d-point / %,d-triangle mesh (%d stored; used heap after full GCs, before and after)",
                    points, 2 * points, meshes),
                    mb(perMesh) + " per mesh (" + mb(freedPerMesh) + " freed per mesh on delete; the store's own account " + mb(accounted) + ")",
                    "raw float32/int32 array bytes: " + mb(raw),
                    ratio(r) + "× (freed " + ratio(freedPerMesh / raw) + "×)",
                    "≤ 1.1×: " + s.verdict(r <= 1.1));
        }
    }

    /** @return the session store's own account of the heap its values hold */
    private static long usedBytes(EmbeddedHost host) throws Exception {
        BundleContext ctx = host.framework().getBundleContext();
        ServiceReference<?>[] refs = ctx.getAllServiceReferences(STORE, null);
        if (refs == null || refs.length == 0) {
            throw new IllegalStateException("the host has no session store");
        }
        Object store = ctx.getService(refs[0]);
        try {
            // The API in the host's class space is not the one on this class path: call it by name.
            Method m = refs[0].getBundle().loadClass(STORE).getMethod("usedBytes");
            return ((Number) m.invoke(store)).longValue();
        } finally {
            ctx.ungetService(refs[0]);
        }
    }
}
