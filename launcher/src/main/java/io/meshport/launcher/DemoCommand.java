package io.meshport.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.meshport.client.ClientOptions;
import io.meshport.client.EntryInfo;
import io.meshport.client.MeshEntry;
import io.meshport.client.MeshportClient;
import io.meshport.client.PutResult;
import io.meshport.client.Watch;
import io.meshport.client.WatchEvent;
import io.meshport.mesh.Mesh;

/**
 * The {@code meshport demo} command: a host in this process on a temporary data folder, and a client
 * talking to it over TCP: put, get, a positions-only update, list, watch, then a scatter node on the
 * mesh that re-cooks by itself when the mesh changes.
 */
final class DemoCommand {
    private final Main main;
    private final PrintStream out;

    /**
     * @param main the command, which prints the page's address as {@code host} does
     * @param out where to print each step
     */
    DemoCommand(Main main, PrintStream out) {
        this.main = main;
        this.out = out;
    }

    /**
     * @param a the command line after {@code demo}
     * @return the exit code: 1 when a step did not do what it should
     */
    int run(Main.Args a) throws Exception {
        int port = a.has("--port") ? a.port("--port") : 0;
        boolean keep = a.flag("--keep");
        EmbeddedHost.Options options = new EmbeddedHost.Options().port(port).webPort(0);
        Main.webOption(a, options);
        a.noMore();
        Path data = Files.createTempDirectory("meshport-demo-");
        out.println("Meshport demo: a host in this process, a client talking to it over TCP");
        EmbeddedHost host = EmbeddedHost.start(options.data(data));
        try {
            InetSocketAddress addr = host.awaitListener(EmbeddedHost.LISTENER_START_TIMEOUT_MS);
            if (addr == null) {
                throw new IllegalStateException("the demo host stopped before it listened");
            }
            out.printf(Locale.ROOT, "  host started in %.2f s, listening on %s%n", host.secondsSinceStart(), EmbeddedHost.describe(addr));
            main.printPage(host, null, "key=demo/torus&key=demo/points", "  the page: ");
            try (MeshportClient c = MeshportClient.connect(ClientOptions.of(addr.getHostString(), addr.getPort()).withClientName("demo"))) {
                out.println("  connected: session " + c.hostInfo().session() + ", codecs " + c.hostInfo().codecs());
                List<WatchEvent> seen = new CopyOnWriteArrayList<>();
                Watch watch = c.watch("demo/", seen::add);
                Mesh torus = Shapes.torus(256, 128, 2f, 0.6f);
                long t0 = System.nanoTime();
                PutResult put = c.put("demo/torus", torus);
                long t1 = System.nanoTime();
                out.printf(Locale.ROOT, "  put demo/torus: %d points, %d quads, attributes %s -> version %d (%.1f ms)%n",
                        torus.pointCount(), torus.faceCount(), torus.attributes().keySet(), put.version(), (t1 - t0) / 1e6);
                out.println("    summary: " + put.summary());
                MeshEntry back = c.getMesh("demo/torus");
                long t2 = System.nanoTime();
                boolean same = back.mesh().equals(torus);
                out.printf(Locale.ROOT, "  get demo/torus: version %d, %s (%.1f ms)%n", back.version(),
                        same ? "identical positions, indices, face counts, N and Cd" : "DIFFERENT from what was sent", (t2 - t1) / 1e6);
                float[] moved = torus.positions(new float[3 * torus.pointCount()]);
                for (int i = 2; i < moved.length; i += 3) {
                    moved[i] += 0.25f;
                }
                PutResult upd = c.updatePositions("demo/torus", put.version(), moved);
                out.printf(Locale.ROOT, "  moved every point up by 0.25 with base %d (positions only) -> version %d%n", put.version(), upd.version());
                c.putCbor("demo/settings", java.util.Map.of("units", "m", "scale", 1.0));
                c.print("hello from the demo client");
                for (EntryInfo e : c.list("demo/")) {
                    out.printf(Locale.ROOT, "  list: %-14s v%d %-5s via %-5s %8d bytes%n", e.key(), e.version(), e.kind(), e.codec(), e.bytes());
                }
                long until = System.currentTimeMillis() + 2000;
                while (seen.size() < 3 && System.currentTimeMillis() < until) {
                    Thread.sleep(10);
                }
                watch.close();
                StringBuilder ev = new StringBuilder();
                for (WatchEvent e : seen) {
                    ev.append(ev.length() == 0 ? "" : ", ").append(e.change()).append(' ').append(e.key()).append(" v").append(e.version());
                }
                out.println("  watch demo/ saw: " + ev);
                if (!same || seen.size() < 3 || !scatter(host, c)) {
                    out.println("demo FAILED");
                    return 1;
                }
            }
            if (keep) {
                out.println("  the host keeps running (--keep): open the page above to see demo/torus and demo/points; Ctrl-C stops it");
                Runtime.getRuntime().addShutdownHook(new Thread(host::close, "meshport-demo-shutdown"));
                host.awaitStop();
            } else {
                out.println("  (run ./meshport demo --keep to keep the host running and look at the mesh and its points in a browser)");
            }
        } finally {
            host.close();
            deleteTree(data);
        }
        out.println("  host stopped; demo done");
        return 0;
    }

    /**
     * The node part of the demo: a scatter node on the torus, random then Poisson-disk, publishing its
     * points to the session; then a changed torus is pushed and the node re-cooks by itself.
     *
     * @return true if every step did what it should
     */
    private boolean scatter(EmbeddedHost host, MeshportClient c) throws InterruptedException {
        HostNodes nodes = new HostNodes(host);
        if (!nodes.awaitType("scatter", 10_000)) {
            out.println("  no scatter node type in the host (is meshport-scatter-node deployed?)");
            return false;
        }
        String s = (String) nodes.call("create", "/obj", "scatter", "scatter1");
        nodes.call("setParm", s, "source", "demo/torus");
        nodes.call("setParm", s, "count", 200_000);
        nodes.call("setParm", s, "seed", 1);
        nodes.call("setParm", s, "output", "demo/points");
        Map<?, ?> r = (Map<?, ?>) nodes.call("cook", s);
        out.printf(Locale.ROOT, "  node %s (scatter, random) on demo/torus: %d points in %.1f ms -> demo/points v%d%n",
                s, r.get("points"), r.get("millis"), r.get("outputVersion"));
        nodes.call("setParm", s, "method", "poisson");
        nodes.call("setParm", s, "count", 20_000);
        r = (Map<?, ?>) nodes.call("cook", s);
        Map<?, ?> stats = (Map<?, ?>) r.get("stats");
        out.printf(Locale.ROOT, "  same node, method poisson: %d points in %.1f ms, min spacing %.4f (%.2f of the target radius %.4f) -> v%d%n",
                r.get("points"), r.get("millis"), stats.get("minSpacing"), stats.get("relativeSpacing"), stats.get("targetRadius"),
                r.get("outputVersion"));
        long before = ((Number) r.get("outputVersion")).longValue();
        Mesh wider = Shapes.torus(256, 128, 3f, 0.6f);
        PutResult p = c.put("demo/torus", wider);
        out.printf(Locale.ROOT, "  pushed a wider torus to demo/torus -> version %d%n", p.version());
        long until = System.currentTimeMillis() + 20_000;
        Map<?, ?> n = (Map<?, ?>) nodes.call("node", s);
        while (((Number) n.get("outputVersion")).longValue() <= before && System.currentTimeMillis() < until) {
            Thread.sleep(20);
            n = (Map<?, ?>) nodes.call("node", s);
        }
        if (((Number) n.get("outputVersion")).longValue() <= before) {
            out.println("  the scatter node did not re-cook within 20 s: " + n.get("state") + " " + n.get("error"));
            return false;
        }
        stats = (Map<?, ?>) n.get("stats");
        MeshEntry points = c.getMesh("demo/points");
        out.printf(Locale.ROOT, "  %s re-cooked by itself (cook %d, %.1f ms): %d points, min spacing %.4f (%.2f of %.4f) -> demo/points v%d%n",
                s, n.get("cookCount"), n.get("lastCookMillis"), points.mesh().pointCount(), stats.get("minSpacing"),
                stats.get("relativeSpacing"), stats.get("targetRadius"), points.version());
        return points.mesh().pointCount() == 20_000 && points.version() == ((Number) n.get("outputVersion")).longValue();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory; leave what cannot be removed
        }
    }
}
