package io.meshport.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package) for tests, on 127.0.0.1 and a free port, its files in a
 * folder of the test's. It can be stopped, killed, paused and started again on the same port.
 */
public final class RedisServer implements AutoCloseable {
    private static final long START_MILLIS = 15_000;

    private final Path dir;
    private final boolean appendOnly;
    private final RedisServer primary;
    private int port;
    private Process process;

    private RedisServer(Path dir, boolean appendOnly, RedisServer primary) {
        this.dir = dir;
        this.appendOnly = appendOnly;
        this.primary = primary;
    }

    /**
     * Starts a server.
     *
     * @param dir its folder (its log, and its append-only file)
     * @param appendOnly whether it keeps an append-only file, fsynced every second
     * @return the running server
     */
    public static RedisServer start(Path dir, boolean appendOnly) throws IOException, InterruptedException {
        return start(new RedisServer(dir, appendOnly, null));
    }

    /**
     * Starts a replica of a running server.
     *
     * @param dir its folder
     * @param primary the server it replicates
     * @return the running replica (it may still be catching up with its primary)
     */
    public static RedisServer startReplica(Path dir, RedisServer primary) throws IOException, InterruptedException {
        return start(new RedisServer(dir, false, primary));
    }

    private static RedisServer start(RedisServer r) throws IOException, InterruptedException {
        Path dir = r.dir;
        Files.createDirectories(dir);
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            r.port = freePort();
            try {
                r.launch();
                return r;
            } catch (IOException e) { // the port was taken between the look and the start
                last = e;
            }
        }
        throw last;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void launch() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--logfile", dir.resolve("redis.log").toString(),
                "--appendonly", appendOnly ? "yes" : "no"));
        if (appendOnly) {
            cmd.addAll(List.of("--appendfsync", "everysec"));
        }
        if (primary != null) {
            cmd.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(primary.port)));
        }
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("redis.out").toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server cannot be started (Debian package redis-server; .ci/run installs it): "
                    + e.getMessage(), e);
        }
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_MILLIS);
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IOException("redis-server on port " + port + " ended at start: " + tail());
            }
            if (answersPing()) {
                return;
            }
            Thread.sleep(20);
        }
        process.destroyForcibly();
        throw new IOException("redis-server on port " + port + " did not answer within " + START_MILLIS + " ms: " + tail());
    }

    private String tail() {
        try {
            String log = Files.exists(dir.resolve("redis.log")) ? Files.readString(dir.resolve("redis.log")) : "";
            return log.length() > 2000 ? log.substring(log.length() - 2000) : log;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** @return true when the server answers PING now */
    public boolean answersPing() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] b = new byte[7];
            int n = in.readNBytes(b, 0, 7);
            return n == 7 && new String(b, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    /** @return its port on 127.0.0.1 */
    public int port() {
        return port;
    }

    /**
     * @param name a session name
     * @return the session's URI on this server
     */
    public String uri(String name) {
        return "redis://127.0.0.1:" + port + "/" + name;
    }

    /** Stops it as an operator would (SIGTERM: it writes its append-only file first). */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Kills it (SIGKILL): what it had not fsynced is lost. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts it again on the same port, with the same folder. */
    public void restart() throws IOException, InterruptedException {
        stop();
        launch();
    }

    /** Freezes it (SIGSTOP): connections stay open and nothing answers. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a frozen server go on (SIGCONT). */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            try {
                resume();
            } catch (IOException e) {
                // it was not paused, or is gone
            }
        }
        kill();
    }
}
