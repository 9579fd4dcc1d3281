package io.meshport.benchmarks;

import static io.meshport.benchmarks.Report.mb;
import static io.meshport.benchmarks.Report.mbps;
import static io.meshport.benchmarks.Report.ms;
import static io.meshport.benchmarks.Report.ratio;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.client.PutResult;
import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;
import io.meshport.wire.mesh.MeshCborWriter;

/**
 * Uploads: a point cloud with {@code Cd} larger than a frame (50,000,000 points, about 1.2 GB) put by
 * the Java client, which sends it in pieces, to a host in a process of its own, against a raw
 * loopback send of the same bytes in the same run; and the host's heap at its peak (sampled with
 * {@code jcmd}) against the arrays it stores.
 *
 * <p>The heap is sampled during the first Java uploads; the clients are timed after them, without the
 * sampler, on the same host for both: a {@code jcmd} is a JVM started every 100 ms, which takes a good
 * part of the 2 cores, and a fresh host's first uploads of this size also pay for its heap growing
 * (new memory, about 1 s a gigabyte here), which the clients timed later do not.
 */
final class UploadBench implements Benchmark {
    @Override
    public String name() {
        return "upload";
    }

    @Override
    public String description() {
        return "a 50M-point cloud with Cd (1.2 GB) uploaded by the Java client vs a raw loopback send; the host's heap peak";
    }

    @Override
    public void run(Context c, Report.Section s) throws Exception {
        int points = c.quick ? 2_000_000 : 50_000_000;
        Mesh cloud = cloud(points);
        long arrays = 24L * points;
        byte[] payload = payload(cloud);
        c.say("  %,d points with Cd: %s of arrays, a payload of %s", points, mb(arrays), mb(payload.length));
        double loopback = rawSend(payload);
        double java;
        double python;
        double freshHost;
        long peak;
        long before;
        try (SeparateHost host = new SeparateHost(c.folder("upload"), "--session", "memory");
                MeshportClient client = MeshportClient.connect(ClientOptions.of("127.0.0.1", host.port).withClientName("bench upload")
                        .withUploadThreshold(c.quick ? 1 << 20 : 0));
                MeshportClient warmer = MeshportClient.connect(ClientOptions.of("127.0.0.1", host.port).withClientName("bench warm-up")
                        .withUploadThreshold(1 << 20))) {
            // Both ends warmed up first (the upload path compiled), with a cloud of 200,000 points in pieces.
            warmer.put("bench/warm", cloud(200_000));
            python(c, host.port, 200_000, 1 << 20);
            warmer.delete("bench/warm");
            before = host.heapUsed();
            AtomicLong peakUsed = new AtomicLong(before);
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peakUsed.accumulateAndGet(host.heapUsed(), Math::max);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-upload-heap");
            sampler.setDaemon(true);
            sampler.start();
            int runs = c.quick ? 3 : 2;
            double[] sampled = puts(client, cloud, points, runs, false);
            sampler.interrupt();
            sampler.join(10_000);
            peak = Math.max(peakUsed.get(), host.heapUsed());
            client.delete("bench/upload");
            freshHost = sampled[0];
            java = Stats.best(puts(client, cloud, points, runs, true));
            python = python(c, host.port, points, c.quick ? 1 << 20 : 0);
        }
        double r = loopback / java;
        double heap = (peak - before) / (double) arrays;
        s.put("points", points);
        s.put("payloadBytes", payload.length);
        s.put("javaMs", java);
        s.put("loopbackMs", loopback);
        s.put("ratioJavaToLoopback", r);
        s.put("pythonMs", python);
        s.put("javaFreshHostMs", freshHost);
        s.put("ratioPythonToLoopback", loopback / python);
        s.put("hostHeapPeakMB", peak / 1e6);
        s.put("hostHeapBeforeMB", before / 1e6);
        s.put("heapPeakToArrays", heap);
        c.say("  Java client: %s (%s); raw loopback send: %s (%s); %s of loopback", ms(java), mbps(payload.length / 1e3 / java), ms(loopback),
                mbps(payload.length / 1e3 / loopback), ratio(r));
        c.say("  Python client: %s (%s); %s of loopback", ms(python), mbps(payload.length / 1e3 / python), ratio(loopback / python));
        c.say("  the Java client's first upload to the fresh host, its heap sampled: %s (%s of loopback)", ms(freshHost), ratio(loopback / freshHost));
        c.say("  host heap: %s before, %s at its peak: %.2f× the stored arrays", mb(before), mb(peak), heap);
        s.row(String.format(Locale.ROOT, "upload 1. %,d points with Cd (%s payload) put by the Java client, sent in pieces, until the reply; best of 2 (quick: 3), after the sampled ones", points,
                mb(payload.length)), ms(java) + " = " + mbps(payload.length / 1e3 / java),
                "a raw loopback send of the same bytes: " + ms(loopback) + " = " + mbps(payload.length / 1e3 / loopback),
                ratio(r) + " of loopback", "≥ 0.5: " + s.verdict(r >= 0.5));
        s.row(String.format(Locale.ROOT, "upload 2. the same cloud put by the Python client (NumPy arrays, put_mesh), sent in pieces, until the reply; best of 2"),
                ms(python) + " = " + mbps(payload.length / 1e3 / python), "the raw loopback send: " + ms(loopback),
                ratio(loopback / python) + " of loopback", "≥ 0.5: " + s.verdict(loopback / python >= 0.5));
        s.row("upload 3. the host's heap used at its peak during the first Java uploads (sampled every 100 ms with jcmd, garbage included), less its heap before, against the stored arrays",
                String.format(Locale.ROOT, "%s (%.2f×)", mb(peak - before), heap), "the arrays: " + mb(arrays),
                String.format(Locale.ROOT, "%.2f×", heap), "≤ 1.3×: " + s.verdict(heap <= 1.3));
    }

    /** @return the milliseconds of {@code runs} puts of the cloud, each deleted after (the last if {@code deleteLast}) */
    private static double[] puts(MeshportClient client, Mesh cloud, int points, int runs, boolean deleteLast) {
        double[] times = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            PutResult r = client.put("bench/upload", cloud);
            times[i] = Stats.millis(System.nanoTime() - t0);
            if (((Number) r.summary().get("points")).intValue() != points) {
                throw new IllegalStateException("the host stored " + r.summary());
            }
            if (deleteLast || i + 1 < runs) {
                client.delete("bench/upload");
            }
        }
        return times;
    }

    /** Runs python_upload.py against the host: the milliseconds its put_mesh took. */
    private static double python(Context c, int port, int points, int threshold) throws Exception {
        String py = "/usr/bin/python3";
        java.nio.file.Path client = java.nio.file.Paths.get(System.getProperty("meshport.root", "."), "clients", "python").toAbsolutePath();
        java.nio.file.Path script = c.folder("python").resolve("python_upload.py");
        try (InputStream in = UploadBench.class.getResourceAsStream("python_upload.py")) {
            java.nio.file.Files.copy(in, script);
        }
        Process p = new ProcessBuilder(py, script.toString(), client.toString(), "127.0.0.1", Integer.toString(port), Integer.toString(points),
                Integer.toString(threshold)).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("the Python client failed:\n" + text.strip());
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("pythonMs ([0-9.]+)").matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("the Python client printed no pythonMs:\n" + text.strip());
        }
        return Double.parseDouble(m.group(1));
    }

    /** A cloud of random points with a colour each. */
    private static Mesh cloud(int points) {
        Random rnd = new Random(42);
        float[] p = new float[3 * points];
        float[] cd = new float[3 * points];
        for (int i = 0; i < p.length; i++) {
            p[i] = rnd.nextFloat() * 100;
            cd[i] = rnd.nextFloat();
        }
        return Mesh.builder().positions(p).attribute(Attribute.ofFloats("Cd", AttributeOwner.POINT, 3, cd)).build();
    }

    /** @return the bytes an upload of the cloud carries: the mesh map with little-endian typed arrays */
    private static byte[] payload(Mesh mesh) {
        List<ByteBuffer> parts = MeshCborWriter.encode(mesh);
        byte[] all = new byte[(int) MeshCborWriter.length(parts)];
        ByteBuffer b = ByteBuffer.wrap(all);
        parts.forEach(x -> b.put(x.duplicate()));
        return all;
    }

    /** @return the milliseconds a plain socket takes to carry the bytes to a reader on loopback, in 8 MiB writes, until it read the last */
    private static double rawSend(byte[] payload) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicLong read = new AtomicLong();
            Thread reader = new Thread(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    byte[] buf = new byte[8 << 20];
                    long n = 0;
                    for (int k; n < payload.length && (k = in.read(buf)) > 0;) {
                        n += k;
                    }
                    read.set(n);
                    out.write(1); // the reply
                } catch (Exception e) {
                    read.set(-1);
                }
            }, "bench-upload-sink");
            reader.start();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                OutputStream out = s.getOutputStream();
                long t0 = System.nanoTime();
                for (int at = 0; at < payload.length; at += 8 << 20) {
                    out.write(payload, at, Math.min(8 << 20, payload.length - at));
                }
                out.flush();
                if (s.getInputStream().read() != 1) {
                    throw new IllegalStateException("the loopback reader did not answer");
                }
                double t = Stats.millis(System.nanoTime() - t0);
                reader.join(60_000);
                if (read.get() != payload.length) {
                    throw new IllegalStateException("the loopback reader read " + read.get() + " of " + payload.length + " bytes");
                }
                return t;
            }
        }
    }
}
