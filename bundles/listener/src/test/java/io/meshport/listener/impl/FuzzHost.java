package io.meshport.listener.impl;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.codecs.impl.BytesCodec;
import io.meshport.codecs.impl.CborCodec;
import io.meshport.codecs.impl.MeshCodec;
import io.meshport.mesh.Mesh;
import io.meshport.meshreader.impl.MeshReaderService;
import io.meshport.session.impl.SessionStoreImpl;
import io.meshport.support.Log;

/**
 * One fuzzed host: a real {@link SocketServer} on 127.0.0.1 with the built-in codecs, the
 * {@link FuzzExport} service as {@code fz} and a log that remembers errors; and its state once the
 * fuzz is over.
 */
final class FuzzHost implements AutoCloseable {
    static final long MAX_FRAME = 8L * 1024 * 1024;
    static final String TOKEN = "fuzz-token-Qm9vZ2Vy";

    /**
     * A log that remembers what the host reports as errors, counts the rest, and keeps its last lines of
     * every level, so that a violation can show what the host said about that connection.
     */
    static final class RecordingLog implements Log {
        private static final int KEPT_LINES = 20_000;

        final List<String> errors = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger warnings = new AtomicInteger();
        final AtomicInteger infos = new AtomicInteger();
        private final ArrayDeque<String> recent = new ArrayDeque<>();

        private void keep(String level, String message) {
            synchronized (recent) {
                if (recent.size() == KEPT_LINES) {
                    recent.pollFirst();
                }
                recent.addLast(level + " " + FuzzFindings.cut(message, 300));
            }
        }

        /** @return the kept lines that name the client at this port of 127.0.0.1, oldest first */
        List<String> linesAbout(int clientPort) {
            Pattern client = Pattern.compile("\\(127\\.0\\.0\\.1:" + clientPort + "[),]");
            synchronized (recent) {
                List<String> out = new ArrayList<>();
                for (String l : recent) {
                    if (client.matcher(l).find()) {
                        out.add(l);
                    }
                }
                return out;
            }
        }

        @Override
        public void info(String message) {
            infos.incrementAndGet();
            keep("INFO", message);
        }

        @Override
        public void debug(String message) {
            keep("DEBUG", message);
        }

        @Override
        public void warn(String message, Throwable cause) {
            warnings.incrementAndGet();
            keep("WARN", message + (cause == null ? "" : " (" + cause + ")"));
        }

        @Override
        public void error(String message, Throwable cause) {
            keep("ERROR", message);
            StringWriter w = new StringWriter();
            w.append(FuzzFindings.cut(message, 300));
            if (cause != null) {
                w.append(": ");
                StringWriter t = new StringWriter();
                cause.printStackTrace(new PrintWriter(t));
                w.append(FuzzFindings.cut(t.toString(), 3000));
            }
            errors.add(w.toString());
        }
    }

    final SessionStoreImpl store = new SessionStoreImpl(0, System::currentTimeMillis);
    final RecordingLog log = new RecordingLog();
    final SocketServer server;
    final Thread selector;
    final String token;

    FuzzHost(boolean withToken) throws IOException {
        token = withToken ? TOKEN : null;
        CodecRegistry codecs = new CodecRegistry(log);
        codecs.add(1, "mesh", 0, "test", new MeshCodec(new MeshReaderService()), true);
        codecs.add(2, "cbor", 0, "test", new CborCodec());
        codecs.add(3, "bytes", 0, "test", new BytesCodec());
        ExportRegistry exports = new ExportRegistry(log);
        exports.add(1, "fz", 0, "test", new FuzzExport.FuzzServiceImpl(), List.of(FuzzExport.FuzzService.class));
        ListenerSettings.Builder b = ListenerSettings.builder();
        b.maxFrameBytes = MAX_FRAME;
        b.maxInFlightBytes = 3 * MAX_FRAME; // small enough that large frames wait for each other now and then
        b.authTimeoutMs = 120_000;
        b.token(token);
        Set<Thread> before = selectorThreads();
        server = new SocketServer(b.build(), () -> store, codecs, exports, log);
        server.start();
        Set<Thread> after = selectorThreads();
        after.removeAll(before);
        selector = after.size() == 1 ? after.iterator().next() : null;
    }

    int port() {
        return server.address().getPort();
    }

    @Override
    public void close() {
        server.stop("fuzz over", 3000);
    }

    private static Set<Thread> selectorThreads() {
        Set<Thread> s = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("meshport-selector")) {
                s.add(t);
            }
        }
        return s;
    }

    /** The host after the fuzz: nothing left open or held, its threads alive, a fresh client served. */
    void checkAfterTheFuzz(FuzzFindings findings, List<String> uncaught) throws Exception {
        long until = System.currentTimeMillis() + 10_000;
        while (server.openConnections() > 0 && System.currentTimeMillis() < until) {
            Thread.sleep(10);
        }
        if (server.openConnections() > 0) {
            findings.violation("connections still open after every client closed", server.openConnections()
                    + " connections open 10 s after the last client closed", null, null, null);
        }
        until = System.currentTimeMillis() + 5_000;
        while (server.budget.used() != 0 && System.currentTimeMillis() < until) {
            Thread.sleep(10);
        }
        if (server.budget.used() != 0) {
            findings.violation("the in-flight budget is not back to 0", server.budget.used() + " bytes still held with no connection open",
                    null, null, null);
        }
        if (selector == null) {
            findings.violation("the selector thread could not be found", "no new thread named meshport-selector after start", null, null, null);
        } else if (!selector.isAlive()) {
            findings.violation("the selector thread died", selector.getName() + " is not alive", null, null, null);
        }
        // A fresh client is served promptly: hello, put, get.
        long t0 = System.nanoTime();
        Mesh tri = Mesh.builder().positions(new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0}).indices(new int[] {0, 1, 2}).build();
        try (MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", port()).withToken(token)
                .withConnectTimeout(Duration.ofSeconds(5)).withRequestTimeout(Duration.ofSeconds(5)).withReconnect(Duration.ZERO))) {
            long v = c.put("after/fuzz", tri).version();
            Mesh back = c.getMesh("after/fuzz").mesh();
            float[] p = back.positions(new float[9]);
            if (!Arrays.equals(p, new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0}) || v <= 0) {
                findings.violation("a fresh client's put and get do not round-trip", "got " + Arrays.toString(p) + " at version " + v, null, null,
                        null);
            }
        } catch (RuntimeException e) {
            findings.violation("a fresh client is not served after the fuzz", String.valueOf(e), null, null, null);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (ms > 5_000) {
            findings.violation("a fresh client is served slowly after the fuzz", "hello, put and get took " + ms + " ms", null, null, null);
        }
        for (String e : new ArrayList<>(log.errors)) {
            findings.violation("the host logged an error: " + firstLine(e), e, null, null, null);
        }
        for (String u : uncaught) {
            findings.violation("a listener thread died", u, null, null, null);
        }
    }

    private static String firstLine(String s) {
        int i = s.indexOf(':');
        String head = i < 0 ? s : s.substring(0, i);
        Matcher m = Pattern.compile("\\b\\w{1,60}(?:Exception|Error)\\b").matcher(s);
        return FuzzFindings.cut(head, 80) + (m.find() ? " (" + m.group() + ")" : "");
    }
}
