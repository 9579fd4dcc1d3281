package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.codecs.BytesCodec;
import io.meshport.codecs.CborCodec;
import io.meshport.codecs.MeshCodec;
import io.meshport.listener.impl.FuzzCbor.CMap;
import io.meshport.listener.impl.FuzzFrames.Frame;
import io.meshport.mesh.Mesh;
import io.meshport.meshbuilder.MeshReaderService;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.store.SessionStoreImpl;
import io.meshport.support.Log;

/**
 * Fuzzes the frame and request path (issue 17): random requests of every op, valid and mutated (see
 * {@link FuzzFrames}), sent pipelined over a few connections at once to a real {@link SocketServer} on
 * 127.0.0.1, some connections cut mid-frame. What comes back on each connection is checked against
 * what PROTOCOL.md says, with the test's own CBOR reader ({@link FuzzCbor}) deciding what each frame
 * is:
 * <ul>
 * <li>a request with an id gets exactly one reply, with that id, in the order sent; one without gets
 * none; one whose id is not an unsigned integer gets one {@code BAD_REQUEST} without id;</li>
 * <li>a frame that is not one well-formed CBOR map (or nests deeper than 256, or has length 0) gets
 * {@code BAD_FRAME}, a length above the limit {@code FRAME_TOO_LARGE}, and the connection closes
 * after it; {@code UNAUTHORIZED} (closing too) only on a host with a token, before any success;</li>
 * <li>never {@code INTERNAL}; error messages have at most 2,000 characters, no stack trace, no Java
 * class name (unless the request itself held that text), never the token; every frame is
 * well-formed and shaped as the protocol says;</li>
 * <li>after the fuzz: every connection closed, the in-flight budget back to 0, the selector thread
 * alive, nothing logged as an error, no listener thread died, and a fresh client can hello, put and
 * get promptly.</li>
 * </ul>
 * Bounded: a fixed seed ({@code -Dmeshport.fuzz.seed}), a number of rounds
 * ({@code -Dmeshport.fuzz.rounds}, default a few seconds' worth), every wait bounded. Every
 * violation found is reported with the frame's bytes in hex, how the frame was made, and what came
 * back; the report also goes to {@code target/frame-fuzz/}.
 */
class FrameFuzzTest {
    static final long SEED = Long.getLong("meshport.fuzz.seed", 17L);
    static final int ROUNDS = Integer.getInteger("meshport.fuzz.rounds", 400);
    static final long MAX_FRAME = 8L * 1024 * 1024;
    private static final int MAX_MESSAGE_CHARS = 2000;
    private static final long CONNECTION_DEADLINE_MS = 20_000;
    private static final Set<String> CODES = new HashSet<>();
    /** Text that names a Java class: a package-qualified name, or a simple name ending in Exception or Error. */
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\b(?:java|javax|jdk|sun|com\\.sun|io\\.meshport|org\\.osgi|org\\.apache|com\\.fasterxml)\\.[A-Za-z_$][\\w$.]{0,200}"
                    + "|\\b[A-Z][A-Za-z0-9]{0,60}(?:Exception|Error)\\b|\\$Lambda|\\b[A-Za-z_]\\w{0,60}\\$\\w");
    private static final String TOKEN = "fuzz-token-Qm9vZ2Vy";

    static {
        for (ErrorCode c : ErrorCode.values()) {
            CODES.add(c.name());
        }
        CODES.add("UNAVAILABLE"); // PROTOCOL.md section 11
    }

    // ------------------------------------------------------------------------------------ the service called

    /** A point, to see records travel as maps. */
    public record Point(double x, double y, String label) {
    }

    /** An enum, to see enums travel by name. */
    public enum Shade {
        LIGHT, DARK
    }

    /** The interface exported as {@code fz}: calls reach its methods with fuzzed arguments. */
    public interface FuzzService {
        long add(long a, long b);

        int half(int value);

        String echo(String text);

        List<Double> scale(List<Double> values, double factor);

        Point mid(Point a, Point b);

        Shade flip(Shade shade);

        Optional<String> maybe(boolean present);

        int points(Mesh mesh);

        Object any(Object value);

        void missing(String what);

        float[] floats(float[] values);

        Map<String, Object> keys(Map<String, Object> map);

        int count();
    }

    /**
     * Well-behaved: every failure it reports is a MeshportException with a short message (a null where
     * it needs a value too), so that whatever else comes back is the host's own doing.
     */
    public static final class FuzzServiceImpl implements FuzzService {
        private static <T> T given(T v, String name) {
            if (v == null) {
                throw new MeshportException(ErrorCode.BAD_ARGS, name + " is null");
            }
            return v;
        }

        @Override
        public long add(long a, long b) {
            return a + b;
        }

        @Override
        public int half(int value) {
            return value / 2;
        }

        @Override
        public String echo(String text) {
            return text;
        }

        @Override
        public List<Double> scale(List<Double> values, double factor) {
            List<Double> out = new ArrayList<>();
            for (Double v : given(values, "values")) {
                out.add(v == null ? null : v * factor);
            }
            return out;
        }

        @Override
        public Point mid(Point a, Point b) {
            given(a, "a");
            given(b, "b");
            return new Point((a.x() + b.x()) / 2, (a.y() + b.y()) / 2, String.valueOf(a.label()).length() + "|" + String.valueOf(b.label()).length());
        }

        @Override
        public Shade flip(Shade shade) {
            return shade == Shade.LIGHT ? Shade.DARK : Shade.LIGHT;
        }

        @Override
        public Optional<String> maybe(boolean present) {
            return present ? Optional.of("here") : Optional.empty();
        }

        @Override
        public int points(Mesh mesh) {
            return given(mesh, "mesh").pointCount();
        }

        @Override
        public Object any(Object value) {
            return value;
        }

        @Override
        public void missing(String what) {
            given(what, "what");
            throw new MeshportException(ErrorCode.NOT_FOUND, "no thing '" + (what.length() > 40 ? what.substring(0, 40) + "..." : what) + "'");
        }

        @Override
        public float[] floats(float[] values) {
            return values;
        }

        @Override
        public Map<String, Object> keys(Map<String, Object> map) {
            return map;
        }

        @Override
        public int count() {
            return 42;
        }
    }

    // ------------------------------------------------------------------------------------ the host

    /** A log that remembers what the host reports as errors (and counts the rest). */
    static final class RecordingLog implements Log {
        final List<String> errors = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger warnings = new AtomicInteger();
        final AtomicInteger infos = new AtomicInteger();

        @Override
        public void info(String message) {
            infos.incrementAndGet();
        }

        @Override
        public void warn(String message, Throwable cause) {
            warnings.incrementAndGet();
        }

        @Override
        public void error(String message, Throwable cause) {
            StringWriter w = new StringWriter();
            w.append(cut(message, 300));
            if (cause != null) {
                w.append(": ");
                StringWriter t = new StringWriter();
                cause.printStackTrace(new PrintWriter(t));
                w.append(cut(t.toString(), 3000));
            }
            errors.add(w.toString());
        }
    }

    /** One fuzzed host. */
    private static final class Host implements AutoCloseable {
        final SessionStoreImpl store = new SessionStoreImpl(0, System::currentTimeMillis);
        final RecordingLog log = new RecordingLog();
        final SocketServer server;
        final Thread selector;
        final String token;

        Host(boolean withToken) throws IOException {
            token = withToken ? TOKEN : null;
            CodecRegistry codecs = new CodecRegistry(log);
            codecs.add(1, "mesh", 0, "test", new MeshCodec(new MeshReaderService()), true);
            codecs.add(2, "cbor", 0, "test", new CborCodec());
            codecs.add(3, "bytes", 0, "test", new BytesCodec());
            ExportRegistry exports = new ExportRegistry(log);
            exports.add(1, "fz", 0, "test", new FuzzServiceImpl(), List.of(FuzzService.class));
            ServerLimits.Builder b = ServerLimits.builder();
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
    }

    // ------------------------------------------------------------------------------------ what is found

    /** A kind of violation, with how often it happened and its smallest example. */
    private static final class Finding {
        final String signature;
        int count;
        String example;
        int exampleBytes = Integer.MAX_VALUE;
        String firstExample;

        Finding(String signature) {
            this.signature = signature;
        }
    }

    private final Map<String, Finding> findings = new LinkedHashMap<>();
    /** Replies by outcome ("ok" or the error code), to show what the fuzz reached. */
    private final Map<String, Integer> outcomes = new java.util.TreeMap<>();

    private synchronized void violation(String signature, String detail, byte[] frame, String how, String got) {
        Finding f = findings.computeIfAbsent(signature, Finding::new);
        f.count++;
        StringBuilder e = new StringBuilder();
        e.append(detail).append('\n');
        if (how != null) {
            e.append("    made as: ").append(how).append('\n');
        }
        if (frame != null) {
            e.append("    frame (").append(frame.length).append(" bytes, length prefix included): ").append(hexShort(frame)).append('\n');
        }
        if (got != null) {
            e.append("    came back: ").append(cut(got, 1200)).append('\n');
        }
        int size = frame == null ? Integer.MAX_VALUE - 1 : frame.length;
        if (f.firstExample == null) {
            f.firstExample = e.toString();
        }
        if (size < f.exampleBytes) {
            f.exampleBytes = size;
            f.example = e.toString();
        }
    }

    private static String hexShort(byte[] b) {
        if (b.length <= 1024) {
            return FuzzCbor.hex(b, 0, b.length);
        }
        return FuzzCbor.hex(b, 0, 512) + "... (" + b.length + " bytes; the first 512 shown)";
    }

    static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max) + "... (" + s.length() + " chars)";
    }

    // ------------------------------------------------------------------------------------ the tests

    @Test
    void fuzzTheFrameAndRequestPathWithoutToken() throws Exception {
        fuzz(false, ROUNDS, SEED);
    }

    @Test
    void fuzzTheFrameAndRequestPathWithToken() throws Exception {
        fuzz(true, Math.max(1, ROUNDS / 3), SEED ^ 0x5eed);
    }

    private void fuzz(boolean withToken, int roundsAsked, long seed) throws Exception {
        int rounds = roundsAsked;
        long t0 = System.nanoTime();
        Random rng = new Random(seed);
        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fuzz-io-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<String> uncaught = Collections.synchronizedList(new ArrayList<>());
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (t.getName().startsWith("meshport-")) {
                uncaught.add(t.getName() + ": " + e);
            }
            if (previous != null) {
                previous.uncaughtException(t, e);
            }
        });
        long frames = 0;
        long connections = 0;
        try (Host host = new Host(withToken)) {
            FuzzFrames gen = new FuzzFrames(rng, host.token, MAX_FRAME, FuzzFrames.largeMeshBody(300_000, 60_000));
            RawClient control = new RawClient(host.port());
            if (withToken) {
                control.call("op", "hello", "id", 1L, "version", 1L, "token", TOKEN);
            }
            long controlId = 10;
            for (int r = 0; r < rounds; r++) {
                int n = 1 + rng.nextInt(4);
                List<Conn> conns = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    conns.add(new Conn(r, i, gen.connection(withToken), rng));
                }
                for (Conn c : conns) {
                    c.start(host, pool, rng.nextLong());
                    frames += c.frames.size();
                    connections++;
                }
                boolean stuck = false;
                for (Conn c : conns) {
                    stuck |= !c.finish(host, withToken);
                }
                String deadlock = deadlockedListenerThreads();
                if (deadlock != null) {
                    violation("the listener's threads are deadlocked (the host is deaf from then on)", "after round " + r + ":\n"
                            + deadlock, null, null, null);
                    rounds = r + 1;
                    break;
                }
                if (stuck && !answersPing(control, ++controlId)) {
                    violation("the host stopped answering (deaf)", "after round " + r + ", a connection got no answer for "
                            + CONNECTION_DEADLINE_MS / 1000 + " s and a quiet client's ping none for 5 s; the listener's threads:\n"
                            + listenerThreads(), null, null, null);
                    rounds = r + 1;
                    break;
                }
                if (r % 20 == 19) { // the host still answers a quiet client between rounds
                    controlId++;
                    long sent = System.nanoTime();
                    try {
                        control.socket.setSoTimeout(10_000);
                        Map<Object, Object> pong = control.call("op", "ping", "id", controlId);
                        if (!Boolean.TRUE.equals(pong.get("ok"))) {
                            violation("the control client's ping failed", "round " + r + ": " + pong, null, null, null);
                        }
                    } catch (IOException | AssertionError e) {
                        violation("the host did not answer the control client's ping", "round " + r + ", after "
                                + (System.nanoTime() - sent) / 1_000_000 + " ms: " + e, null, null, null);
                        control.close();
                        control = new RawClient(host.port());
                        if (withToken) {
                            control.call("op", "hello", "id", 1L, "version", 1L, "token", TOKEN);
                        }
                    }
                }
            }
            control.close();
            afterTheFuzz(host, uncaught);
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String summary = report(withToken, seed, rounds, connections, frames, seconds);
        System.out.println(summary);
        if (!findings.isEmpty()) {
            fail(summary);
        }
    }

    private static boolean answersPing(RawClient control, long id) {
        try {
            control.socket.setSoTimeout(5_000);
            return Boolean.TRUE.equals(control.call("op", "ping", "id", id).get("ok"));
        } catch (IOException | AssertionError e) {
            return false;
        }
    }

    /** @return the stacks of the listener's deadlocked threads (and what they hold), or null when none is */
    static String deadlockedListenerThreads() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long[] ids = mx.findDeadlockedThreads();
        if (ids == null) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(ids, true, true)) {
            if (t != null && t.getThreadName().startsWith("meshport-")) {
                b.append(stack(t));
            }
        }
        return b.length() == 0 ? null : b.toString();
    }

    /** @return the stacks of the listener's threads that are not idle */
    static String listenerThreads() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        StringBuilder b = new StringBuilder();
        for (java.lang.management.ThreadInfo t : mx.dumpAllThreads(true, true)) {
            if (t.getThreadName().startsWith("meshport-")) {
                b.append(stack(t));
            }
        }
        return b.toString();
    }

    private static String stack(java.lang.management.ThreadInfo t) {
        StringBuilder b = new StringBuilder("      \"").append(t.getThreadName()).append("\" ").append(t.getThreadState());
        if (t.getLockName() != null) {
            b.append(" waiting for ").append(t.getLockName());
            if (t.getLockOwnerName() != null) {
                b.append(" held by \"").append(t.getLockOwnerName()).append('"');
            }
        }
        b.append('\n');
        StackTraceElement[] st = t.getStackTrace();
        for (int i = 0; i < Math.min(st.length, 14); i++) {
            b.append("        at ").append(st[i]).append('\n');
            for (java.lang.management.MonitorInfo m : t.getLockedMonitors()) {
                if (m.getLockedStackDepth() == i) {
                    b.append("        - locked ").append(m).append('\n');
                }
            }
        }
        for (java.lang.management.LockInfo l : t.getLockedSynchronizers()) {
            b.append("        - holds ").append(l).append('\n');
        }
        return b.toString();
    }

    /** The host after the fuzz: nothing left open or held, its threads alive, a fresh client served. */
    private void afterTheFuzz(Host host, List<String> uncaught) throws Exception {
        long until = System.currentTimeMillis() + 10_000;
        while (host.server.openConnections() > 0 && System.currentTimeMillis() < until) {
            Thread.sleep(10);
        }
        if (host.server.openConnections() > 0) {
            violation("connections still open after every client closed", host.server.openConnections()
                    + " connections open 10 s after the last client closed", null, null, null);
        }
        until = System.currentTimeMillis() + 5_000;
        while (host.server.budget.used() != 0 && System.currentTimeMillis() < until) {
            Thread.sleep(10);
        }
        if (host.server.budget.used() != 0) {
            violation("the in-flight budget is not back to 0", host.server.budget.used() + " bytes still held with no connection open",
                    null, null, null);
        }
        if (host.selector == null) {
            violation("the selector thread could not be found", "no new thread named meshport-selector after start", null, null, null);
        } else if (!host.selector.isAlive()) {
            violation("the selector thread died", host.selector.getName() + " is not alive", null, null, null);
        }
        // A fresh client is served promptly: hello, put, get.
        long t0 = System.nanoTime();
        Mesh tri = Mesh.builder().positions(new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0}).indices(new int[] {0, 1, 2}).build();
        try (MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", host.port()).withToken(host.token)
                .withConnectTimeout(Duration.ofSeconds(5)).withRequestTimeout(Duration.ofSeconds(5)).withReconnect(Duration.ZERO))) {
            long v = c.put("after/fuzz", tri).version();
            Mesh back = c.getMesh("after/fuzz").mesh();
            float[] p = back.positions(new float[9]);
            if (!Arrays.equals(p, new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0}) || v <= 0) {
                violation("a fresh client's put and get do not round-trip", "got " + Arrays.toString(p) + " at version " + v, null, null, null);
            }
        } catch (RuntimeException e) {
            violation("a fresh client is not served after the fuzz", String.valueOf(e), null, null, null);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (ms > 5_000) {
            violation("a fresh client is served slowly after the fuzz", "hello, put and get took " + ms + " ms", null, null, null);
        }
        for (String e : new ArrayList<>(host.log.errors)) {
            violation("the host logged an error: " + firstLine(e), e, null, null, null);
        }
        for (String u : uncaught) {
            violation("a listener thread died", u, null, null, null);
        }
    }

    private static String firstLine(String s) {
        int i = s.indexOf(':');
        String head = i < 0 ? s : s.substring(0, i);
        Matcher m = Pattern.compile("\\b\\w{1,60}(?:Exception|Error)\\b").matcher(s);
        return cut(head, 80) + (m.find() ? " (" + m.group() + ")" : "");
    }

    private String report(boolean withToken, long seed, int rounds, long connections, long frames, double seconds) throws IOException {
        StringBuilder s = new StringBuilder();
        s.append(String.format(java.util.Locale.ROOT, "frame fuzz %s token, seed %d: %d rounds, %d connections, %d frames in %.1f s: %s%n",
                withToken ? "with" : "without", seed, rounds, connections, frames, seconds,
                findings.isEmpty() ? "no violation" : findings.size() + " kinds of violation"));
        s.append("replies: ").append(outcomes).append('\n');
        for (Finding f : findings.values()) {
            s.append("\n* ").append(f.signature).append(" (").append(f.count).append(f.count == 1 ? " time" : " times").append(")\n");
            s.append("  smallest example: ").append(f.example);
            if (!f.firstExample.equals(f.example)) {
                s.append("  first example: ").append(f.firstExample);
            }
        }
        Path dir = Paths.get("target", "frame-fuzz");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report-" + (withToken ? "token" : "open") + "-seed" + seed + "-rounds" + rounds + ".txt"), s.toString(),
                StandardCharsets.UTF_8);
        return s.toString();
    }

    // ------------------------------------------------------------------------------------ one connection

    private enum Mode { CLEAN, HALF_EOF, ABORT, RESET }

    /** A reply read from the host. */
    private record Got(byte[] body, CMap map, String problem) {
    }

    /** One fuzzed connection: its frames, how it ends, and what the host sent. */
    private final class Conn {
        final int round;
        final int index;
        final List<Frame> frames;
        final byte[] stream;
        final int[] starts; // where each generated frame begins in the stream
        final int cut; // bytes sent
        final Mode mode;
        Socket socket;
        Future<?> writer;
        Future<?> reader;
        final List<Got> got = new ArrayList<>();
        volatile boolean eof;
        volatile boolean reset;
        volatile String readProblem;

        Conn(int round, int index, List<Frame> frames, Random rng) {
            this.round = round;
            this.index = index;
            this.frames = frames;
            int total = 0;
            starts = new int[frames.size() + 1];
            for (int i = 0; i < frames.size(); i++) {
                starts[i] = total;
                total += frames.get(i).wire.length;
            }
            starts[frames.size()] = total;
            stream = new byte[total];
            for (int i = 0; i < frames.size(); i++) {
                System.arraycopy(frames.get(i).wire, 0, stream, starts[i], frames.get(i).wire.length);
            }
            int m = rng.nextInt(100);
            mode = m < 70 ? Mode.CLEAN : m < 85 ? Mode.HALF_EOF : m < 95 ? Mode.ABORT : Mode.RESET;
            if (mode == Mode.CLEAN || total < 2) {
                cut = total;
            } else {
                int f = rng.nextInt(frames.size()); // within a frame, header included
                int len = frames.get(f).wire.length;
                cut = starts[f] + 1 + (len > 1 ? rng.nextInt(len - 1) : 0);
            }
        }

        void start(Host host, ExecutorService pool, long seed) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), host.port());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(250);
            Random chunks = new Random(seed);
            writer = pool.submit(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    int p = 0;
                    while (p < cut) {
                        int n = p < 64 && chunks.nextInt(4) == 0 ? 1 + chunks.nextInt(3) : 1 + chunks.nextInt(64 * 1024);
                        n = Math.min(n, cut - p);
                        out.write(stream, p, n);
                        out.flush();
                        p += n;
                    }
                    if (mode == Mode.ABORT || mode == Mode.RESET) {
                        if (mode == Mode.RESET) {
                            socket.setSoLinger(true, 0);
                        }
                        socket.close();
                    } else {
                        socket.shutdownOutput();
                    }
                } catch (IOException e) {
                    // the host closed after a frame-level error, or the test gave up on this connection
                }
                return null;
            });
            if (mode == Mode.CLEAN || mode == Mode.HALF_EOF) {
                reader = pool.submit(this::read);
            }
        }

        private Void read() {
            long deadline = System.currentTimeMillis() + CONNECTION_DEADLINE_MS;
            try {
                DataInputStream in = new DataInputStream(socket.getInputStream());
                while (System.currentTimeMillis() < deadline) {
                    int first;
                    try {
                        first = in.read();
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    if (first < 0) {
                        eof = true;
                        return null;
                    }
                    byte[] head = new byte[4];
                    head[0] = (byte) first;
                    readFully(in, head, 1, 3, deadline);
                    long n = ByteBuffer.wrap(head).getInt() & 0xffffffffL;
                    if (n > 300L * 1024 * 1024) {
                        readProblem = "the host sent a frame length of " + n;
                        return null;
                    }
                    byte[] body = new byte[(int) n];
                    readFully(in, body, 0, body.length, deadline);
                    Object v;
                    try {
                        v = FuzzCbor.decodeWhole(body, 0, body.length, false);
                    } catch (FuzzCbor.Malformed e) {
                        synchronized (got) {
                            got.add(new Got(body, null, "not well-formed CBOR: " + e.getMessage()));
                        }
                        continue;
                    }
                    synchronized (got) {
                        got.add(new Got(body, v instanceof CMap ? (CMap) v : null, v instanceof CMap ? null : "not a map: " + FuzzCbor.describe(v, 200)));
                    }
                }
                readProblem = "the host neither closed the connection nor sent more within " + CONNECTION_DEADLINE_MS / 1000 + " s";
            } catch (EOFException e) {
                readProblem = "the connection ended inside a frame the host sent";
            } catch (SocketException e) {
                reset = true; // judged below: only what was missing matters
            } catch (IOException e) {
                readProblem = "reading failed: " + e;
            }
            return null;
        }

        private void readFully(InputStream in, byte[] b, int off, int len, long deadline) throws IOException {
            while (len > 0) {
                int n;
                try {
                    n = in.read(b, off, len);
                } catch (SocketTimeoutException e) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new IOException("timed out inside a frame the host sent");
                    }
                    continue;
                }
                if (n < 0) {
                    throw new EOFException();
                }
                off += n;
                len -= n;
            }
        }

        /** @return false when the host left this connection hanging */
        boolean finish(Host host, boolean tokenHost) throws Exception {
            boolean answered = true;
            try {
                if (reader != null) {
                    reader.get(CONNECTION_DEADLINE_MS + 5_000, TimeUnit.MILLISECONDS);
                    socket.close(); // unblocks a writer the host stopped reading from
                    writer.get(5_000, TimeUnit.MILLISECONDS);
                } else {
                    writer.get(CONNECTION_DEADLINE_MS, TimeUnit.MILLISECONDS);
                }
            } catch (TimeoutException e) {
                violation("a connection's I/O did not finish in time", "round " + round + " connection " + index, null, null, null);
                answered = false;
            } finally {
                socket.close();
            }
            if (reader != null) {
                answered &= !(readProblem != null && readProblem.startsWith("the host neither"));
                check(tokenHost, host.token);
            }
            return answered;
        }

        // -------------------------------------------------------------------------------- the oracle

        /** Which generated frame holds this offset of the stream, for the report. */
        String how(int offset) {
            for (int i = 0; i < frames.size(); i++) {
                if (offset < starts[i + 1]) {
                    return "frame " + i + " of round " + round + " connection " + index + " (" + mode + "): " + frames.get(i).how;
                }
            }
            return "after the last frame";
        }

        private void check(boolean tokenHost, String token) {
            List<Expected> expected = expectations();
            List<Got> replies = new ArrayList<>();
            String echoSource = FuzzFrames.utf8(Arrays.copyOf(stream, cut));
            synchronized (got) {
                for (Got g : got) {
                    if (g.map != null && "event".equals(g.map.get("op"))) {
                        checkEvent(g);
                    } else if (g.map != null && "bye".equals(g.map.get("op"))) {
                        violation("the host said bye", "round " + round + " connection " + index + ": " + g.map, null, null, null);
                    } else {
                        replies.add(g);
                    }
                }
            }
            int gi = 0;
            boolean sawOk = false;
            boolean closes = false;
            for (Expected e : expected) {
                Got g = gi < replies.size() ? replies.get(gi) : null;
                if (g != null && g.map == null) {
                    violation("a frame from the host is not a CBOR map", g.problem + " (hex " + hexShort(g.body) + ")", e.frame, how(e.offset), null);
                    return;
                }
                if (g != null && !g.map.has("id") && tokenHost && "UNAUTHORIZED".equals(code(g))) {
                    // Before authentication, a host with a token refuses with UNAUTHORIZED and closes: without id
                    // when the frame had none, or when the host refuses it at its header (a large frame). After a
                    // success, only a hello without the token (and without id) may be refused so.
                    if (sawOk && !helloWithoutTokenAhead(expected, expected.indexOf(e))) {
                        violation("UNAUTHORIZED (without id) for a request sent after a successful hello", e.kind == Expected.Kind.REPLY
                                ? "expected the reply to id " + Long.toUnsignedString(e.id) : "expected " + e.kind, e.frame, how(e.offset),
                                g.map.toString());
                        return;
                    }
                    gi++;
                    checkReply(g, e, echoSource, token);
                    closes = true;
                    break;
                }
                switch (e.kind) {
                    case REPLY: {
                        if (g == null) {
                            missing(e, "a reply with id " + Long.toUnsignedString(e.id));
                            return;
                        }
                        Long id = g.map.has("id") ? FuzzCbor.uintBits(g.map.get("id")) : null;
                        if (id == null || id != e.id) {
                            String c = code(g);
                            if (id == null && ("BAD_FRAME".equals(c) || "FRAME_TOO_LARGE".equals(c))) {
                                violation("the host refused as " + c + " a frame the test reads as a well-formed map",
                                        "expected a reply to id " + Long.toUnsignedString(e.id), e.frame, how(e.offset), g.map.toString());
                            } else {
                                violation("a reply out of order or with the wrong id", "expected the reply to id " + Long.toUnsignedString(e.id)
                                        + ", got " + (id == null ? "a frame without a usable id" : "id " + Long.toUnsignedString(id)),
                                        e.frame, how(e.offset), g.map.toString());
                            }
                            return;
                        }
                        gi++;
                        checkReply(g, e, echoSource, token);
                        if ("UNAUTHORIZED".equals(code(g))) {
                            if (!tokenHost || (sawOk && !e.helloWithoutTheToken)) {
                                violation("UNAUTHORIZED where no token is missing", tokenHost ? "after a success on the same connection"
                                        : "on a host without a token", e.frame, how(e.offset), g.map.toString());
                            }
                            closes = true;
                        } else if (Boolean.TRUE.equals(g.map.get("ok"))) {
                            sawOk = true;
                        }
                        break;
                    }
                    case NO_REPLY:
                    case NO_REPLY_NULL_ID: {
                        if (e.kind == Expected.Kind.NO_REPLY_NULL_ID && g != null && !g.map.has("id") && "BAD_REQUEST".equals(code(g))
                                && nullIdAnswered(expected, expected.indexOf(e), replies, gi)) {
                            gi++;
                            violation("a request whose id is null is answered (docs/protocol.md: a null optional field counts as absent)",
                                    "no reply expected", e.frame, how(e.offset), g.map.toString());
                        }
                        break;
                    }
                    case BAD_ID: {
                        if (g == null) {
                            missing(e, "an error without id for an id that is not an unsigned integer");
                            return;
                        }
                        String c = code(g);
                        if (g.map.has("id") || !"BAD_REQUEST".equals(c)) {
                            violation("an unusable id is not answered with BAD_REQUEST without id", "expected BAD_REQUEST without id",
                                    e.frame, how(e.offset), g.map.toString());
                            return;
                        }
                        gi++;
                        checkReply(g, e, echoSource, token);
                        break;
                    }
                    case INCOMPLETE:
                        break;
                    default: { // FRAME_ERROR
                        if (g == null) {
                            missing(e, e.code + " without id");
                            return;
                        }
                        String c = code(g);
                        if (g.map.has("id") || !e.code.equals(c)) {
                            String sig = e.code.equals("BAD_FRAME") && g.map.has("id")
                                    ? "the host answered a frame the test reads as not well-formed (" + e.why + ")"
                                    : "a frame-level error is not answered with " + e.code + " without id";
                            violation(sig, "expected " + e.code + " (" + e.why + ")", e.frame, how(e.offset), g.map.toString());
                            return;
                        }
                        gi++;
                        checkReply(g, e, echoSource, token);
                        closes = true;
                        break;
                    }
                }
                if (closes) {
                    break;
                }
            }
            if (gi < replies.size()) {
                Got extra = replies.get(gi);
                violation("a reply the test did not expect", "after " + gi + " expected replies (the connection "
                        + (closes ? "should have closed" : "sent " + expected.size() + " frames") + ")", null, how(0),
                        extra.map != null ? extra.map.toString() : extra.problem);
                return;
            }
            if (readProblem != null) {
                violation("the connection did not end as expected", readProblem + " (round " + round + " connection " + index + ", "
                        + mode + ", " + got.size() + " frames received)", null, how(cut - 1), null);
            }
        }

        /**
         * Whether an UNAUTHORIZED without id, after a success, may answer a frame from {@code ei} on: a
         * hello without the token and without id, before any frame that must be answered first.
         */
        private boolean helloWithoutTokenAhead(List<Expected> expected, int ei) {
            for (int i = ei; i < expected.size(); i++) {
                Expected x = expected.get(i);
                if (x.helloWithoutTheToken && x.kind != Expected.Kind.REPLY && x.kind != Expected.Kind.BAD_ID) {
                    return true;
                }
                if (x.kind != Expected.Kind.NO_REPLY && x.kind != Expected.Kind.NO_REPLY_NULL_ID) {
                    return false;
                }
            }
            return false;
        }

        /**
         * Whether the BAD_REQUEST without id at {@code gi} answers the null-id frame at {@code ei}: only
         * when more such replies come in a row than the frames up to the next reply with an id that
         * must get one (an unusable id); otherwise they are theirs.
         */
        private boolean nullIdAnswered(List<Expected> expected, int ei, List<Got> replies, int gi) {
            int owed = 0;
            for (int i = ei + 1; i < expected.size(); i++) {
                Expected.Kind k = expected.get(i).kind;
                if (k == Expected.Kind.BAD_ID) {
                    owed++;
                } else if (k != Expected.Kind.NO_REPLY && k != Expected.Kind.NO_REPLY_NULL_ID) {
                    break;
                }
            }
            int run = 0;
            for (int i = gi; i < replies.size(); i++) {
                Got g = replies.get(i);
                if (g.map == null || g.map.has("id") || !"BAD_REQUEST".equals(code(g))) {
                    break;
                }
                run++;
            }
            return run > owed;
        }

        private void missing(Expected e, String what) {
            String state = eof ? "the host closed the connection" : reset ? "the connection was reset" : "nothing more came";
            violation("a request got no reply (" + state + ")", "expected " + what + "; " + state, e.frame, how(e.offset), null);
        }

        private void checkEvent(Got g) {
            CMap m = g.map;
            boolean ok = m.size() == 5 && FuzzCbor.uintBits(m.get("watch")) != null && m.get("key") instanceof String
                    && FuzzCbor.uintBits(m.get("version")) != null && ("put".equals(m.get("change")) || "delete".equals(m.get("change")));
            if (!ok) {
                violation("a malformed event", "round " + round + " connection " + index, null, null, m.toString());
            }
        }

        /** Every reply: its shape, its code, its message. */
        private void checkReply(Got g, Expected e, String echoSource, String token) {
            CMap m = g.map;
            Object ok = m.get("ok");
            synchronized (outcomes) {
                outcomes.merge(Boolean.TRUE.equals(ok) ? "ok" : String.valueOf(code(g)), 1, Integer::sum);
            }
            Set<Object> keys = new HashSet<>(m.keys);
            boolean shape = keys.size() == m.size() && ok instanceof Boolean
                    && keys.equals(Boolean.TRUE.equals(ok) ? Set.of("id", "ok", "result") : m.has("id") ? Set.of("id", "ok", "error") : Set.of("ok", "error"));
            if (!shape) {
                violation("a reply not shaped as PROTOCOL.md section 3 says", "keys " + m.keys, e.frame, how(e.offset), m.toString());
                return;
            }
            if (Boolean.TRUE.equals(ok)) {
                return;
            }
            if (!(m.get("error") instanceof CMap)) {
                violation("an error reply without an error map", "", e.frame, how(e.offset), m.toString());
                return;
            }
            CMap err = (CMap) m.get("error");
            Object code = err.get("code");
            Object message = err.get("message");
            if (!(code instanceof String) || !(message instanceof String) || ((String) message).isBlank()
                    || (err.has("detail") && !(err.get("detail") instanceof CMap))
                    || !new HashSet<>(List.of("code", "message", "detail")).containsAll(err.keys) || err.keys.size() != new HashSet<>(err.keys).size()) {
                violation("an error not shaped as PROTOCOL.md section 3 says", "", e.frame, how(e.offset), m.toString());
                return;
            }
            String c = (String) code;
            String msg = (String) message;
            if (!CODES.contains(c)) {
                violation("an error code PROTOCOL.md does not list: " + c, "", e.frame, how(e.offset), m.toString());
            }
            if (c.equals("INTERNAL")) {
                violation("INTERNAL: " + cut(msg, 120), "", e.frame, how(e.offset), m.toString());
            }
            int chars = msg.codePointCount(0, msg.length());
            if (chars > MAX_MESSAGE_CHARS) {
                violation("an error message longer than " + MAX_MESSAGE_CHARS + " characters (" + c + ")", "the message has " + chars
                        + " characters: " + cut(msg, 300), e.frame, how(e.offset), null);
            }
            if (msg.contains("\tat ") || msg.contains("\n\tat") || msg.contains("Caused by:")) {
                violation("a stack trace in an error message (" + c + ")", "", e.frame, how(e.offset), m.toString());
            }
            // (bounded: a message that long is already a violation, and the patterns are not linear on huge text)
            Matcher cn = CLASS_NAME.matcher(msg.length() > 4 * MAX_MESSAGE_CHARS ? msg.substring(0, 4 * MAX_MESSAGE_CHARS) : msg);
            while (cn.find()) {
                if (!echoSource.contains(cn.group())) {
                    violation("a Java class name in an error message (" + c + ": " + cn.group() + ")", "message: " + cut(msg, 400), e.frame,
                            how(e.offset), null);
                    break;
                }
            }
            if (token != null && msg.contains(token)) {
                violation("the token in an error message (" + c + ")", "", e.frame, how(e.offset), null);
            }
        }

        private String code(Got g) {
            Object e = g.map.get("error");
            return e instanceof CMap && ((CMap) e).get("code") instanceof String ? (String) ((CMap) e).get("code") : null;
        }

        /** The frames the host cuts from what was sent, and what each must get back (PROTOCOL.md sections 2 and 3). */
        private List<Expected> expectations() {
            List<Expected> out = new ArrayList<>();
            int p = 0;
            while (cut - p >= 4) {
                long n = ByteBuffer.wrap(stream, p, 4).getInt() & 0xffffffffL;
                if (n == 0) {
                    out.add(Expected.frameError(p, Arrays.copyOfRange(stream, p, p + 4), "BAD_FRAME", "length 0"));
                    return out;
                }
                if (n > MAX_FRAME) {
                    out.add(Expected.frameError(p, Arrays.copyOfRange(stream, p, p + 4), "FRAME_TOO_LARGE", "length " + n));
                    return out;
                }
                if (cut - p - 4 < n) {
                    // The stream ends inside this frame: nothing comes back for it, and the host closes
                    // once the client has (a host with a token may refuse its header before a hello).
                    out.add(new Expected(Expected.Kind.INCOMPLETE, 0, p, Arrays.copyOfRange(stream, p, cut), null, null));
                    return out;
                }
                byte[] frame = Arrays.copyOfRange(stream, p, p + 4 + (int) n);
                Expected e = classify(p, frame);
                out.add(e);
                if (e.kind == Expected.Kind.FRAME_ERROR) {
                    return out;
                }
                p += 4 + (int) n;
            }
            return out;
        }
    }

    /** What one frame must get back. */
    private static final class Expected {
        enum Kind { REPLY, NO_REPLY, NO_REPLY_NULL_ID, BAD_ID, FRAME_ERROR, INCOMPLETE }

        final Kind kind;
        final long id;
        final int offset;
        final byte[] frame;
        final String code;
        final String why;
        /** A hello without the host's token: refused with UNAUTHORIZED even after a success (RepeatedHelloTest). */
        boolean helloWithoutTheToken;

        Expected(Kind kind, long id, int offset, byte[] frame, String code, String why) {
            this.kind = kind;
            this.id = id;
            this.offset = offset;
            this.frame = frame;
            this.code = code;
            this.why = why;
        }

        Expected hello(CMap m) {
            helloWithoutTheToken = "hello".equals(m.get("op")) && !TOKEN.equals(m.get("token"));
            return this;
        }

        static Expected frameError(int offset, byte[] frame, String code, String why) {
            return new Expected(Kind.FRAME_ERROR, 0, offset, frame, code, why);
        }
    }

    /**
     * What a whole frame (length prefix and body) must get: the body must be one well-formed CBOR
     * item nesting at most 256 deep, a map (tags around it allowed: docs/protocol.md), with nothing
     * after it; then its {@code id} decides.
     */
    static Expected classify(int offset, byte[] frame) {
        Object v;
        try {
            v = FuzzCbor.decodeWhole(frame, 4, frame.length, true);
        } catch (FuzzCbor.Malformed e) {
            return Expected.frameError(offset, frame, "BAD_FRAME", e.getMessage());
        }
        while (v instanceof FuzzCbor.Tagged) {
            v = ((FuzzCbor.Tagged) v).value();
        }
        if (!(v instanceof CMap)) {
            return Expected.frameError(offset, frame, "BAD_FRAME", "not a map: " + FuzzCbor.describe(v, 60));
        }
        CMap m = (CMap) v;
        if (!m.has("id")) {
            return new Expected(Expected.Kind.NO_REPLY, 0, offset, frame, null, null).hello(m);
        }
        Object id = m.get("id");
        if (id == null) {
            return new Expected(Expected.Kind.NO_REPLY_NULL_ID, 0, offset, frame, null, null).hello(m);
        }
        Long bits = FuzzCbor.uintBits(id);
        if (bits != null) {
            return new Expected(Expected.Kind.REPLY, bits, offset, frame, null, null).hello(m);
        }
        if (id instanceof Double) {
            double d = (Double) id;
            if (d >= 0 && d < 0x1p64 && d == Math.rint(d)) {
                long b = d < 0x1p63 ? (long) d : (long) (d - 0x1p63) ^ Long.MIN_VALUE;
                return new Expected(Expected.Kind.REPLY, b, offset, frame, null, null).hello(m);
            }
        }
        return new Expected(Expected.Kind.BAD_ID, 0, offset, frame, null, null).hello(m);
    }

    @Test
    void theOracleReadsFramesAsTheProtocolSays() {
        // A few fixed points of the test's own reading, so that a finding is the host's and not the oracle's.
        byte[] ping = FuzzFrames.framed(new FuzzCbor.Out().head(5, 2).text("op").text("ping").text("id").uint(7).bytes());
        assertTrue(classify(0, ping).kind == Expected.Kind.REPLY && classify(0, ping).id == 7);
        byte[] noId = FuzzFrames.framed(new FuzzCbor.Out().head(5, 1).text("op").text("ping").bytes());
        assertTrue(classify(0, noId).kind == Expected.Kind.NO_REPLY);
        byte[] negId = FuzzFrames.framed(new FuzzCbor.Out().head(5, 2).text("op").text("ping").text("id").negint(-1).bytes());
        assertTrue(classify(0, negId).kind == Expected.Kind.BAD_ID);
        byte[] trailing = FuzzFrames.framed(new FuzzCbor.Out().head(5, 1).text("op").text("ping").uint(0).bytes());
        assertTrue(classify(0, trailing).kind == Expected.Kind.FRAME_ERROR);
        FuzzCbor.Out deep = new FuzzCbor.Out().head(5, 1).text("b");
        for (int i = 0; i < 255; i++) {
            deep.head(4, 1);
        }
        deep.uint(1);
        assertTrue(classify(0, FuzzFrames.framed(deep.bytes())).kind == Expected.Kind.NO_REPLY, "256 levels are accepted");
        FuzzCbor.Out deeper = new FuzzCbor.Out().head(5, 1).text("b");
        for (int i = 0; i < 256; i++) {
            deeper.head(4, 1);
        }
        deeper.uint(1);
        assertTrue(classify(0, FuzzFrames.framed(deeper.bytes())).kind == Expected.Kind.FRAME_ERROR, "257 levels are not");
        byte[] tagged = FuzzFrames.framed(new FuzzCbor.Out().tag(55799).head(5, 2).text("op").text("ping").text("id").f64(0x1p63).bytes());
        assertTrue(classify(0, tagged).kind == Expected.Kind.REPLY && classify(0, tagged).id == Long.MIN_VALUE);
        byte[] simple = FuzzFrames.framed(new FuzzCbor.Out().head(5, 1).text("x").raw(new byte[] {(byte) 0xf8, 0x10}).bytes());
        assertTrue(classify(0, simple).kind == Expected.Kind.FRAME_ERROR, "a simple value below 32 in two bytes is not well-formed");
    }
}
