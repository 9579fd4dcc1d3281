package io.meshport.benchmarks;

import static io.meshport.benchmarks.Report.count;
import static io.meshport.benchmarks.Report.ms;
import static io.meshport.benchmarks.Report.ratio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.launcher.HostNodes;
import io.meshport.launcher.Shapes;
import io.meshport.mesh.Mesh;
import io.meshport.node.NodeGraph;

/**
 * Remote calls (issue 6): round trips per second of a trivial call ({@code nodes.parm}) from one
 * client and from 16 clients at once, each against {@code ping} (the same round trip without a call)
 * measured in the same run, alternating so that both see the same machine; and the time to fetch a
 * 1,000,000-point scatter output through the Python client, against the Java client fetching the same
 * points in the same run.
 */
final class RemoteBench implements Benchmark {
    private static final String PYTHON = "/usr/bin/python3";

    @Override
    public String name() {
        return "remote";
    }

    @Override
    public String description() {
        return "nodes.parm round trips from 1 and 16 clients vs ping; a 1M-point scatter output fetched by the Python client";
    }

    /** One timed stretch: operations and seconds. */
    private record Rate(long ops, double seconds, String firstError) {
        double perSecond() {
            return ops / seconds;
        }
    }

    /** What one client does in a loop. */
    @FunctionalInterface
    private interface Op {
        void run(MeshportClient c);
    }

    @Override
    public void run(Context c, Report.Section s) throws Exception {
        long stretchMs = c.quick ? 200 : 2000;
        int rounds = c.quick ? 1 : 3;
        int many = 16;
        int points = c.quick ? 20_000 : 1_000_000;
        int fetchRepeats = c.quick ? 2 : 7;
        try (Host h = c.host("remote")) {
            HostNodes nodes = new HostNodes(h.host());
            if (!nodes.awaitType("scatter", 10_000)) {
                throw new IllegalStateException("no scatter node type in the host");
            }
            ClientOptions options = ClientOptions.of("127.0.0.1", h.port()).withClientName("bench remote");
            Mesh grid = Shapes.displacedGrid(c.quick ? 120 : 400);
            try (MeshportClient cl = MeshportClient.connect(options)) {
                cl.put("bench/remote/grid", grid);
            }
            String node = (String) nodes.call("create", "/obj", "scatter", "bench");
            nodes.call("setParm", node, "source", "bench/remote/grid");
            nodes.call("setParm", node, "count", points);
            nodes.call("setParm", node, "output", "bench/remote/points");
            nodes.call("cook", node);

            Op ping = MeshportClient::ping;
            Op parm = cl -> {
                Object v = cl.call("nodes", "parm", node, "count");
                if (!(v instanceof Number) || ((Number) v).intValue() != points) {
                    throw new IllegalStateException("nodes.parm gave " + v);
                }
            };
            List<MeshportClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < many; i++) {
                    clients.add(MeshportClient.connect(options));
                }
                // Warm up both paths (JIT, the call pool's threads) before anything counts.
                race(clients, ping, stretchMs / 2);
                race(clients, parm, stretchMs / 2);
                double[] one = new double[rounds];
                double[] onePing = new double[rounds];
                double[] all = new double[rounds];
                double[] allPing = new double[rounds];
                String error = null;
                for (int r = 0; r < rounds; r++) {
                    Rate a = race(clients.subList(0, 1), ping, stretchMs);
                    Rate b = race(clients.subList(0, 1), parm, stretchMs);
                    Rate d = race(clients, ping, stretchMs);
                    Rate e = race(clients, parm, stretchMs);
                    for (Rate x : List.of(a, b, d, e)) {
                        error = error != null ? error : x.firstError;
                    }
                    onePing[r] = a.perSecond();
                    one[r] = b.perSecond();
                    allPing[r] = d.perSecond();
                    all[r] = e.perSecond();
                }
                if (error != null) {
                    throw new IllegalStateException("a client failed: " + error);
                }
                double oneRate = Stats.median(one);
                double onePingRate = Stats.median(onePing);
                double allRate = Stats.median(all);
                double allPingRate = Stats.median(allPing);
                s.put("parmPerSecond1", oneRate);
                s.put("pingPerSecond1", onePingRate);
                s.put("ratioParmToPing1", oneRate / onePingRate);
                s.put("parmPerSecond16", allRate);
                s.put("pingPerSecond16", allPingRate);
                s.put("ratioParmToPing16", allRate / allPingRate);
                c.say("  1 client:   nodes.parm %,.0f round trips/s, ping %,.0f/s (%.2f×)", oneRate, onePingRate, oneRate / onePingRate);
                c.say("  16 clients: nodes.parm %,.0f round trips/s, ping %,.0f/s (%.2f×)", allRate, allPingRate, allRate / allPingRate);
                s.row("remote call nodes.parm, 1 client, one call at a time", count(oneRate) + " round trips/s",
                        "ping: " + count(onePingRate) + "/s", ratio(oneRate / onePingRate), "");
                s.row("remote call nodes.parm, 16 clients at once", count(allRate) + " round trips/s", "ping: " + count(allPingRate) + "/s",
                        ratio(allRate / allPingRate), "");

                // The Java client fetches the same output in the same run: the baseline for Python's figure.
                double[] java = new double[fetchRepeats];
                MeshportClient first = clients.get(0);
                javaFetch(first, node, points);
                for (int i = 0; i < fetchRepeats; i++) {
                    long t = System.nanoTime();
                    javaFetch(first, node, points);
                    java[i] = Stats.millis(System.nanoTime() - t);
                }
                s.put("javaNodeOutputBestMs", Stats.best(java));
                s.put("javaNodeOutputMedianMs", Stats.median(java));
                Map<String, String> py = python(c, h.port(), node, "bench/remote/points", points, fetchRepeats);
                double pyMedian = Double.parseDouble(py.get("nodeOutputMedianMs"));
                s.put("pythonNodeOutputBestMs", Double.parseDouble(py.get("nodeOutputBestMs")));
                s.put("pythonNodeOutputMedianMs", pyMedian);
                s.put("pythonGetMeshMedianMs", Double.parseDouble(py.get("getMeshMedianMs")));
                s.put("pythonPingMedianMs", Double.parseDouble(py.get("pingMedianMs")));
                s.put("ratioPythonToJavaFetch", pyMedian / Stats.median(java));
                s.put("numpyVersion", py.get("numpy"));
                c.say("  a %,d-point scatter output: Python node_output %.1f ms (best %s), get_mesh of its key %s ms; Java client %.1f ms"
                        + " (best %.1f); Python ping %s ms; NumPy %s", points, pyMedian, py.get("nodeOutputBestMs"),
                        py.get("getMeshMedianMs"), Stats.median(java), Stats.best(java), py.get("pingMedianMs"), py.get("numpy"));
                s.row(String.format(Locale.ROOT, "fetch a %s-point scatter output through the Python client (node_output, median)",
                        count(points)), ms(pyMedian), "Java client: " + ms(Stats.median(java)), ratio(pyMedian / Stats.median(java)), "");
            } finally {
                for (MeshportClient cl : clients) {
                    cl.close();
                }
            }
        }
    }

    private static void javaFetch(MeshportClient c, String node, int points) {
        Mesh m = c.service("nodes", NodeGraph.class).output(node).orElseThrow(() -> new IllegalStateException("no output"));
        if (m.pointCount() != points) {
            throw new IllegalStateException("nodes.output gave " + m.pointCount() + " points");
        }
    }

    /** Every client runs the operation in a loop for the stretch; returns how many completed in all. */
    private static Rate race(List<MeshportClient> clients, Op op, long millis) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicReference<String> error = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        long[] window = new long[2];
        for (MeshportClient cl : clients) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                long end = window[1];
                long n = 0;
                try {
                    while (System.nanoTime() < end) {
                        op.run(cl);
                        n++;
                    }
                } catch (RuntimeException e) {
                    error.compareAndSet(null, e.toString());
                }
                done.addAndGet(n);
            }, "bench-remote");
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        window[0] = System.nanoTime();
        window[1] = window[0] + TimeUnit.MILLISECONDS.toNanos(millis);
        start.countDown(); // the latch publishes window to the threads
        for (Thread t : threads) {
            t.join(millis + 30_000);
        }
        // Operations under way at the end finish a little late; the window counts them as in time.
        return new Rate(done.get(), (System.nanoTime() - window[0]) / 1e9, error.get());
    }

    /** Runs python_fetch.py against the host; its {@code name value} lines. */
    private static Map<String, String> python(Context c, int port, String node, String key, int points, int repeats)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            throw new IllegalStateException("no " + PYTHON + ": the Python client's figure needs python3 with cbor2");
        }
        Path client = Paths.get(System.getProperty("meshport.root", "."), "clients", "python").toAbsolutePath();
        if (!Files.isRegularFile(client.resolve("meshport").resolve("__init__.py"))) {
            throw new IllegalStateException("no Python client (meshport/__init__.py) in " + client
                    + " (run from the checkout, as ./meshport bench does)");
        }
        Path dir = c.folder("python");
        Path script = dir.resolve("python_fetch.py");
        try (InputStream in = RemoteBench.class.getResourceAsStream("python_fetch.py")) {
            Files.copy(in, script);
        }
        Process py = new ProcessBuilder(PYTHON, script.toString(), client.toString(), "127.0.0.1", Integer.toString(port), node, key,
                Integer.toString(points), Integer.toString(repeats)).redirectErrorStream(true).start();
        String text = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!py.waitFor(5, TimeUnit.MINUTES) || py.exitValue() != 0) {
            py.destroyForcibly();
            throw new IllegalStateException("the Python client failed:\n" + text.strip());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] kv = line.strip().split(" ");
            if (kv.length == 2) {
                values.put(kv[0], kv[1]);
            }
        }
        for (String k : List.of("nodeOutputBestMs", "nodeOutputMedianMs", "getMeshMedianMs", "pingMedianMs", "numpy")) {
            if (!values.containsKey(k)) {
                throw new IllegalStateException("the Python client printed no " + k + ":\n" + text.strip());
            }
        }
        return values;
    }
}
