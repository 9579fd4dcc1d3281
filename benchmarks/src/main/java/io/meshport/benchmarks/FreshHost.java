package io.meshport.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.meshport.testkit.HostProcess;

/**
 * A fresh {@code meshport host} in a process of its own, started as {@code ./meshport host} starts it:
 * the JVM's default heap and no options (unlike {@link SeparateHost}, whose fixed heap would hide what
 * a fresh JVM pays to grow its own), no class-data archive, no shell, no page, an ephemeral port, its log
 * in a file. Extra JVM options (a JFR recording, {@code -Xlog:gc}) can be given for an investigation,
 * and another distribution (an earlier build) for a comparison in the same run.
 */
final class FreshHost implements AutoCloseable {
    private final HostProcess host;
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
        List<String> jvm = new ArrayList<>(HostJvm.options());
        jvm.addAll(jvmOptions);
        host = new HostProcess(Paths.get(System.getProperty("meshport.root", ".")), dist, jvm, data, List.of(), true, 120);
        process = host.process;
        log = host.log;
        port = host.port;
    }

    String log() throws IOException {
        return host.log();
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
        host.stop(); // SIGTERM: the host stops as after Ctrl-C
        host.close();
    }
}
