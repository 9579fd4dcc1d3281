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

/** {@code meshport host} in a process of its own (a kill -9, a heap of its own to watch), on a free loopback port. */
final class SeparateHost implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern UP = Pattern.compile("host up in ([0-9.]+) s");
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    final java.lang.Process process;
    final Path log;
    final int port;
    final double upSeconds;

    SeparateHost(Path data, String... more) throws IOException, InterruptedException {
        Path dist = Paths.get(System.getProperty("meshport.home"));
        Path root = Paths.get(System.getProperty("meshport.root", "."));
        String cp = root.resolve("launcher/target/meshport-launcher.jar") + java.io.File.pathSeparator + dist.resolve("lib") + "/*";
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx8g"));
        cmd.addAll(HostJvm.options());
        cmd.addAll(List.of("-Dmeshport.home=" + dist, "-cp", cp, "io.meshport.launcher.Main", "host", "--no-shell", "--port", "0", "--web-port", "off",
                "--data", data.toString()));
        cmd.addAll(List.of(more));
        log = Files.createTempFile("meshport-bench-host-", ".log");
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Integer p = null;
        Double up = null;
        while ((p == null || up == null) && System.nanoTime() < deadline && process.isAlive()) {
            String text = log();
            Matcher l = LISTENING.matcher(text);
            Matcher u = UP.matcher(text);
            if (l.find() && u.find()) {
                p = Integer.parseInt(l.group(1));
                up = Double.parseDouble(u.group(1));
            } else {
                Thread.sleep(20);
            }
        }
        if (p == null) {
            process.destroyForcibly();
            throw new IllegalStateException("the host did not start within 120 s:\n" + log());
        }
        port = p;
        upSeconds = up;
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
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** @return the first match of the pattern in the host's log, waiting for it at most {@code seconds}; null if none came */
    Matcher await(Pattern pattern, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(log());
            if (m.find()) {
                return m;
            }
            Thread.sleep(20);
        }
        return null;
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
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            kill();
        }
        Files.deleteIfExists(log);
    }
}
