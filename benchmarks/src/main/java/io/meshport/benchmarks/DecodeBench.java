package io.meshport.benchmarks;

import static io.meshport.benchmarks.Report.mb;
import static io.meshport.benchmarks.Report.mbps;
import static io.meshport.benchmarks.Report.ms;
import static io.meshport.benchmarks.Report.ratio;

import java.util.Locale;

import io.meshport.mesh.Mesh;
import io.meshport.mesh.MeshReader;
import io.meshport.wire.mesh.MeshCborReader;

/**
 * 2. Decode alone: the mesh reader bundle's reader ({@link MeshCborReader}, which the mesh-reader bundle
 * runs) on the typed-array payload of the ingest mesh, giving a validated {@link Mesh}, against
 * {@code System.arraycopy} of the same bytes into a new array (the decode allocates its arrays too)
 * and into an array allocated once. A benchmark main rather than JMH: warm-up rounds first, then timed
 * rounds interleaving the three, each result consumed so that nothing is optimised away. No GC is
 * forced between rounds (that would give heap back to the OS, and page faults would dominate).
 */
final class DecodeBench implements Benchmark {
    private static volatile long sink;

    @Override
    public String name() {
        return "decode";
    }

    @Override
    public String description() {
        return "the mesh reader reading the typed-array payload of that mesh, vs System.arraycopy of the same bytes";
    }

    @Override
    public void run(Context c, Report.Section s) throws Exception {
        int points = c.quick ? 50_000 : 1_000_000;
        int warmups = c.quick ? 5 : 30;
        int runs = c.quick ? 5 : 41;
        int plainRuns = c.quick ? 2 : 7;
        Mesh mesh = Meshes.sheet(points, 2 * points);
        byte[] payload = Meshes.typedPayload(mesh);
        byte[] plain = Meshes.plainPayload(mesh, false);
        byte[] preallocated = new byte[payload.length];
        MeshCborReader reader = new MeshCborReader();
        if (!reader.read(payload, 0, payload.length, MeshReader.NO_BASE).equals(mesh)) {
            throw new IllegalStateException("the payload does not decode to the mesh");
        }
        for (int i = 0; i < warmups; i++) {
            decode(reader, payload);
            copy(payload, new byte[payload.length]);
            copy(payload, preallocated);
        }
        double[] decode = new double[runs];
        double[] copyNew = new double[runs];
        double[] copyOld = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            decode(reader, payload);
            long t1 = System.nanoTime();
            copy(payload, new byte[payload.length]);
            long t2 = System.nanoTime();
            copy(payload, preallocated);
            long t3 = System.nanoTime();
            decode[i] = Stats.millis(t1 - t0);
            copyNew[i] = Stats.millis(t2 - t1);
            copyOld[i] = Stats.millis(t3 - t2);
        }
        double[] plainT = new double[plainRuns];
        decode(reader, plain);
        for (int i = 0; i < plainRuns; i++) {
            long t0 = System.nanoTime();
            decode(reader, plain);
            plainT[i] = Stats.millis(System.nanoTime() - t0);
        }

        s.put("payloadBytes", payload.length);
        s.put("runs", runs);
        s.put("decodeBestMs", Stats.best(decode));
        s.put("decodeMedianMs", Stats.median(decode));
        s.put("decodeMBps", payload.length / 1e3 / Stats.best(decode));
        s.put("copyNewBestMs", Stats.best(copyNew));
        s.put("copyNewMedianMs", Stats.median(copyNew));
        s.put("copyNewMBps", payload.length / 1e3 / Stats.best(copyNew));
        s.put("copyPreallocatedBestMs", Stats.best(copyOld));
        s.put("copyPreallocatedMedianMs", Stats.median(copyOld));
        s.put("ratioDecodeToCopyNew", Stats.best(decode) / Stats.best(copyNew));
        s.put("ratioDecodeToCopyNewMedian", Stats.median(decode) / Stats.median(copyNew));
        s.put("ratioDecodeToCopyPreallocated", Stats.best(decode) / Stats.best(copyOld));
        s.put("plainFloat32PayloadBytes", plain.length);
        s.put("plainFloat32DecodeBestMs", Stats.best(plainT));
        s.put("plainFloat32DecodeMBps", plain.length / 1e3 / Stats.best(plainT));
        c.say("  decode: best %s, median %s; arraycopy into a new array: best %s, median %s; into one array: best %s",
                ms(Stats.best(decode)), ms(Stats.median(decode)), ms(Stats.best(copyNew)), ms(Stats.median(copyNew)),
                ms(Stats.best(copyOld)));
        c.say("  decode of plain float32 arrays (%s): best %s", mb(plain.length), ms(Stats.best(plainT)));

        double r = s.number("ratioDecodeToCopyNew");
        s.row(String.format(Locale.ROOT, "2. decode alone: mesh reader on the typed-array payload (%s) to a validated mesh; best / median of %d",
                mb(payload.length), runs),
                ms(Stats.best(decode)) + " / " + ms(Stats.median(decode)) + " = " + mbps(s.number("decodeMBps")),
                "System.arraycopy of the same bytes into a new byte[]: " + ms(Stats.best(copyNew)) + " / " + ms(Stats.median(copyNew))
                        + "; into an existing one: " + ms(Stats.best(copyOld)),
                ratio(r) + "× / " + ratio(s.number("ratioDecodeToCopyNewMedian")) + "× (" + ratio(s.number("ratioDecodeToCopyPreallocated"))
                        + "× the existing-array copy)",
                "≤ 2× the copy: " + s.verdict(r <= 2));
        s.row(String.format(Locale.ROOT, "2b. decode alone, plain CBOR float32 arrays (%s); best of %d", mb(plain.length), plainRuns),
                ms(Stats.best(plainT)) + " = " + mbps(s.number("plainFloat32DecodeMBps")), "", "", "(explains 1b)");
    }

    private static void decode(MeshCborReader reader, byte[] payload) {
        Mesh m = reader.read(payload, 0, payload.length, MeshReader.NO_BASE);
        sink += m.pointCount() + m.indices().get(m.vertexCount() - 1);
    }

    private static void copy(byte[] from, byte[] to) {
        System.arraycopy(from, 0, to, 0, from.length);
        sink += to[to.length - 1];
    }
}
