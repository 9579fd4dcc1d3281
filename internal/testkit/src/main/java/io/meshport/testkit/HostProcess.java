package io.meshport.testkit;

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
 * {@code meshport host} in a process of its own, as tests and benchmarks start it: the launcher's jar
 * and a distribution's libraries, no shell, no page, port 0, its log in a file. Returns once the host
 * listens (and, if asked, once it said it is up).
 */
public final class HostProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern UP = Pattern.compile("host up in ([0-9.]+) s");

    /** The process. */
    public final Process process;
    /** Its log (standard output and error). */
    public final Path log;
    /** The port it listens on. */
    public final int port;
    /** How long it took to be up, by its own log; NaN when not awaited. */
    public final double upSeconds;

    /**
     * Starts a host.
     *
     * @param root the project's root (for {@code launcher/target/meshport-launcher.jar})
     * @param dist the distribution whose bundles it runs
     * @param jvmOptions options of its JVM, before the class path
     * @param data its data folder
     * @param hostOptions more options of {@code meshport host}
     * @param awaitUp whether to wait for its "host up" line too (the bundles started), not only for it to listen
     * @param timeoutSeconds how long it may take
     * @throws IllegalStateException when it did not start in time (its log in the message)
     */
    public HostProcess(Path root, Path dist, List<String> jvmOptions, Path data, List<String> hostOptions, boolean awaitUp,
            int timeoutSeconds) throws IOException, InterruptedException {
        String cp = root.resolve("launcher/target/meshport-launcher.jar") + File.pathSeparator + dist.resolve("lib") + "/*";
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-Dmeshport.home=" + dist, "-cp", cp, "io.meshport.launcher.Main", "host", "--no-shell", "--port", "0",
                "--web-port", "off", "--data", data.toString()));
        cmd.addAll(hostOptions);
        log = Files.createTempFile("meshport-host-", ".log");
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        Integer p = null;
        double up = Double.NaN;
        while (p == null && System.nanoTime() < deadline && process.isAlive()) {
            String text = log();
            Matcher l = LISTENING.matcher(text);
            Matcher u = UP.matcher(text);
            if (l.find() && (!awaitUp || u.find())) {
                p = Integer.parseInt(l.group(1));
                up = awaitUp ? Double.parseDouble(u.group(1)) : Double.NaN;
            } else {
                Thread.sleep(10);
            }
        }
        if (p == null) {
            process.destroyForcibly();
            throw new IllegalStateException("the host did not start within " + timeoutSeconds + " s:\n" + log());
        }
        port = p;
        upSeconds = up;
    }

    /** @return what the host logged so far */
    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** @return the first match of the pattern in the log, waiting for it at most {@code seconds}; null if none came */
    public Matcher await(Pattern pattern, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            Matcher m = pattern.matcher(log());
            if (m.find()) {
                return m;
            }
            if (System.nanoTime() >= deadline) {
                return null;
            }
            Thread.sleep(20);
        }
    }

    /** Kills the host with SIGKILL (no shutdown hook, no last write) and waits for it, 30 s at most. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Stops the host with SIGTERM, as after Ctrl-C, and kills it if it is still there after 30 s. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }

    /** Kills the host if it still runs, and deletes its log. */
    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            kill();
        }
        Files.deleteIfExists(log);
    }
}
