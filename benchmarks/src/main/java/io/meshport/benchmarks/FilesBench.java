package io.meshport.benchmarks;

import static io.meshport.benchmarks.Report.mb;
import static io.meshport.benchmarks.Report.mbps;
import static io.meshport.benchmarks.Report.ms;
import static io.meshport.benchmarks.Report.ratio;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.client.PutResult;

/**
 * A PLY file's first put into a fresh host, which is what a user sees, against the puts that follow it.
 * Each series starts a new {@code meshport host} process ({@link FreshHost}, as {@code ./meshport host}
 * runs it), waits until it lists the codec {@code ply}, and puts the file with the Java client
 * ({@code put(key, "ply", bytes, -1)}) until the reply, then puts it again a few times; the host is let
 * become idle before each put (its JIT compiler, collector and session writer done), so that each put
 * pays only for itself. The file: a binary little-endian PLY of 5,000,000 points and 10,000,000
 * triangles (190 MB, below the host's frame, so sent in one frame), and an ASCII PLY of 1,000,000
 * points and 2,000,000 triangles; both written into the scratch folder and read back, as {@code send}
 * reads them. A series with the binary file put as soon as the codec is listed says what a script that
 * starts a host and sends at once sees. The client is warmed on a host of its own first.
 *
 * <p>{@code -Dmeshport.bench.hostJvmOptions="..."} adds JVM options to the hosts (a JFR recording,
 * {@code -Xlog:gc}), for an investigation. {@code -Dmeshport.bench.compareWith=DIST} names another
 * distribution (a copy of {@code launcher/target/dist} with an earlier build's bundles): each host of a
 * series is then preceded by one of that distribution, so that both are measured in the same run, and
 * its figures are reported as {@code before...}.
 */
final class FilesBench implements Benchmark {
    @Override
    public String name() {
        return "files";
    }

    @Override
    public String description() {
        return "a PLY file's first put into a fresh host process vs the next puts: binary (190 MB, 5M points / 10M triangles) and ASCII";
    }

    /** The first put and the warm ones of each host of a series. */
    private record Series(double[] first, double[] warm, double[] codecReadyMs) {
        double firstMedian() {
            return Stats.median(first);
        }

        double warmMedian() {
            return Stats.median(warm);
        }
    }

    /** A series of this run's distribution and, when there is one to compare with, the same of the other. */
    private record Pair(Series now, Series before) {
    }

    /** What every series of the run shares: where the hosts come from and how they are started. */
    private record Hosts(Path dist, Path compareWith, List<String> jvm, int count) {
    }

    @Override
    public void run(Context c, Report.Section s) throws Exception {
        int binaryPoints = c.quick ? 50_000 : 5_000_000;
        int asciiPoints = c.quick ? 20_000 : 1_000_000;
        int next = c.quick ? 2 : 4;
        String other = System.getProperty("meshport.bench.compareWith", "").trim();
        Hosts hosts = new Hosts(Paths.get(System.getProperty("meshport.home")), other.isEmpty() ? null : Paths.get(other), jvmOptions(),
                c.quick ? 1 : 5);
        Path dir = c.folder("files");
        Path binaryFile = PlyFiles.write(dir.resolve("sheet-binary.ply"), PlyFiles.binary(binaryPoints, 2 * binaryPoints));
        Path asciiFile = PlyFiles.write(dir.resolve("sheet-ascii.ply"), PlyFiles.ascii(asciiPoints, 2 * asciiPoints));
        byte[] binary = Files.readAllBytes(binaryFile);
        byte[] ascii = Files.readAllBytes(asciiFile);
        Files.delete(binaryFile);
        Files.delete(asciiFile);
        s.put("binaryPoints", binaryPoints);
        s.put("binaryFileBytes", binary.length);
        s.put("asciiPoints", asciiPoints);
        s.put("asciiFileBytes", ascii.length);
        c.say("  files: binary PLY %s (%,d points, %,d triangles), ASCII PLY %s (%,d points, %,d triangles); %d fresh hosts per series%s%s",
                mb(binary.length), binaryPoints, 2 * binaryPoints, mb(ascii.length), asciiPoints, 2 * asciiPoints, hosts.count,
                hosts.jvm.isEmpty() ? "" : "; host JVM options " + String.join(" ", hosts.jvm),
                hosts.compareWith == null ? "" : "; each after one of " + hosts.compareWith);

        // The client's own first uses (class loading, its write path) are paid here, on a host of its own.
        Series clientWarmUp = series(c, "client warm-up", hosts.dist, binary, binaryPoints, 1, 1, true, hosts.jvm);
        c.say("  (client warm-up host: first put %s, then %s)", ms(clientWarmUp.first[0]), ms(clientWarmUp.warm[0]));

        Pair bp = pair(c, "binary", hosts, binary, binaryPoints, next, true);
        Pair ap = pair(c, "ascii", hosts, ascii, asciiPoints, next, true);
        Pair np = pair(c, "binary at once", hosts, binary, binaryPoints, 0, false);
        Series b = bp.now;
        Series a = ap.now;
        Series now = np.now;

        figures(s, "binary", binary.length, b);
        figures(s, "ascii", ascii.length, a);
        if (hosts.compareWith != null) {
            figures(s, "beforeBinary", binary.length, bp.before);
            figures(s, "beforeAscii", ascii.length, ap.before);
            s.put("beforeBinaryAtOnceFirstMs", np.before.firstMedian());
            s.put("compareWith", hosts.compareWith.toString());
        }
        s.put("binaryAtOnceFirstMs", now.firstMedian());
        s.put("binaryAtOnceFirstBestMs", Stats.best(now.first));
        s.put("binaryAtOnceFirstToWarm", now.firstMedian() / b.warmMedian());
        s.put("codecReadyMs", Stats.median(concat(b.codecReadyMs, a.codecReadyMs, now.codecReadyMs)));
        c.say("  binary: first put %s (median of %d hosts; %s), then %s / %s (best / median of %d): first / warm %s",
                ms(b.firstMedian()), hosts.count, list(b.first), ms(Stats.best(b.warm)), ms(b.warmMedian()), b.warm.length,
                ratio(s.number("binaryFirstToWarm")));
        c.say("  ascii: first put %s (%s), then %s / %s: first / warm %s", ms(a.firstMedian()), list(a.first),
                ms(Stats.best(a.warm)), ms(a.warmMedian()), ratio(s.number("asciiFirstToWarm")));
        c.say("  binary, put as soon as the codec is listed (%s after the host's start): %s (%s)", ms(s.number("codecReadyMs")),
                ms(now.firstMedian()), list(now.first));

        row(s, "binary", String.format(Locale.ROOT, "files 1. binary PLY (%s, %,d points / %,d triangles), put with the Java client into a fresh `meshport host` process once idle, until the reply; median of %d hosts' first puts, then best / median of the next %d puts of each",
                mb(binary.length), binaryPoints, 2 * binaryPoints, hosts.count, next), binary.length, b);
        row(s, "ascii", String.format(Locale.ROOT, "files 2. ASCII PLY (%s, %,d points / %,d triangles), the same", mb(ascii.length), asciiPoints,
                2 * asciiPoints), ascii.length, a);
        s.row(String.format(Locale.ROOT, "files 3. the binary PLY put as soon as a fresh host lists the codec (%s after its start); median of %d hosts",
                ms(s.number("codecReadyMs")), hosts.count), ms(now.firstMedian()) + " (" + list(now.first) + ")",
                "warm put (files 1): " + ms(b.warmMedian()), ratio(s.number("binaryAtOnceFirstToWarm")) + "×", "close to the warm put");
        if (hosts.compareWith != null) {
            c.say("  %s, in the same run: binary first %s (%s), warm %s; ascii first %s (%s), warm %s; binary at once %s (%s)",
                    hosts.compareWith, ms(bp.before.firstMedian()), list(bp.before.first), ms(bp.before.warmMedian()),
                    ms(ap.before.firstMedian()), list(ap.before.first), ms(ap.before.warmMedian()), ms(np.before.firstMedian()),
                    list(np.before.first));
            compareRow(s, "files 1 with " + hosts.compareWith.getFileName(), bp, binary.length);
            compareRow(s, "files 2 with " + hosts.compareWith.getFileName(), ap, ascii.length);
            s.row("files 3 with " + hosts.compareWith.getFileName(), ms(np.before.firstMedian()) + " (" + list(np.before.first) + ")",
                    "this build: " + ms(now.firstMedian()), ratio(np.before.firstMedian() / now.firstMedian()) + "× this build's", "");
        }
    }

    /** Runs a series on this run's distribution, each host preceded by one of the distribution compared with (if any). */
    private static Pair pair(Context c, String what, Hosts hosts, byte[] file, int points, int next, boolean idleFirst) throws Exception {
        if (hosts.compareWith == null) {
            return new Pair(series(c, what, hosts.dist, file, points, hosts.count, next, idleFirst, hosts.jvm), null);
        }
        List<Series> now = new ArrayList<>();
        List<Series> before = new ArrayList<>();
        for (int h = 0; h < hosts.count; h++) {
            before.add(series(c, what + " (compared)", hosts.compareWith, file, points, 1, next, idleFirst, hosts.jvm));
            now.add(series(c, what, hosts.dist, file, points, 1, next, idleFirst, hosts.jvm));
        }
        return new Pair(join(now), join(before));
    }

    private static Series join(List<Series> parts) {
        return new Series(concat(parts.stream().map(Series::first).toArray(double[][]::new)),
                concat(parts.stream().map(Series::warm).toArray(double[][]::new)),
                concat(parts.stream().map(Series::codecReadyMs).toArray(double[][]::new)));
    }

    private static void compareRow(Report.Section s, String what, Pair p, long bytes) {
        s.row(what, "first " + ms(p.before.firstMedian()) + " (" + list(p.before.first) + "); then " + ms(Stats.best(p.before.warm)) + " / "
                + ms(p.before.warmMedian()), "this build: first " + ms(p.now.firstMedian()) + "; then " + ms(Stats.best(p.now.warm)) + " / "
                + ms(p.now.warmMedian()), ratio(p.before.firstMedian() / p.before.warmMedian()) + "× its warm median", "");
    }

    /**
     * Runs {@code hosts} fresh hosts: on each, the first put of {@code file} and then {@code next} more.
     *
     * @param idleFirst whether the host is let become idle before its first put (else it is put as soon as
     *        the codec is listed)
     */
    private static Series series(Context c, String what, Path dist, byte[] file, int points, int hosts, int next, boolean idleFirst,
            List<String> jvm) throws Exception {
        double[] first = new double[hosts];
        double[] warm = new double[hosts * next];
        double[] ready = new double[hosts];
        for (int h = 0; h < hosts; h++) {
            long t0 = System.nanoTime();
            try (FreshHost host = new FreshHost(dist, c.folder("files-host"), jvm);
                    MeshportClient client = connectWithPly(host)) {
                ready[h] = Stats.millis(System.nanoTime() - t0);
                if (idleFirst) {
                    host.awaitIdle(20_000);
                }
                first[h] = put(client, file, points);
                for (int i = 0; i < next; i++) {
                    host.awaitIdle(20_000);
                    warm[h * next + i] = put(client, file, points);
                }
            }
            c.say("    %s, host %d: codec listed after %s; first put %s; then %s", what, h + 1, ms(ready[h]), ms(first[h]),
                    list(Arrays.copyOfRange(warm, h * next, (h + 1) * next)));
        }
        return new Series(first, warm, ready);
    }

    /** @return the milliseconds until the reply of a put of the file, checked */
    private static double put(MeshportClient client, byte[] file, int points) {
        long t0 = System.nanoTime();
        PutResult r = client.put("files/sheet", "ply", file, -1);
        double t = Stats.millis(System.nanoTime() - t0);
        Object n = r.summary().get("points");
        if (!(n instanceof Number) || ((Number) n).intValue() != points) {
            throw new IllegalStateException("the host stored " + r.summary());
        }
        return t;
    }

    /** Connects once the host lists the codec {@code ply} (FileInstall deploys it after the host listens). */
    private static MeshportClient connectWithPly(FreshHost host) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            MeshportClient client = MeshportClient.connect(ClientOptions.of("127.0.0.1", host.port).withClientName("bench files"));
            if (client.hostInfo().codecs().contains("ply")) {
                return client;
            }
            client.close();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the host did not list the codec ply within 60 s:\n" + host.log());
            }
            Thread.sleep(10);
        }
    }

    private static List<String> jvmOptions() {
        String o = System.getProperty("meshport.bench.hostJvmOptions", "").trim();
        return o.isEmpty() ? List.of() : List.of(o.split("\\s+"));
    }

    private static void figures(Report.Section s, String p, long bytes, Series x) {
        s.put(p + "FirstMs", x.firstMedian());
        s.put(p + "FirstBestMs", Stats.best(x.first));
        s.put(p + "FirstWorstMs", Stats.max(x.first));
        s.put(p + "WarmBestMs", Stats.best(x.warm));
        s.put(p + "WarmMedianMs", x.warmMedian());
        s.put(p + "FirstMBps", bytes / 1e3 / x.firstMedian());
        s.put(p + "WarmMBps", bytes / 1e3 / x.warmMedian());
        s.put(p + "FirstToWarm", x.firstMedian() / x.warmMedian());
    }

    private static void row(Report.Section s, String p, String what, long bytes, Series x) {
        s.row(what, "first " + ms(x.firstMedian()) + " = " + mbps(s.number(p + "FirstMBps")) + " (" + list(x.first) + ")",
                "the next puts: " + ms(s.number(p + "WarmBestMs")) + " / " + ms(x.warmMedian()) + " = " + mbps(s.number(p + "WarmMBps")),
                ratio(s.number(p + "FirstToWarm")) + "× the warm median", "close to the warm put");
    }

    private static String list(double[] v) {
        List<String> out = new ArrayList<>();
        for (double d : v) {
            out.add(ms(d));
        }
        return String.join(", ", out);
    }

    private static double[] concat(double[]... parts) {
        return Arrays.stream(parts).flatMapToDouble(Arrays::stream).toArray();
    }
}
