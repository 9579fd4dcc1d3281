package io.meshport.benchmarks;

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

import io.meshport.testkit.HostProcess;

/** {@code meshport host} in a process of its own (a kill -9, a heap of its own to watch), on a free loopback port. */
final class SeparateHost implements AutoCloseable {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final HostProcess host;
    final java.lang.Process process;
    final Path log;
    final int port;
    final double upSeconds;

    SeparateHost(Path data, String... more) throws IOException, InterruptedException {
        this(data, List.of(), more);
    }

    /** @param jvmOptions more options for its JVM, after the usual ones (a later {@code -Xmx} wins) */
    SeparateHost(Path data, List<String> jvmOptions, String... more) throws IOException, InterruptedException {
        List<String> jvm = new ArrayList<>(List.of("-Xmx8g"));
        jvm.addAll(HostJvm.options());
        jvm.addAll(jvmOptions);
        host = new HostProcess(Paths.get(System.getProperty("meshport.root", ".")), Paths.get(System.getProperty("meshport.home")), jvm,
                data, List.of(more), true, 120);
        process = host.process;
        log = host.log;
        port = host.port;
        upSeconds = host.upSeconds;
    }

    /** @return the heap the host's JVM uses now, in bytes (from {@code jcmd PID GC.heap_info}), or -1 when it cannot tell */
    long heapUsed() {
        try {
            java.lang.Process j = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "GC.heap_info").redirectErrorStream(true).start();
            String out = new String(j.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            j.waitFor(10, TimeUnit.SECONDS);
            Matcher m = HEAP_USED.matcher(out);
            return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String log() throws IOException {
        return host.log();
    }

    /** @return the first match of the pattern in the host's log, waiting for it at most {@code seconds}; null if none came */
    Matcher await(Pattern pattern, int seconds) throws IOException, InterruptedException {
        return host.await(pattern, seconds);
    }

    /** Waits until the file's size has not changed for 2 s (the writer caught up), at most 120 s. */
    void awaitFileSettled(Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long last = -1;
        long since = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long size = Files.exists(file) ? Files.size(file) : -1;
            if (size != last) {
                last = size;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > TimeUnit.SECONDS.toNanos(2)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the session file was still growing after 120 s");
    }

    void kill() throws InterruptedException {
        host.kill();
    }

    @Override
    public void close() throws Exception {
        host.close();
    }
}
