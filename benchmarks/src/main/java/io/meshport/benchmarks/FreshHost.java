package io.meshport.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fresh {@code meshport host} in a process of its own, started as {@code ./meshport host} starts it:
 * the JVM's default heap and no options (unlike {@link SeparateHost}, whose fixed heap would hide what
 * a fresh JVM pays to grow its own), no class-data archive, no shell, no page, an ephemeral port, its log
 * in a file. Extra JVM options (a JFR recording, {@code -Xlog:gc}) can be given for an investigation,
 * and another distribution (an earlier build) for a comparison in the same run.
 */
final class FreshHost implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern UP = Pattern.compile("host up in ([0-9.]+) s");

    final Process process;
    final Path log;
    final int port;

    /**
     * Starts a host and waits until it listens (at most 120 s).
     *
     * @param dist the distribution whose bundles it runs ({@code launcher/target/dist}, or a copy of it)
     * @param data its data folder
     * @param jvmOptions options for its JVM, before the class path
     */
    FreshHost(Path dist, Path data, List<String> jvmOptions) throws IOException, InterruptedException {
        Path root = Paths.get(System.getProperty("meshport.root", "."));
        String cp = root.resolve("launcher/target/meshport-launcher.jar") + File.pathSeparator + dist.resolve("lib") + "/*";
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(HostJvm.options());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-Dmeshport.home=" + dist, "-cp", cp, "io.meshport.launcher.Main", "host", "--no-shell", "--port", "0",
                "--web-port", "off", "--data", data.toString()));
        log = Files.createTempFile("meshport-bench-host-", ".log");
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Integer p = null;
        while (p == null && System.nanoTime() < deadline && process.isAlive()) {
            String text = log();
            Matcher l = LISTENING.matcher(text);
            if (l.find() && UP.matcher(text).find()) {
                p = Integer.parseInt(l.group(1));
            } else {
                Thread.sleep(10);
            }
        }
        if (p == null) {
            process.destroyForcibly();
            throw new IllegalStateException("the host did not start within 120 s:\n" + log());
        }
        port = p;
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** @return the CPU time the host's process used so far (all its threads), in milliseconds; -1 without /proc */
    long cpuMillis() {
        try {
            String stat = Files.readString(Paths.get("/proc", String.valueOf(process.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return 10 * (Long.parseLong(f[11]) + Long.parseLong(f[12])); // utime + stime, USER_HZ = 100
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Waits until the host is idle: it used less than a tenth of a core over 300 ms (its JIT compiler,
     * collector and session writer done with the last request), at most {@code maxMillis}.
     *
     * @return how long it waited, in milliseconds
     */
    long awaitIdle(long maxMillis) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        long last = cpuMillis();
        if (last < 0) {
            Thread.sleep(Math.min(maxMillis, 2_000));
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        }
        while (System.nanoTime() < deadline) {
            Thread.sleep(300);
            long now = cpuMillis();
            if (now - last < 30) {
                break;
            }
            last = now;
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: the host stops as after Ctrl-C
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
        Files.deleteIfExists(log);
    }
}
