package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.meshport.listener.impl.FuzzExpected.Kind;

/**
 * Fuzzes the frame and request path (issue 17): random requests of every op, valid and mutated (see
 * {@link FuzzFrames}), sent pipelined over a few connections at once ({@link FuzzConnection}) to a
 * real {@link SocketServer} on 127.0.0.1 ({@link FuzzHost}), some connections cut mid-frame. What
 * comes back on each connection is checked ({@link FuzzOracle}) against what docs/protocol.md says, with
 * the test's own CBOR reader ({@link FuzzCbor}) deciding what each frame is ({@link FuzzExpected}):
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
 * violation found is reported ({@link FuzzFindings}) with the frame's bytes in hex, how the frame was
 * made, and what came back; the report also goes to {@code target/frame-fuzz/}.
 */
class FrameFuzzTest implements FuzzExport { // FuzzExport: its types keep the names other tests use
    static final long SEED = Long.getLong("meshport.fuzz.seed", 17L);
    static final int ROUNDS = Integer.getInteger("meshport.fuzz.rounds", 400);

    /** @see FuzzThreads#deadlocked() (here for the tests that call it by this name) */
    static String deadlockedListenerThreads() {
        return FuzzThreads.deadlocked();
    }

    /** @see FuzzThreads#all() (here for the tests that call it by this name) */
    static String listenerThreads() {
        return FuzzThreads.all();
    }

    @Test
    void fuzzTheFrameAndRequestPathWithoutToken() throws Exception {
        fuzz(false, ROUNDS, SEED);
    }

    @Test
    void fuzzTheFrameAndRequestPathWithToken() throws Exception {
        fuzz(true, Math.max(1, ROUNDS / 3), SEED ^ 0x5eed);
    }

    private static void fuzz(boolean withToken, int roundsAsked, long seed) throws Exception {
        FuzzFindings findings = new FuzzFindings();
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
        try (FuzzHost host = new FuzzHost(withToken)) {
            FuzzFrames gen = new FuzzFrames(rng, host.token, FuzzHost.MAX_FRAME, FuzzFrames.largeMeshBody(300_000, 60_000));
            RawClient control = new RawClient(host.port());
            if (withToken) {
                control.call("op", "hello", "id", 1L, "version", 1L, "token", FuzzHost.TOKEN);
            }
            long controlId = 10;
            for (int r = 0; r < rounds; r++) {
                int n = 1 + rng.nextInt(4);
                List<FuzzConnection> conns = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    conns.add(new FuzzConnection(findings, r, i, gen.connection(withToken), rng));
                }
                for (FuzzConnection c : conns) {
                    c.start(host, pool, rng.nextLong());
                    frames += c.frames.size();
                    connections++;
                }
                boolean stuck = false;
                for (FuzzConnection c : conns) {
                    stuck |= !c.finish(host, withToken);
                }
                String deadlock = FuzzThreads.deadlocked();
                if (deadlock != null) {
                    findings.violation("the listener's threads are deadlocked (the host is deaf from then on)", "after round " + r + ":\n"
                            + deadlock, null, null, null);
                    rounds = r + 1;
                    break;
                }
                if (stuck && !answersPing(control, ++controlId)) {
                    findings.violation("the host stopped answering (deaf)", "after round " + r + ", a connection got no answer for "
                            + FuzzConnection.DEADLINE_MS / 1000 + " s and a quiet client's ping none for 5 s; the listener's threads:\n"
                            + FuzzThreads.all(), null, null, null);
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
                            findings.violation("the control client's ping failed", "round " + r + ": " + pong, null, null, null);
                        }
                    } catch (IOException | AssertionError e) {
                        findings.violation("the host did not answer the control client's ping", "round " + r + ", after "
                                + (System.nanoTime() - sent) / 1_000_000 + " ms: " + e, null, null, null);
                        control.close();
                        control = new RawClient(host.port());
                        if (withToken) {
                            control.call("op", "hello", "id", 1L, "version", 1L, "token", FuzzHost.TOKEN);
                        }
                    }
                }
            }
            control.close();
            host.checkAfterTheFuzz(findings, uncaught);
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String summary = findings.report(withToken, seed, rounds, connections, frames, seconds);
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

    @Test
    void theOracleReadsFramesAsTheProtocolSays() {
        // A few fixed points of the test's own reading, so that a finding is the host's and not the oracle's.
        byte[] ping = FuzzFrames.framed(new CborOut().head(5, 2).text("op").text("ping").text("id").uint(7).bytes());
        assertTrue(FuzzExpected.classify(0, ping).kind == Kind.REPLY && FuzzExpected.classify(0, ping).id == 7);
        byte[] noId = FuzzFrames.framed(new CborOut().head(5, 1).text("op").text("ping").bytes());
        assertTrue(FuzzExpected.classify(0, noId).kind == Kind.NO_REPLY);
        byte[] negId = FuzzFrames.framed(new CborOut().head(5, 2).text("op").text("ping").text("id").negint(-1).bytes());
        assertTrue(FuzzExpected.classify(0, negId).kind == Kind.BAD_ID);
        byte[] trailing = FuzzFrames.framed(new CborOut().head(5, 1).text("op").text("ping").uint(0).bytes());
        assertTrue(FuzzExpected.classify(0, trailing).kind == Kind.FRAME_ERROR);
        CborOut deep = new CborOut().head(5, 1).text("b");
        for (int i = 0; i < 255; i++) {
            deep.head(4, 1);
        }
        deep.uint(1);
        assertTrue(FuzzExpected.classify(0, FuzzFrames.framed(deep.bytes())).kind == Kind.NO_REPLY, "256 levels are accepted");
        CborOut deeper = new CborOut().head(5, 1).text("b");
        for (int i = 0; i < 256; i++) {
            deeper.head(4, 1);
        }
        deeper.uint(1);
        assertTrue(FuzzExpected.classify(0, FuzzFrames.framed(deeper.bytes())).kind == Kind.FRAME_ERROR, "257 levels are not");
        byte[] tagged = FuzzFrames.framed(new CborOut().tag(55799).head(5, 2).text("op").text("ping").text("id").f64(0x1p63).bytes());
        assertTrue(FuzzExpected.classify(0, tagged).kind == Kind.REPLY && FuzzExpected.classify(0, tagged).id == Long.MIN_VALUE);
        byte[] simple = FuzzFrames.framed(new CborOut().head(5, 1).text("x").raw(new byte[] {(byte) 0xf8, 0x10}).bytes());
        assertTrue(FuzzExpected.classify(0, simple).kind == Kind.FRAME_ERROR, "a simple value below 32 in two bytes is not well-formed");
    }
}
