package io.meshport.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** {@code meshport host} in a process of its own, on a free port, without its page. */
final class HostProcess implements AutoCloseable {
    private static final Path ROOT = Paths.get(System.getProperty("user.dir")).getParent();
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    final Process process;
    final Path log;
    final int port;

    /**
     * Starts a host and returns once it listens.
     *
     * @param data its data folder
     * @param more more options of {@code meshport host}
     */
    HostProcess(Path data, String... more) throws IOException, InterruptedException {
        Path dist = Paths.get(System.getProperty("meshport.home"));
        String cp = ROOT.resolve("launcher/target/meshport-launcher.jar") + java.io.File.pathSeparator + dist.resolve("lib") + "/*";
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dmeshport.home=" + dist, "-cp", cp, "io.meshport.launcher.Main", "host", "--no-shell", "--port", "0",
                "--web-port", "off", "--data", data.toString()));
        cmd.addAll(List.of(more));
        log = Files.createTempFile("meshport-host-", ".log");
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Integer p = null;
        while (p == null && System.nanoTime() < deadline && process.isAlive()) {
            Matcher m = LISTENING.matcher(log());
            if (m.find()) {
                p = Integer.parseInt(m.group(1));
            } else {
                Thread.sleep(50);
            }
        }
        if (p == null) {
            process.destroyForcibly();
            throw new AssertionError("the host did not listen within 60 s:\n" + log());
        }
        port = p;
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Waits until the log holds {@code text}, {@code seconds} at most; returns whether it does. */
    boolean awaitLog(String text, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (log().contains(text)) {
                return true;
            }
            Thread.sleep(50);
        }
        return log().contains(text);
    }

    void kill() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL: no shutdown hook, no final write
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            kill();
        }
        Files.deleteIfExists(log);
    }
}
