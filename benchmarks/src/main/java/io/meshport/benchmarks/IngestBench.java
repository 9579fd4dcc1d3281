package io.meshport.benchmarks;

import static io.meshport.benchmarks.Report.mb;
import static io.meshport.benchmarks.Report.mbps;
import static io.meshport.benchmarks.Report.ms;
import static io.meshport.benchmarks.Report.ratio;

import java.util.Locale;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.client.PutResult;
import io.meshport.mesh.Mesh;

/**
 * 1. Ingest: a put of a 1,000,000-point, 2,000,000-triangle mesh from the Java client into the host
 * over loopback, until its reply, against a plain loopback socket carrying the same bytes into a
 * {@code byte[]}. Then the same mesh as plain CBOR arrays of numbers (float32, and float64 as Python's
 * cbor2 writes floats), sent by a naive client from a ready-made frame, in MB/s of payload. Runs are
 * interleaved (baseline, Meshport, baseline, ...) so that the machine's mood weighs on both alike.
 */
final class IngestBench implements Benchmark {
    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public String description() {
        return "put of a 1M-point, 2M-triangle mesh (typed arrays, Java client) vs a plain loopback socket; also as plain CBOR arrays";
    }

    @Override
    public void run(Context c, Report.Section s) throws Exception {
        int points = c.quick ? 50_000 : 1_000_000;
        int triangles = 2 * points;
        int warmups = c.quick ? 1 : 3;
        int runs = c.quick ? 3 : 9;
        int plainRuns = c.quick ? 2 : 5;
        Mesh mesh = Meshes.sheet(points, triangles);
        byte[] typedFrame = Meshes.putFrame("bench/ingest", Meshes.typedPayload(mesh));
        byte[] plain32 = Meshes.plainPayload(mesh, false);
        byte[] plain32Frame = Meshes.putFrame("bench/plain32", plain32);
        byte[] plain64 = Meshes.plainPayload(mesh, true);
        byte[] plain64Frame = Meshes.putFrame("bench/plain64", plain64);
        long frameBytes = typedFrame.length;
        s.put("points", points);
        s.put("triangles", triangles);
        s.put("typedFrameBytes", frameBytes);
        s.put("plainFloat32PayloadBytes", plain32.length);
        s.put("plainFloat64PayloadBytes", plain64.length);
        c.say("  mesh: %,d points, %,d triangles; a put frame of %s with typed arrays, plain CBOR payloads of %s (float32) and %s (float64)",
                points, triangles, mb(frameBytes), mb(plain32.length), mb(plain64.length));

        double[] meshport = new double[runs];
        double[] socket = new double[runs];
        double[] p32 = new double[plainRuns];
        double[] p32Socket = new double[plainRuns];
        double[] p64 = new double[plainRuns];
        double[] p64Socket = new double[plainRuns];
        try (Host h = c.host("ingest");
                Loopback plain = new Loopback();
                MeshportClient client = MeshportClient.connect(ClientOptions.of("127.0.0.1", h.port()).withClientName("bench ingest"));
                Loopback.Conn naive = new Loopback.Conn(h.port());
                Loopback.Conn baseline = new Loopback.Conn(plain.port())) {
            PutResult r = client.put("bench/ingest", mesh);
            if (((Number) r.summary().get("points")).intValue() != points) {
                throw new IllegalStateException("the host stored " + r.summary());
            }
            naive.callOk(plain32Frame); // the host takes plain arrays too
            for (int i = 0; i < warmups; i++) {
                baseline.call(typedFrame);
                client.put("bench/ingest", mesh);
                baseline.call(plain32Frame);
                naive.callOk(plain32Frame);
                naive.callOk(plain64Frame);
            }
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                baseline.call(typedFrame);
                long t1 = System.nanoTime();
                client.put("bench/ingest", mesh);
                long t2 = System.nanoTime();
                socket[i] = Stats.millis(t1 - t0);
                meshport[i] = Stats.millis(t2 - t1);
            }
            for (int i = 0; i < plainRuns; i++) {
                long t0 = System.nanoTime();
                baseline.call(plain32Frame);
                long t1 = System.nanoTime();
                naive.callOk(plain32Frame);
                long t2 = System.nanoTime();
                baseline.call(plain64Frame);
                long t3 = System.nanoTime();
                naive.callOk(plain64Frame);
                long t4 = System.nanoTime();
                p32Socket[i] = Stats.millis(t1 - t0);
                p32[i] = Stats.millis(t2 - t1);
                p64Socket[i] = Stats.millis(t3 - t2);
                p64[i] = Stats.millis(t4 - t3);
            }
        }

        double mBest = Stats.best(meshport);
        double mMed = Stats.median(meshport);
        double sBest = Stats.best(socket);
        double sMed = Stats.median(socket);
        s.put("runs", runs);
        s.put("typedBestMs", mBest);
        s.put("typedMedianMs", mMed);
        s.put("typedMBps", frameBytes / 1e3 / mBest);
        s.put("typedMBpsMedian", frameBytes / 1e3 / mMed);
        s.put("socketBestMs", sBest);
        s.put("socketMedianMs", sMed);
        s.put("socketMBps", frameBytes / 1e3 / sBest);
        s.put("socketMBpsMedian", frameBytes / 1e3 / sMed);
        s.put("ratioTypedToSocket", sBest / mBest);
        s.put("ratioTypedToSocketMedian", sMed / mMed);
        plainFigures(s, "plainFloat32", plain32.length, plain32Frame.length, p32, p32Socket);
        plainFigures(s, "plainFloat64", plain64.length, plain64Frame.length, p64, p64Socket);
        c.say("  typed arrays, Java client: best %s, median %s; plain socket: best %s, median %s",
                ms(mBest), ms(mMed), ms(sBest), ms(sMed));
        c.say("  plain CBOR float32: best %s (%s of payload); float64: best %s (%s of payload)", ms(Stats.best(p32)),
                mbps(s.number("plainFloat32PayloadMBps")), ms(Stats.best(p64)), mbps(s.number("plainFloat64PayloadMBps")));

        double ratio = s.number("ratioTypedToSocket");
        s.row(String.format(Locale.ROOT, "1. ingest: put of %,d points / %,d triangles as typed arrays (%s frame), Java client, until the reply; best / median of %d",
                points, triangles, mb(frameBytes), runs),
                ms(mBest) + " / " + ms(mMed) + " = " + mbps(s.number("typedMBps")) + " / " + mbps(s.number("typedMBpsMedian")),
                "plain loopback socket, the same bytes into a byte[]: " + ms(sBest) + " / " + ms(sMed) + " = "
                        + mbps(s.number("socketMBps")) + " / " + mbps(s.number("socketMBpsMedian")),
                ratio(ratio) + " / " + ratio(s.number("ratioTypedToSocketMedian")),
                "≥ 0.6 of the socket: " + s.verdict(ratio >= 0.6));
        plainRow(s, "plainFloat32", "1b. the same mesh as plain CBOR arrays, float32 numbers", plain32.length, plainRuns);
        plainRow(s, "plainFloat64", "1c. the same, float64 numbers (Python cbor2's default)", plain64.length, plainRuns);
    }

    private static void plainFigures(Report.Section s, String p, long payload, long frame, double[] t, double[] socket) {
        double best = Stats.best(t);
        double sb = Stats.best(socket);
        s.put(p + "BestMs", best);
        s.put(p + "MedianMs", Stats.median(t));
        s.put(p + "PayloadMBps", payload / 1e3 / best);
        s.put(p + "PayloadMBpsMedian", payload / 1e3 / Stats.median(t));
        s.put(p + "SocketBestMs", sb);
        s.put(p + "SocketMBps", frame / 1e3 / sb);
        s.put(p + "RatioToSocket", sb / best);
    }

    private static void plainRow(Report.Section s, String p, String what, long payload, int runs) {
        double rate = s.number(p + "PayloadMBps");
        s.row(String.format(Locale.ROOT, "%s (%s payload), naive client; best / median of %d", what, mb(payload), runs),
                ms(s.number(p + "BestMs")) + " / " + ms(s.number(p + "MedianMs")) + " = " + mbps(rate) + " / "
                        + mbps(s.number(p + "PayloadMBpsMedian")) + " of payload",
                "plain socket, the same bytes: " + ms(s.number(p + "SocketBestMs")) + " = " + mbps(s.number(p + "SocketMBps")),
                ratio(s.number(p + "RatioToSocket")),
                "≥ 400 MB/s of payload: " + s.verdict(rate >= 400));
    }
}
