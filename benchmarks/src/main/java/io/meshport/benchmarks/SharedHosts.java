package io.meshport.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;

/**
 * The host processes of {@link SharedBench}: starting them, connecting clients to them, what their logs
 * warn of, and the CPU they (and other processes) used.
 */
final class SharedHosts {
    private static final Pattern PROBLEM = Pattern.compile("(?m)^.*\\b(ERROR|WARN|WARNING|Exception)\\b.*$");

    private SharedHosts() {
    }

    /** Starts the hosts at once, each in a process of its own with its arguments; all or none. */
    static List<SeparateHost> start(Benchmark.Context c, List<String[]> args) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(args.size());
        List<Future<SeparateHost>> starting = new ArrayList<>();
        try {
            for (int i = 0; i < args.size(); i++) {
                Path data = c.folder("shared-host-" + i);
                String[] more = args.get(i);
                starting.add(pool.submit(() -> new SeparateHost(data, more)));
            }
            List<SeparateHost> up = new ArrayList<>();
            Exception failure = null;
            for (Future<SeparateHost> fu : starting) {
                try {
                    up.add(fu.get(150, TimeUnit.SECONDS)); // SeparateHost gives up after 120 s by itself
                } catch (ExecutionException e) {
                    failure = failure == null && e.getCause() instanceof Exception ? (Exception) e.getCause() : failure != null ? failure : e;
                } catch (TimeoutException e) {
                    failure = failure != null ? failure : e;
                }
            }
            if (failure != null) {
                for (SeparateHost h : up) {
                    closeQuietly(h);
                }
                throw failure;
            }
            return up;
        } finally {
            pool.shutdownNow();
        }
    }

    /** @return a Java client of the host, named, with a 30 s request timeout */
    static MeshportClient connect(SeparateHost h, String name) {
        return MeshportClient.connect(ClientOptions.of("127.0.0.1", h.port).withClientName(name).withRequestTimeout(Duration.ofSeconds(30)));
    }

    static void closeQuietly(AutoCloseable x) {
        try {
            x.close();
        } catch (Exception e) {
            // closing a client, a watch or a host: nothing to do about it
        }
    }

    /** @return the lines of the host's log that warn or report errors, at most 20 */
    static String problems(SeparateHost h) throws IOException {
        Matcher m = PROBLEM.matcher(h.log());
        StringBuilder b = new StringBuilder();
        int n = 0;
        while (m.find()) {
            if (n++ < 20) {
                b.append("    ").append(m.group()).append('\n');
            }
        }
        if (n > 20) {
            b.append("    ... ").append(n - 20).append(" more\n");
        }
        return b.toString();
    }

    /** @return the CPU time the hosts' processes used so far, all threads, in milliseconds */
    static long cpuMillis(List<SeparateHost> hosts) {
        long sum = 0;
        for (SeparateHost h : hosts) {
            sum += cpuMillis(Long.toString(h.process.pid()));
        }
        return sum;
    }

    /** @return the CPU time of a process ({@code self}: this one) so far, in milliseconds; 0 without /proc */
    static long cpuMillis(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return 10 * (Long.parseLong(f[11]) + Long.parseLong(f[12])); // utime + stime, USER_HZ = 100
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
