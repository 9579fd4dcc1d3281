package io.meshport.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
import io.meshport.listener.ListenerStatus;
import io.meshport.mesh.Mesh;
import io.meshport.session.SessionStore;

/**
 * Uploads (docs/protocol.md section 10) with the real bundles: a mesh larger than the host's frames is
 * sent in pieces by the Java client, an upload under way when the listener bundle is updated
 * completes with the next listener, nothing lost, and a connection cut in the middle of a piece costs
 * that piece once more and nothing else.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class UploadIT {
    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        // Frames of 1 MiB at most: a mesh of a few MB is an upload of several pieces.
        return HostOptions.host("maxFrameBytes", "1048576");
    }

    private int port() throws InterruptedException {
        return Osgi.service(context, ListenerStatus.class).address().getPort();
    }

    @Test
    public void aMeshLargerThanAFrameIsUploadedByItselfWithProgress() throws Exception {
        Mesh mesh = Meshes.random(200_000, 300_000, 1); // about 6 MB encoded
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", port())
                .withUploadProgress((key, sent, total) -> seen.add(sent)))) {
            assertTrue("hello says uploads", c.hostInfo().uploads());
            PutResult r = c.put("up/mesh", mesh);
            assertEquals(200_000, ((Number) r.summary().get("points")).intValue());
            assertEquals(mesh, c.getMeshAsync("up/mesh").get(60, TimeUnit.SECONDS).mesh());
        }
        assertTrue("several pieces: " + seen, seen.size() > 5);
        for (int i = 1; i < seen.size(); i++) {
            assertTrue("progress never goes back: " + seen, seen.get(i) >= seen.get(i - 1));
        }
        assertEquals(0L, (long) seen.get(0));
        assertEquals(Osgi.service(context, SessionStore.class).get("up/mesh").orElseThrow().payloadBytes(), (long) seen.get(seen.size() - 1));
    }

    @Test
    public void anUploadUnderWayWhenTheListenerIsUpdatedCompletesNothingLost() throws Exception {
        Mesh mesh = Meshes.random(300_000, 400_000, 2); // about 8.4 MB: nine pieces of 1 MiB
        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch updated = new CountDownLatch(1);
        Bundle listener = Osgi.bundle(context, "io.meshport.listener");
        Thread updater = new Thread(() -> {
            try {
                if (halfway.await(60, TimeUnit.SECONDS)) {
                    listener.update();
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            } finally {
                updated.countDown();
            }
        }, "updater");
        updater.start();
        long[] last = {0};
        try (MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", port()).withUploadProgress((key, sent, total) -> {
            last[0] = sent;
            if (sent > total / 3) {
                halfway.countDown();
            }
            if (sent > total / 3 && sent < total) {
                try {
                    updated.await(30, TimeUnit.SECONDS); // the rest goes to the next listener
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }))) {
            CompletableFuture<PutResult> f = c.putAsync("up/swapped", mesh, -1);
            PutResult r = f.get(120, TimeUnit.SECONDS);
            assertEquals(300_000, ((Number) r.summary().get("points")).intValue());
            assertTrue("the listener was updated during the upload", updated.await(1, TimeUnit.SECONDS));
            assertEquals(mesh, c.getMeshAsync("up/swapped").get(60, TimeUnit.SECONDS).mesh());
        }
        SessionStore store = Osgi.service(context, SessionStore.class);
        assertEquals("no upload memory is left held", store.usedBytes(), store.memory().usedBytes());
        assertTrue(Map.of("last", last[0]).toString(), last[0] > 0);
    }

    /** Uploads a mesh of nine 1 MiB pieces through a proxy that breaks the connection: the bytes sent more than the payload. */
    private long resentThrough(CuttingProxy.Cut how, long after, String key) throws Exception {
        Mesh mesh = Meshes.random(300_000, 400_000, 3); // about 8.4 MB: nine pieces of 1 MiB
        try (CuttingProxy proxy = new CuttingProxy(port(), after, how);
                MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", proxy.port()))) {
            PutResult r = c.put(key, mesh);
            assertEquals(300_000, ((Number) r.summary().get("points")).intValue());
            assertTrue("the connection was cut", proxy.wasCut());
            assertEquals("one reconnect", 2, proxy.connections());
            assertEquals(mesh, c.getMeshAsync(key).get(60, TimeUnit.SECONDS).mesh());
            return proxy.sent() - Osgi.service(context, SessionStore.class).get(key).orElseThrow().payloadBytes();
        }
    }

    @Test
    public void aConnectionCutInTheMiddleOfAPieceCostsThatPieceOnceMoreAndNothingElse() throws Exception {
        long piece = 1 << 20;
        long more = resentThrough(CuttingProxy.Cut.MID_FRAME, 5 * piece / 2, "up/cut");
        // The half piece before the cut, that piece whole again, and requests around them: a few KB.
        assertTrue("sent " + more + " bytes more than the payload", more > piece / 2 && more < piece / 2 + 16 * 1024);
    }

    @Test
    public void aConnectionLostWithTheRepliesToThePiecesInFlightSendsNoneOfThemAgain() throws Exception {
        // The host takes every piece sent; the client hears of none after the second: it asks what the host holds.
        long more = resentThrough(CuttingProxy.Cut.REPLIES_LOST, 3 << 19, "up/replies-lost");
        assertTrue("sent " + more + " bytes more than the payload", more < 16 * 1024);
    }
}
