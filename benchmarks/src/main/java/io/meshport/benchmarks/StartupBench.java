package io.meshport.benchmarks;

import static io.meshport.benchmarks.Report.ms;
import static io.meshport.benchmarks.Report.ratio;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.meshport.launcher.EmbeddedHost;

/**
 * 6. Start-up: from launching {@code ./meshport host} as a separate process (the java command the
 * script runs: the launcher's jar and the distribution's {@code lib/}) to its port accepting a TCP
 * connection. With port 0 the port is only known from the host's "listening on" line, so the time is
 * taken when that line has been read and a connection to the port has been accepted. Baselines in the
 * same run, each a child process too: an empty Felix framework started (then stopped), and a JVM that
 * only prints a line. Runs are interleaved; medians compared. The host runs as the {@code meshport}
 * script runs it, mapping a class-data archive written by a first run; the host without it, and the
 * first run, are reported too. The Felix baseline gets its own archive, so that like is compared with
 * like.
 */
final class StartupBench implements Benchmark {
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern UP = Pattern.compile("Meshport host up in ([0-9.]+) s");

    @Override
    public String name() {
        return "startup";
    }

    @Override
    public String description() {
        return "./meshport host (a separate process) until its port accepts a connection, vs an empty Felix started in a process";
    }

    @Override
    public void run(Context c, Report.Section s) throws Exception {
        int runs = c.quick ? 2 : 9;
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Path home = home();
        String hostCp = codeSource(EmbeddedHost.class) + File.pathSeparator + home.resolve("lib") + File.separator + "*";
        // The baseline's own class in a jar of its own: a class-data archive cannot be made with a
        // (non-empty) directory on the class path, as the benchmark classes are when run from a build.
        String felixCp = baselineJar(c.folder("startup-baseline")) + File.pathSeparator + codeSource(Class.forName("org.apache.felix.framework.Felix"));
        Path data = c.folder("startup-data");
        Path cds = c.folder("startup-cds");
        List<String> hostArgs = List.of("-Dmeshport.home=" + home, "-cp", hostCp, "io.meshport.launcher.Main",
                "host", "--no-shell", "--port", "0", "--data", data.toString());
        // As ./meshport host runs it: the first run after a build writes a class-data archive when it
        // stops, later runs map it (see the meshport script).
        List<String> hostFirst = command(java, cdsWrite(cds.resolve("host.jsa")), hostArgs);
        List<String> host = command(java, cdsRead(cds.resolve("host.jsa")), hostArgs);
        List<String> hostPlain = command(java, List.of(), hostArgs);
        List<String> felixArgs = List.of("-cp", felixCp, FelixBaseline.class.getName());

        double[] first = hostStart(hostFirst); // a fresh data folder too: the bundles are copied into deploy/ first
        try (Child felix = new Child(command(java, cdsWrite(cds.resolve("felix.jsa")), felixArgs, c.folder("felix-cache").toString()))) {
            felix.await(Pattern.compile("felix stopped"), 60_000); // the baseline gets its archive as well
            felix.awaitExit();
        }
        double[] hostMs = new double[runs];
        double[] plainMs = new double[runs];
        double[] reportedMs = new double[runs];
        double[] felixMs = new double[runs];
        double[] felixExitMs = new double[runs];
        double[] jvmMs = new double[runs];
        for (int i = 0; i < runs; i++) {
            try (Child jvm = new Child(command(java, List.of(), felixArgs, "--jvm-only"))) {
                jvmMs[i] = jvm.millisTo(jvm.await(Pattern.compile("jvm started"), 60_000).at);
                jvm.awaitExit();
            }
            try (Child felix = new Child(command(java, cdsRead(cds.resolve("felix.jsa")), felixArgs, c.folder("felix-cache").toString()))) {
                felixMs[i] = felix.millisTo(felix.await(Pattern.compile("felix started"), 60_000).at);
                felix.await(Pattern.compile("felix stopped"), 60_000);
                felixExitMs[i] = felix.millisTo(felix.awaitExit());
            }
            double[] h = hostStart(host);
            hostMs[i] = h[0];
            reportedMs[i] = h[1];
            plainMs[i] = hostStart(hostPlain)[0];
        }
        s.put("runs", runs);
        s.put("hostMedianMs", Stats.median(hostMs));
        s.put("hostBestMs", Stats.best(hostMs));
        s.put("hostMaxMs", Stats.max(hostMs));
        s.put("hostWithoutArchiveMedianMs", Stats.median(plainMs));
        s.put("hostFirstMs", first[0]);
        s.put("hostReportedMedianMs", Stats.median(reportedMs));
        s.put("felixMedianMs", Stats.median(felixMs));
        s.put("felixBestMs", Stats.best(felixMs));
        s.put("felixExitMedianMs", Stats.median(felixExitMs));
        s.put("jvmMedianMs", Stats.median(jvmMs));
        s.put("ratioHostToFelix", Stats.median(hostMs) / Stats.median(felixMs));
        c.say("  host to accepting, with its class-data archive: median %s, best %s, max %s; without: median %s; first run after a build (fresh data folder, writing the archive): %s; the host's own count from framework start: %s",
                ms(Stats.median(hostMs)), ms(Stats.best(hostMs)), ms(Stats.max(hostMs)), ms(Stats.median(plainMs)), ms(first[0]),
                ms(Stats.median(reportedMs)));
        c.say("  empty Felix started (with its own archive): median %s (process done %s); a JVM printing a line: median %s",
                ms(Stats.median(felixMs)), ms(Stats.median(felixExitMs)), ms(Stats.median(jvmMs)));
        double median = Stats.median(hostMs);
        s.row(String.format(Locale.ROOT, "6. start-up: launching `./meshport host` (a java process: launcher jar + dist/lib, with the class-data archive the script keeps) until its port accepts a TCP connection; median / best of %d", runs),
                ms(median) + " / " + ms(Stats.best(hostMs)) + " (without the archive " + ms(Stats.median(plainMs))
                        + "; first run after a build, fresh data folder, writing the archive: " + ms(first[0]) + ")",
                "empty Felix framework started in a child process (its own archive too): " + ms(Stats.median(felixMs)) + " / "
                        + ms(Stats.best(felixMs)) + "; a bare JVM printing a line: " + ms(Stats.median(jvmMs)),
                ratio(s.number("ratioHostToFelix")) + "×",
                "< 1 s: " + s.verdict(median < 1000));
    }

    private static Path baselineJar(Path dir) throws IOException {
        Path jar = dir.resolve("felix-baseline.jar");
        String entry = FelixBaseline.class.getName().replace('.', '/') + ".class";
        try (InputStream in = FelixBaseline.class.getResourceAsStream("/" + entry);
                JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    private static List<String> cdsWrite(Path archive) {
        return List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    }

    private static List<String> cdsRead(Path archive) {
        return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    }

    private static List<String> command(String java, List<String> jvmOptions, List<String> args, String... more) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmOptions);
        cmd.addAll(args);
        cmd.addAll(List.of(more));
        return cmd;
    }

    /** @return {ms to accepting, the host's own "up in" figure in ms} */
    private static double[] hostStart(List<String> command) throws Exception {
        try (Child host = new Child(command)) {
            Line listening = host.await(LISTENING, 60_000);
            Matcher m = LISTENING.matcher(listening.text);
            m.find();
            int port = Integer.parseInt(m.group(1));
            long accepted = connect(port);
            Line up = host.await(UP, 60_000); // stop an orderly, fully started host
            Matcher u = UP.matcher(up.text);
            u.find();
            return new double[] {host.millisTo(accepted), Double.parseDouble(u.group(1)) * 1e3};
        }
    }

    /** @return when a connection to the port was accepted, {@link System#nanoTime()} */
    private static long connect(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                return System.nanoTime();
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(1);
            }
        }
    }

    private static Path home() {
        String h = System.getProperty("meshport.home");
        if (h != null) {
            return Paths.get(h).toAbsolutePath();
        }
        return Paths.get(System.getProperty("meshport.root", "."), "launcher", "target", "dist").toAbsolutePath();
    }

    private static String codeSource(Class<?> c) {
        try {
            return Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line of a child's output and when it was read. */
    private record Line(String text, long at) {
    }

    /** A child process whose output is read line by line, with the time each line was read. */
    private static final class Child implements AutoCloseable {
        private static final Line EOF = new Line(null, 0);
        private final long started;
        private final Process process;
        private final Thread reader;
        private final BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
        private final StringBuilder log = new StringBuilder();

        Child(List<String> command) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            started = System.nanoTime();
            process = pb.start();
            reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null;) {
                        lines.add(new Line(line, System.nanoTime()));
                    }
                } catch (IOException e) {
                    // the process ended
                }
                lines.add(EOF);
            }, "child-output");
            reader.setDaemon(true);
            reader.start();
        }

        double millisTo(long nanoTime) {
            return Stats.millis(nanoTime - started);
        }

        /** Lines read while waiting for another: the host's lines of one start may come in either order. */
        private final List<Line> passed = new ArrayList<>();

        Line await(Pattern p, long timeoutMs) throws InterruptedException {
            for (java.util.Iterator<Line> it = passed.iterator(); it.hasNext();) {
                Line l = it.next();
                if (p.matcher(l.text).find()) {
                    it.remove();
                    return l;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (true) {
                Line l = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (l == null) {
                    throw new IllegalStateException("no line matching '" + p + "' within " + timeoutMs + " ms; output:\n" + log);
                }
                if (l == EOF) {
                    lines.add(EOF);
                    throw new IllegalStateException("the process ended without a line matching '" + p + "'; output:\n" + log);
                }
                log.append(l.text).append('\n');
                if (p.matcher(l.text).find()) {
                    return l;
                }
                passed.add(l);
            }
        }

        /** @return when the process was seen to end, {@link System#nanoTime()} */
        long awaitExit() throws InterruptedException {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the process did not end within 60 s; output:\n" + log);
            }
            return System.nanoTime();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.toHandle().destroy(); // SIGTERM: the host stops in order (Process.destroy would close our pipes too)
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            reader.join(5_000);
        }
    }
}
