package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.meshport.codecs.impl.BytesCodec;
import io.meshport.codecs.impl.CborCodec;
import io.meshport.session.impl.SessionStoreImpl;
import io.meshport.support.Log;

/** A starting listener accepts clients once what it requires is served, or at its time limit, saying what is missing. */
class AcceptGateTest {
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final Log log = new Log() {
        @Override
        public void info(String message) {
        }

        @Override
        public void warn(String message, Throwable cause) {
        }

        @Override
        public void error(String message, Throwable cause) {
            errors.add(message);
        }
    };
    private final CodecRegistry codecs = new CodecRegistry(log);
    private final ExportRegistry exports = new ExportRegistry(log);
    private final SessionStoreImpl store = new SessionStoreImpl(0, System::currentTimeMillis);
    private final AtomicInteger opened = new AtomicInteger();
    private SocketServer server;
    private AcceptGate gate;

    /** A server on an ephemeral port and its gate, which accepts clients when it opens. */
    private AcceptGate gate(List<String> requiredCodecs, List<String> requiredServices, long timeoutMs) {
        return gate(requiredCodecs, requiredServices, timeoutMs, null);
    }

    private AcceptGate gate(List<String> requiredCodecs, List<String> requiredServices, long timeoutMs, Object servedBefore) {
        ListenerSettings.Builder b = ListenerSettings.builder();
        b.requiredCodecs = requiredCodecs;
        b.requiredServices = requiredServices;
        b.requiredTimeoutMs = timeoutMs;
        ListenerSettings limits = b.build();
        server = new SocketServer(limits, () -> store, codecs, exports, log);
        gate = new AcceptGate(limits, servedBefore, codecs, exports, log, () -> {
            opened.incrementAndGet();
            server.acceptConnections();
        });
        return gate;
    }

    @AfterEach
    void stop() {
        if (gate != null) {
            gate.close();
        }
        if (server != null) {
            server.stop("test over", 3000);
        }
    }

    private static void assertNoReplyYet(RawClient c) throws Exception {
        c.socket.setSoTimeout(500);
        assertThrows(SocketTimeoutException.class, c::read, "the hello was answered before the host was whole");
        c.socket.setSoTimeout(10_000);
    }

    @Test
    void clientsWaitInTheBacklogUntilTheRequiredCodecsAndServicesAreServed() throws Exception {
        codecs.add(1, "cbor", 0, "test", new CborCodec());
        AcceptGate g = gate(List.of("cbor", "bytes"), List.of("calc"), 20_000);
        assertFalse(g.ready());
        assertEquals(List.of("codec 'bytes'", "service 'calc'"), g.missing());
        server.start(false);
        g.startWaiting();
        try (RawClient c = new RawClient(server.address().getPort())) { // connects: the port is bound
            c.msg("op", "hello", "id", 1L, "version", 1L);
            assertNoReplyYet(c);
            codecs.add(2, "bytes", 0, "test", new BytesCodec());
            g.check();
            assertNoReplyYet(c);
            exports.add(3, "calc", 0, "test", new CallTest.CalcService(), List.of(CallTest.Calc.class));
            g.check();
            Map<?, ?> hello = Expect.okMap(c.read(), 1);
            assertEquals(List.of("bytes", "cbor"), hello.get("codecs"));
            assertEquals(List.of("calc"), hello.get("services"));
        }
        assertEquals(1, opened.get());
        assertEquals(List.of(), errors);
    }

    @Test
    void atTheTimeLimitClientsAreAcceptedAnywayAndWhatIsMissingIsLogged() throws Exception {
        codecs.add(1, "cbor", 0, "test", new CborCodec());
        AcceptGate g = gate(List.of("cbor", "nope"), List.of(), 1000);
        assertFalse(g.ready());
        server.start(false);
        long t0 = System.nanoTime();
        g.startWaiting();
        try (RawClient c = new RawClient(server.address().getPort())) {
            Map<?, ?> hello = Expect.okMap(c.call("op", "hello", "id", 1L, "version", 1L), 1);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 900 && ms < 8000, "accepted after " + ms + " ms, not at the 1 s limit");
            assertEquals(List.of("cbor"), hello.get("codecs"));
        }
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("still missing codec 'nope'"), errors.get(0));
    }

    @Test
    void aListenerThatFindsEverythingThereOpensAtOnceWithoutAThread() throws Exception {
        codecs.add(1, "cbor", 0, "test", new CborCodec());
        AcceptGate g = gate(List.of("cbor"), List.of(), 20_000);
        assertTrue(g.ready());
        assertFalse(threadNames().contains("meshport-listener-gate"));
        server.start(true);
        try (RawClient c = new RawClient(server.address().getPort())) {
            Expect.okMap(c.call("op", "hello", "id", 1L, "version", 1L), 1);
        }
        assertEquals(0, opened.get(), "the caller accepts itself");
    }

    @Test
    void aRestartedListenerWaitsOnlyForWhatItsPredecessorServed() throws Exception {
        codecs.add(1, "cbor", 0, "test", new CborCodec());
        // ply's jar was removed before this listener was updated: its successor does not wait for it
        Map<String, List<String>> before = Map.of("codecs", List.of("cbor", "mesh"), "services", List.of());
        AcceptGate g = gate(List.of("cbor", "ply"), List.of("nodes"), 20_000, before);
        assertTrue(g.ready(), g.missing().toString());
        assertEquals(Map.of("codecs", List.of("cbor"), "services", List.of()), AcceptGate.served(codecs, exports));
        // what it served before and is not there yet (restarting with it) is waited for
        AcceptGate h = gate(List.of("cbor", "mesh"), List.of(), 20_000, before);
        assertEquals(List.of("codec 'mesh'"), h.missing());
        assertFalse(h.ready());
    }

    @Test
    void aGateClosedBeforeItOpensOpensNothingAndItsThreadEnds() throws Exception {
        AcceptGate g = gate(List.of("nope"), List.of(), 20_000);
        assertFalse(g.ready());
        server.start(false);
        g.startWaiting();
        g.close();
        assertFalse(threadNames().contains("meshport-listener-gate"));
        assertEquals(0, opened.get());
    }

    @Test
    void theRequiredNamesAreReadFromTextsAndArraysAndBadOnesAreLeftOut() {
        List<String> problems = new ArrayList<>();
        ListenerSettings d = ListenerSettings.from(Map.of(), k -> null, problems, null);
        assertEquals(List.of("mesh", "cbor", "bytes"), d.requiredCodecs);
        assertEquals(List.of(), d.requiredServices);
        assertEquals(30_000, d.requiredTimeoutMs);
        ListenerSettings cfg = ListenerSettings.from(Map.of("requiredCodecs", "mesh, ply  stl,", "requiredServices", new String[] {"nodes", "no/pe"},
                "requiredTimeoutSeconds", "5"), k -> null, problems, null);
        assertEquals(List.of("mesh", "ply", "stl"), cfg.requiredCodecs);
        assertEquals(List.of("nodes"), cfg.requiredServices);
        assertEquals(5000, cfg.requiredTimeoutMs);
        assertEquals(List.of("requiredServices: 'no/pe' is not a service name; it is left out"), problems);
        ListenerSettings none = ListenerSettings.from(Map.of("requiredCodecs", ""), k -> k.equals("meshport.listener.requiredServices") ? "nodes" : null,
                problems, null);
        assertEquals(List.of(), none.requiredCodecs, "an empty text requires nothing");
        assertEquals(List.of("nodes"), none.requiredServices, "the command line's framework property");
    }

    private static List<String> threadNames() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            names.add(t.getName());
        }
        return names;
    }
}
