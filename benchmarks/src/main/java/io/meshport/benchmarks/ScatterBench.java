package io.meshport.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.launcher.HostNodes;
import io.meshport.launcher.Shapes;
import io.meshport.mesh.Mesh;

/**
 * {@code meshport bench scatter}: the scatter node cooking in a real host, against a NumPy
 * implementation of trimesh's {@code sample_surface} on the same mesh in the same run (the machines
 * are shared and noisy, so only the ratio means much). The host runs in this process; the mesh goes in
 * through a client, as a user's would; each timed cook has its own seed, so it really cooks.
 *
 * <p>A cook is timed twice: the node's own cook as the graph measures it (sampling and building the
 * output mesh, the area table being cached per source version), and the whole call (with the graph's
 * checks and the write of the points into the session).
 */
final class ScatterBench implements Benchmark {
    private static final String PYTHON = "/usr/bin/python3";

    private PrintStream out;
    private Map<String, Object> figures;

    @Override
    public String name() {
        return "scatter";
    }

    @Override
    public String description() {
        return "the scatter node cooking 1M random points on a 1M-point mesh in a host, vs NumPy (trimesh's sample_surface)";
    }

    @Override
    public void run(Context c, Report.Section section) throws Exception {
        out = c.out;
        figures = section.figures;
        boolean quick = c.quick;
        int side = quick ? 120 : 1000;
        int randomCount = quick ? 20_000 : 1_000_000;
        int poissonCount = quick ? 2_000 : 100_000;
        int warmups = quick ? 5 : 8;
        int runs = quick ? 3 : 11;
        int poissonRuns = quick ? 2 : 4;
        Mesh mesh = Shapes.displacedGrid(side);
        figures.put("sourcePoints", mesh.pointCount());
        figures.put("sourceTriangles", mesh.triangleCount());
        c.say("  source: %,d-point, %,d-triangle mesh with Cd", mesh.pointCount(), mesh.triangleCount());

        try (Host h = c.host("scatter")) {
            HostNodes nodes = new HostNodes(h.host());
            if (!nodes.awaitType("scatter", 10_000)) {
                throw new IllegalStateException("no scatter node type in the host");
            }
            try (MeshportClient cl = MeshportClient.connect(ClientOptions.of("127.0.0.1", h.port()).withClientName("bench"))) {
                cl.put("bench/grid", mesh);
            }
            String s = (String) nodes.call("create", "/obj", "scatter", "bench");
            nodes.call("setParm", s, "source", "bench/grid");
            nodes.call("setParm", s, "attributes", "Cd");
            nodes.call("setParm", s, "output", "bench/points");
            nodes.call("setParm", s, "count", randomCount);

            long t0 = System.nanoTime();
            Map<?, ?> first = (Map<?, ?>) nodes.call("cook", s);
            figures.put("randomFirstCookMs", round((System.nanoTime() - t0) / 1e6));
            check(first, randomCount);
            for (int i = 0; i < warmups; i++) {
                cook(nodes, s, 100 + i, randomCount);
            }
            double[][] random = timed(nodes, s, runs, randomCount);
            figures.put("randomPoints", randomCount);
            figures.put("randomCookBestMs", round(random[0][0]));
            figures.put("randomCookMedianMs", round(random[0][1]));
            figures.put("randomCallBestMs", round(random[1][0]));
            figures.put("randomPointsPerSecond", Math.round(randomCount / (random[0][0] / 1e3)));
            figures.put("randomPointsPerSecondMedian", Math.round(randomCount / (random[0][1] / 1e3)));
            figures.put("randomPointsPerSecondWholeCall", Math.round(randomCount / (random[1][0] / 1e3)));

            nodes.call("setParm", s, "method", "poisson");
            nodes.call("setParm", s, "count", poissonCount);
            cook(nodes, s, 7, poissonCount);
            double[][] poisson = timed(nodes, s, poissonRuns, poissonCount);
            Map<?, ?> stats = (Map<?, ?>) ((Map<?, ?>) nodes.call("node", s)).get("stats");
            figures.put("poissonPoints", poissonCount);
            figures.put("poissonCookBestMs", round(poisson[0][0]));
            figures.put("poissonCookMedianMs", round(poisson[0][1]));
            figures.put("poissonPointsPerSecond", Math.round(poissonCount / (poisson[0][0] / 1e3)));
            figures.put("poissonRelativeSpacing", stats.get("relativeSpacing"));
        }

        Map<String, Double> numpy = numpyBaseline(mesh, randomCount, runs);
        if (numpy != null) {
            figures.put("numpyTrimeshBestMs", round(numpy.get("trimesh_best") * 1e3));
            figures.put("numpyTrimeshPointsPerSecond", Math.round(randomCount / numpy.get("trimesh_best")));
            figures.put("numpySortedBestMs", round(numpy.get("sorted_best") * 1e3));
            figures.put("numpySortedPointsPerSecond", Math.round(randomCount / numpy.get("sorted_best")));
            figures.put("ratioToNumpyTrimesh", round(((Number) figures.get("randomPointsPerSecond")).doubleValue()
                    / ((Number) figures.get("numpyTrimeshPointsPerSecond")).doubleValue()));
            figures.put("ratioToNumpySorted", round(((Number) figures.get("randomPointsPerSecond")).doubleValue()
                    / ((Number) figures.get("numpySortedPointsPerSecond")).doubleValue()));
        }
        table(numpy != null);
        section.row(String.format(Locale.ROOT, "scatter node, `random`, %,d points on a %,d-triangle mesh: node cook, best / median of %d",
                randomCount, mesh.triangleCount(), runs),
                ms("randomCookBestMs") + " / " + ms("randomCookMedianMs") + " = " + mpts("randomPointsPerSecond") + " / "
                        + mpts("randomPointsPerSecondMedian"),
                numpy == null ? "NumPy missing: no baseline"
                        : "NumPy, trimesh's sample_surface as written: " + ms("numpyTrimeshBestMs") + " = " + mpts("numpyTrimeshPointsPerSecond")
                                + "; with sorted uniforms: " + ms("numpySortedBestMs"),
                numpy == null ? "" : figures.get("ratioToNumpyTrimesh") + "× (" + figures.get("ratioToNumpySorted") + "× the sorted variant)",
                "");
        section.row(String.format(Locale.ROOT, "scatter node, `poisson`, %,d points: node cook, best / median of %d", poissonCount, poissonRuns),
                ms("poissonCookBestMs") + " / " + ms("poissonCookMedianMs") + String.format(Locale.ROOT, " = %,d pts/s", figures.get("poissonPointsPerSecond")),
                "", "", "min spacing " + figures.get("poissonRelativeSpacing") + " r_max");
        if (numpy == null) {
            throw new IllegalStateException("the NumPy baseline is missing (" + PYTHON + " with NumPy is needed)");
        }
    }

    private void table(boolean baseline) {
        out.println();
        row("random: first cook (area table built)", ms("randomFirstCookMs"), "");
        row(String.format(Locale.ROOT, "random %,d points: node cook, best / median", figures.get("randomPoints")),
                ms("randomCookBestMs") + " / " + ms("randomCookMedianMs"),
                mpts("randomPointsPerSecond") + " / " + mpts("randomPointsPerSecondMedian"));
        row("random: whole cook call (with the session write), best", ms("randomCallBestMs"), mpts("randomPointsPerSecondWholeCall"));
        row(String.format(Locale.ROOT, "poisson %,d points: node cook, best / median", figures.get("poissonPoints")),
                ms("poissonCookBestMs") + " / " + ms("poissonCookMedianMs"),
                String.format(Locale.ROOT, "%,d pts/s", figures.get("poissonPointsPerSecond")));
        row("poisson: min spacing / r_max", String.valueOf(figures.get("poissonRelativeSpacing")), "");
        if (baseline) {
            row("NumPy, trimesh sample_surface as written, best", ms("numpyTrimeshBestMs"), mpts("numpyTrimeshPointsPerSecond"));
            row("NumPy, the same with sorted uniforms, best", ms("numpySortedBestMs"), mpts("numpySortedPointsPerSecond"));
            row("ratio: node cook / NumPy trimesh (best vs best)", figures.get("ratioToNumpyTrimesh") + "x", "");
            row("ratio: node cook / NumPy sorted variant", figures.get("ratioToNumpySorted") + "x", "");
        } else {
            out.println("NumPy baseline: missing (" + PYTHON + " with NumPy is needed); no ratio");
        }
    }

    private void row(String what, String time, String rate) {
        out.printf(Locale.ROOT, "  %-58s %16s  %s%n", what, time, rate);
    }

    private String ms(String key) {
        return figures.get(key) + " ms";
    }

    private String mpts(String key) {
        return String.format(Locale.ROOT, "%.2f M pts/s", ((Number) figures.get(key)).doubleValue() / 1e6);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static Map<?, ?> cook(HostNodes nodes, String s, long seed, int count) {
        nodes.call("setParm", s, "seed", seed);
        Map<?, ?> r = (Map<?, ?>) nodes.call("cook", s);
        check(r, count);
        return r;
    }

    private static void check(Map<?, ?> r, int count) {
        if (!Boolean.TRUE.equals(r.get("recooked")) || ((Number) r.get("points")).intValue() != count) {
            throw new IllegalStateException("the cook did not run or gave the wrong count: " + r);
        }
    }

    /** @return {best, median} of the node's own cook time, and {best, median} of the whole call, in ms */
    private static double[][] timed(HostNodes nodes, String s, int runs, int count) {
        double[] cook = new double[runs];
        double[] call = new double[runs];
        for (int i = 0; i < runs; i++) {
            System.gc(); // not timed: each run starts with the previous outputs collectable
            nodes.call("setParm", s, "seed", 1000 + i);
            long t = System.nanoTime();
            Map<?, ?> r = (Map<?, ?>) nodes.call("cook", s);
            call[i] = (System.nanoTime() - t) / 1e6;
            check(r, count);
            cook[i] = ((Number) r.get("millis")).doubleValue();
        }
        Arrays.sort(cook);
        Arrays.sort(call);
        return new double[][] {{cook[0], cook[runs / 2]}, {call[0], call[runs / 2]}};
    }

    /** Runs the NumPy baseline on the same mesh; null (said) when Python or NumPy is missing or fails. */
    private Map<String, Double> numpyBaseline(Mesh mesh, int count, int repeats) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return null;
        }
        Path dir = Files.createTempDirectory("meshport-bench-");
        try {
            Path script = dir.resolve("trimesh_sample_surface.py");
            try (InputStream in = ScatterBench.class.getResourceAsStream("trimesh_sample_surface.py")) {
                Files.copy(in, script);
            }
            ByteBuffer pb = ByteBuffer.allocate(12 * mesh.pointCount()).order(ByteOrder.LITTLE_ENDIAN);
            pb.asFloatBuffer().put(mesh.positions());
            Files.write(dir.resolve("positions.f32"), pb.array());
            ByteBuffer ib = ByteBuffer.allocate(4 * mesh.vertexCount()).order(ByteOrder.LITTLE_ENDIAN);
            ib.asIntBuffer().put(mesh.indices());
            Files.write(dir.resolve("indices.i32"), ib.array());
            Process py = new ProcessBuilder(PYTHON, script.toString(), dir.toString(), Integer.toString(count),
                    Integer.toString(repeats)).redirectErrorStream(true).start();
            String text = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!py.waitFor(10, TimeUnit.MINUTES) || py.exitValue() != 0) {
                out.println("NumPy baseline failed:\n" + text.strip());
                return null;
            }
            Map<String, Double> values = new LinkedHashMap<>();
            for (String line : text.split("\n")) {
                String[] kv = line.strip().split(" ");
                if (kv.length == 2 && kv[0].equals("numpy")) {
                    figures.put("numpyVersion", kv[1]);
                } else if (kv.length == 2) {
                    values.put(kv[0], Double.parseDouble(kv[1]));
                }
            }
            return values;
        } finally {
            Benchmark.deleteTree(dir);
        }
    }
}
