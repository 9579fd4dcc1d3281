package io.meshport.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.client.PutResult;
import io.meshport.client.Watch;
import io.meshport.client.WatchEvent;
import io.meshport.listener.ListenerStatus;
import io.meshport.mesh.Mesh;
import io.meshport.node.NodeGraph;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;

/**
 * Hot swap: every server bundle is updated while clients stream puts; every put that was acknowledged
 * is in the session afterwards, versions never go back, nobody trying to connect is refused, and the
 * Java clients carry on without an error. A fresh framework per test (the updates change it).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class HotSwapIT {
    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return HostOptions.withShell(HostOptions.host());
    }

    private <T> T service(Class<T> type) throws InterruptedException {
        return Osgi.service(context, type);
    }

    private Bundle bundle(String symbolicName) {
        return Osgi.bundle(context, symbolicName);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Osgi.await(what, condition);
    }

    /** Puts small meshes in a loop on one client, keeping what was acknowledged. */
    private static final class Streamer extends Thread {
        final MeshportClient client;
        final String prefix;
        final Map<String, Long> acked = new ConcurrentHashMap<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final AtomicBoolean stop;
        long lastVersion;
        final AtomicInteger puts = new AtomicInteger();

        Streamer(MeshportClient client, String prefix, AtomicBoolean stop) {
            this.client = client;
            this.prefix = prefix;
            this.stop = stop;
            setDaemon(true);
        }

        @Override
        public void run() {
            for (int i = 0; i < 1_000_000 && !stop.get(); i++) {
                String key = prefix + (i % 50);
                try {
                    long v = client.put(key, Meshes.random(12, 10, i)).version();
                    if (v <= lastVersion) {
                        errors.add(new AssertionError("version " + v + " after " + lastVersion));
                    }
                    lastVersion = v;
                    acked.put(key, v);
                    puts.incrementAndGet();
                } catch (RuntimeException e) {
                    errors.add(e);
                }
            }
        }
    }

    /** Opens TCP connections to the port in a loop, counting the refused ones. */
    private static final class Knocker extends Thread {
        final int port;
        final AtomicBoolean stop;
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger accepted = new AtomicInteger();

        Knocker(int port, AtomicBoolean stop) {
            this.port = port;
            this.stop = stop;
            setDaemon(true);
        }

        @Override
        public void run() {
            for (int i = 0; i < 1_000_000 && !stop.get(); i++) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    accepted.incrementAndGet();
                } catch (ConnectException e) {
                    refused.incrementAndGet();
                } catch (IOException e) {
                    refused.incrementAndGet();
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Test
    public void everyServerBundleIsUpdatedWhileClientsStreamAndNothingIsLost() throws Exception {
        int port = service(ListenerStatus.class).address().getPort();
        AtomicBoolean stop = new AtomicBoolean();
        List<Streamer> streamers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            streamers.add(new Streamer(MeshportClient.connect(ClientOptions.of("127.0.0.1", port)), "swap/c" + i + "/", stop));
        }
        Knocker knocker = new Knocker(port, stop);
        MeshportClient watcher = MeshportClient.connect(ClientOptions.of("127.0.0.1", port));
        AtomicInteger events = new AtomicInteger();
        Watch watch = watcher.watch("swap/", e -> events.incrementAndGet());
        String sessionBefore = watcher.hostInfo().session();
        streamers.forEach(Thread::start);
        knocker.start();
        try {
            for (String part : List.of("listener", "codecs", "mesh-reader", "session-store", "node-runtime", "listener")) {
                int before = streamers.stream().mapToInt(s -> s.puts.get()).sum();
                await("puts flowing before updating " + part, () -> streamers.stream().mapToInt(s -> s.puts.get()).sum() > before + 20);
                bundle("io.meshport." + part).update();
                await(part + " active again", () -> bundle("io.meshport." + part).getState() == Bundle.ACTIVE);
            }
            int before = streamers.stream().mapToInt(s -> s.puts.get()).sum();
            await("puts flowing after the last update", () -> streamers.stream().mapToInt(s -> s.puts.get()).sum() > before + 50);
        } finally {
            stop.set(true);
            for (Streamer s : streamers) {
                s.join(30_000);
            }
            knocker.join(10_000);
        }
        for (Streamer s : streamers) {
            assertEquals("a caller of the client sees no error for a swap: " + s.errors, List.of(), s.errors);
        }
        assertEquals("connection attempts during the updates, " + knocker.accepted.get() + " accepted", 0, knocker.refused.get());
        SessionStore store = service(SessionStore.class);
        int checked = 0;
        for (Streamer s : streamers) {
            for (Map.Entry<String, Long> a : s.acked.entrySet()) {
                SessionEntry e = store.get(a.getKey()).orElseThrow(() -> new AssertionError(a.getKey() + " was acknowledged and is gone"));
                assertEquals(a.getKey(), (long) a.getValue(), e.version());
                checked++;
            }
            s.client.close();
        }
        assertTrue("checked " + checked, checked >= 4 * 50);
        assertEquals("the same session throughout", sessionBefore, watcher.hostInfo().session());
        assertTrue("the watch lived on across the updates", events.get() > 0);
        long seen = events.get();
        try (MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", port))) {
            c.put("swap/last", Meshes.random(3, 1, 1));
        }
        await("the renewed watch sees a new change", () -> events.get() > seen);
        watch.close();
        watcher.close();
        NodeGraph nodes = service(NodeGraph.class);
        assertTrue(nodes.children("/").contains("/obj"));
    }

    @Test
    public void aWatchCatchesUpOnWhatChangedWhileItsClientWasAway() throws Exception {
        int port = service(ListenerStatus.class).address().getPort();
        SessionStore store = service(SessionStore.class);
        Bundle listener = bundle("io.meshport.listener");
        try (MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", port))) {
            for (String k : List.of("away/kept", "away/changed", "away/gone")) {
                c.put(k, Meshes.random(10, 5, k.length()), -1);
            }
            java.util.concurrent.BlockingQueue<WatchEvent> events = new java.util.concurrent.LinkedBlockingQueue<>();
            c.watch("away/", events::add);
            long keptAt = store.get("away/kept").orElseThrow().version();
            // The client is told bye and waits in the kept port's backlog while the listener is away;
            // the session changes meanwhile, through the store itself.
            listener.stop();
            long changedAt = store.put("away/changed", "mesh", 1, SessionValue.ofMesh(Meshes.random(12, 6, 7)), SessionStore.ANY_VERSION).version();
            store.delete("away/gone", SessionStore.ANY_VERSION);
            long addedAt = store.put("away/new", "mesh", 1, SessionValue.ofMesh(Meshes.random(12, 6, 8)), SessionStore.ANY_VERSION).version();
            store.put("elsewhere/x", "mesh", 1, SessionValue.ofMesh(Meshes.random(12, 6, 9)), SessionStore.ANY_VERSION);
            listener.start();
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                WatchEvent ev = events.poll(30, TimeUnit.SECONDS);
                assertTrue("a catch-up event came; so far " + got, ev != null);
                got.add(ev.change() + " " + ev.key() + " " + ev.version());
            }
            assertEquals(List.of("delete away/gone 0", "put away/changed " + changedAt, "put away/new " + addedAt), got);
            // Afterwards, events as usual, and nothing twice.
            long after = c.put("away/after", Meshes.random(10, 5, 3), -1).version();
            WatchEvent ev = events.poll(30, TimeUnit.SECONDS);
            assertEquals("put away/after " + after, ev == null ? null : ev.change() + " " + ev.key() + " " + ev.version());
            assertEquals("nothing more: " + events, null, events.poll(300, TimeUnit.MILLISECONDS));
            assertTrue("away/kept did not change", store.get("away/kept").orElseThrow().version() == keptAt);
        }
    }

    @Test
    public void manyRequestsInFlightAcrossAListenerUpdateAreEachAnsweredAndAppliedOnceInOrder() throws Exception {
        // More waiting requests than a reconnect sends behind its hello: the rest follow once the
        // reader runs; all of them in the order sent.
        int port = service(ListenerStatus.class).address().getPort();
        int n = 1500;
        try (MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", port))) {
            List<CompletableFuture<PutResult>> sent = new CopyOnWriteArrayList<>();
            AtomicLong updateBegan = new AtomicLong(Long.MAX_VALUE);
            AtomicLong lastAnswered = new AtomicLong();
            Thread updater = new Thread(() -> {
                try {
                    await("some puts answered", () -> sent.size() > n / 4 && sent.get(n / 4).isDone());
                    updateBegan.set(System.nanoTime());
                    bundle("io.meshport.listener").update();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            for (int i = 0; i < n; i++) {
                sent.add(c.putAsync("pipe/" + i, Meshes.random(60, 30, i), -1)
                        .whenComplete((r, e) -> lastAnswered.accumulateAndGet(System.nanoTime(), Math::max)));
                if (i == 0) {
                    updater.start();
                }
            }
            updater.join(30_000);
            for (CompletableFuture<PutResult> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertTrue("the update began while puts were still unanswered", lastAnswered.get() > updateBegan.get());
            SessionStore store = service(SessionStore.class);
            long last = 0;
            for (int i = 0; i < n; i++) {
                long v = sent.get(i).get(30, TimeUnit.SECONDS).version();
                assertTrue("put " + i + " applied after put " + (i - 1) + ": " + v + " > " + last, v > last);
                last = v;
                assertEquals("pipe/" + i + " applied once", v, store.get("pipe/" + i).orElseThrow().version());
            }
        }
    }

    @Test
    public void withoutTheHandOverTheSessionSurvivesThroughItsFileAndADamagedValueIsNeverServed() throws Exception {
        SessionStore store = service(SessionStore.class);
        try (MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", service(ListenerStatus.class).address().getPort()))) {
            c.put("snap/a", Meshes.grid(3, 1f));
            c.putCbor("snap/b", Map.of("x", 1));
        }
        long version = store.currentVersion();
        String session = store.sessionId();
        Bundle keeper = bundle("io.meshport.swap-keeper");
        Bundle storeBundle = bundle("io.meshport.session-store");
        Path file = storeBundle.getBundleContext().getDataFile("session").toPath().resolve("session.mv.db");
        keeper.stop(); // no hand-over now: the store restarts from the session's file
        await("a new store", () -> {
            try {
                return service(SessionStore.class) != store;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        SessionStore again = service(SessionStore.class);
        assertEquals(version, again.currentVersion());
        assertEquals(session, again.sessionId());
        assertEquals(Meshes.grid(3, 1f), again.get("snap/a").orElseThrow().value().value(Mesh.class));
        assertTrue(again.get("snap/b").isPresent());

        storeBundle.stop(); // closes the file cleanly
        assertTrue(Files.exists(file));
        byte[] b = Files.readAllBytes(file);
        for (int i = b.length / 4; i < b.length; i += 997) {
            b[i] ^= 0x55; // bytes flipped all over the second three quarters of the file
        }
        Files.write(file, b);
        storeBundle.start();
        SessionStore fresh = service(SessionStore.class);
        fresh.get("snap/a").ifPresent(e -> assertEquals("a damaged file serves a key exactly or not at all", Meshes.grid(3, 1f),
                e.value().value(Mesh.class)));
        try (MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", service(ListenerStatus.class).address().getPort()))) {
            assertTrue("the host goes on", c.putCbor("snap/after", Map.of("y", 2)).version() > 0);
        }
        keeper.start();
    }

    @Test
    public void operatorsListCodecsAndKeysAndUpdateABundleFromTheShell() throws Exception {
        try (MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", service(ListenerStatus.class).address().getPort()))) {
            c.put("shell/a", Meshes.grid(2, 0f));
            c.putCbor("shell/b", Map.of("k", 1));
        }
        org.apache.felix.service.command.CommandProcessor shell = service(org.apache.felix.service.command.CommandProcessor.class);
        java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
        try (org.apache.felix.service.command.CommandSession session = shell.createSession(
                new java.io.ByteArrayInputStream(new byte[0]), sink, sink)) {
            await("the meshport: commands", () -> {
                try {
                    return String.valueOf(session.execute("meshport:codecs")).contains("mesh");
                } catch (Exception e) {
                    return false;
                }
            });
            String codecs = String.valueOf(session.execute("meshport:codecs"));
            assertTrue(codecs, codecs.matches("(?s).*mesh\\s+serves\\s+io\\.meshport\\.codecs\\s+0\\.1\\.0.*"));
            assertTrue(codecs, codecs.contains("cbor") && codecs.contains("bytes"));
            assertTrue(String.valueOf(session.execute("meshport:services")).contains("nodes        serves    io.meshport.node-runtime"));
            String keys = String.valueOf(session.execute("meshport:keys shell/"));
            assertTrue(keys, keys.contains("shell/a") && keys.contains("mesh") && keys.contains("shell/b") && keys.contains("cbor"));
            assertTrue(String.valueOf(session.execute("meshport:session")).contains("version 2, 2 keys"));
            assertTrue(String.valueOf(session.execute("meshport:bundles")).contains("io.meshport.listener"));

            Bundle listener = bundle("io.meshport.listener");
            String jar = new java.net.URI(listener.getLocation()).getPath();
            long modified = listener.getLastModified();
            String updated = String.valueOf(session.execute("meshport:update listener " + jar));
            assertTrue(updated, updated.startsWith("updated io.meshport.listener 0.1.0 -> 0.1.0 from "));
            assertTrue(listener.getLastModified() > modified);
            assertEquals("no Meshport bundle 'nope'; there are: ", String.valueOf(session.execute("meshport:update nope " + jar))
                    .substring(0, 38));
            assertTrue(String.valueOf(session.execute("meshport:update swap-keeper " + jar)).contains("is not updated itself"));
            assertTrue(String.valueOf(session.execute("meshport:update listener /no/such.jar")).startsWith("no file "));
        }
        await("the listener back", () -> bundle("io.meshport.listener").getState() == Bundle.ACTIVE);
        try (MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", service(ListenerStatus.class).address().getPort()))) {
            assertEquals(2, c.list("shell/").size());
        }
    }
}
