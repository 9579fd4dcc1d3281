package io.meshport.it;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;


import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.meshport.client.Entry;
import io.meshport.client.EntryInfo;
import io.meshport.client.MeshportClient;
import io.meshport.client.MeshportClientException;
import io.meshport.client.PutResult;
import io.meshport.client.Watch;
import io.meshport.client.WatchEvent;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;

/** The Java client, running as a bundle in the host's framework: every op, pipelining, typed errors. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class JavaClientIT extends HostTestBase {

    @Configuration
    public Option[] config() {
        return HostOptions.host();
    }

    @Test
    public void helloTellsAboutTheHost() {
        try (MeshportClient c = connect()) {
            assertEquals("meshport", c.hostInfo().server());
            assertEquals(1, c.hostInfo().protocol());
            assertTrue(c.hostInfo().codecs().containsAll(List.of("mesh", "cbor", "bytes")));
            assertEquals(256L * 1024 * 1024, c.hostInfo().maxFrameBytes());
            assertTrue(Math.abs(c.ping() - System.currentTimeMillis()) < 60_000);
        }
    }

    @Test
    public void twoThousandPipelinedPutsAllSucceedInOrder() throws Exception {
        try (MeshportClient c = connect()) {
            Mesh m = Meshes.random(30, 40, 3);
            List<CompletableFuture<PutResult>> inFlight = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                inFlight.add(c.putAsync("pipe/" + (i % 10), m, -1));
            }
            long last = 0;
            for (CompletableFuture<PutResult> f : inFlight) {
                long v = f.get(60, TimeUnit.SECONDS).version();
                assertTrue("versions follow the order of sending", v > last);
                last = v;
            }
        }
    }

    @Test
    public void errorsAreTypedWithTheProtocolCode() {
        try (MeshportClient c = connect()) {
            long v = c.putCbor("err/a", Map.of("n", 1)).version();
            MeshportClientException e = expect(() -> c.put("err/a", Meshes.random(3, 1, 1), v + 100));
            assertEquals(ErrorCode.CONFLICT, e.code());
            assertEquals(v, ((Number) e.detail().get("current")).longValue());
            assertEquals(ErrorCode.NOT_FOUND, expect(() -> c.getMesh("err/none")).code());
            assertEquals(ErrorCode.NOT_FOUND, expect(() -> c.delete("err/none")).code());
            assertEquals(ErrorCode.BAD_KEY, expect(() -> c.putBytes("bad key", new byte[1])).code());
            e = expect(() -> c.put("err/b", "nope", new byte[1], -1));
            assertEquals(ErrorCode.NO_CODEC, e.code());
            assertTrue(e.getMessage(), e.getMessage().contains("installed: bytes, cbor, mesh"));
            assertEquals(ErrorCode.NO_CODEC, expect(() -> c.get("err/a", "mesh")).code());
            e = expect(() -> c.put("err/c", "mesh", new byte[] {(byte) 0xa1, 0x61, 0x78, 0x01}, -1)); // {"x": 1}
            assertEquals(ErrorCode.INVALID_MESH, e.code());
            assertEquals("INVALID_MESH: positions is missing", e.getMessage());
            assertTrue("the connection survives errors", c.ping() > 0);
        }
    }

    private static MeshportClientException expect(Runnable r) {
        try {
            r.run();
        } catch (MeshportClientException e) {
            return e;
        }
        fail("expected an error reply");
        return null;
    }

    @Test
    public void putGetDeleteListOfEveryCodec() {
        try (MeshportClient c = connect()) {
            PutResult cbor = c.putCbor("mix/cbor", Map.of("units", "cm", "scale", 2.5));
            assertEquals("cbor", cbor.kind());
            assertEquals(Map.of("units", "cm", "scale", 2.5), c.get("mix/cbor").body());
            byte[] raw = {0, 1, 2, (byte) 255};
            c.putBytes("mix/bytes", raw);
            Entry e = c.get("mix/bytes");
            assertEquals("bytes", e.codec());
            assertArrayEquals(raw, (byte[]) e.body());
            Mesh m = Meshes.random(10, 5, 9);
            c.put("mix/mesh", m);
            assertEquals(m, c.getMesh("mix/mesh").mesh());
            Map<?, ?> asCbor = (Map<?, ?>) c.get("mix/mesh", "cbor").body();
            assertTrue(asCbor.containsKey("positions"));
            List<EntryInfo> rows = c.list("mix/");
            assertEquals(List.of("mix/bytes", "mix/cbor", "mix/mesh"), rows.stream().map(EntryInfo::key).collect(java.util.stream.Collectors.toList()));
            assertEquals("mesh", rows.get(2).kind());
            long deleted = c.delete("mix/bytes");
            assertTrue(deleted > rows.get(2).version());
            assertEquals(2, c.list("mix/").size());
        }
    }

    @Test
    public void watchSeesChangesInOrderAndStopsWhenClosed() throws Exception {
        try (MeshportClient watcher = connect(); MeshportClient writer = connect()) {
            List<WatchEvent> seen = new CopyOnWriteArrayList<>();
            Watch w = watcher.watch("watched/", seen::add);
            long v1 = writer.putCbor("watched/a", 1).version();
            writer.putCbor("elsewhere/x", 1);
            long v2 = writer.putCbor("watched/b", 2).version();
            long v3 = writer.delete("watched/a");
            long until = System.currentTimeMillis() + 5000;
            while (seen.size() < 3 && System.currentTimeMillis() < until) {
                Thread.sleep(5);
            }
            assertEquals(3, seen.size());
            assertEquals(List.of(v1, v2, v3), List.of(seen.get(0).version(), seen.get(1).version(), seen.get(2).version()));
            assertEquals("watched/a", seen.get(2).key());
            assertTrue(seen.get(2).isDelete());
            w.close();
            // A witness on the same connection sees a change made after watched/c: events come in the order of the
            // changes and are delivered in order on one thread, so an event of watched/c would have come first.
            List<WatchEvent> witnessed = new CopyOnWriteArrayList<>();
            try (Watch witness = watcher.watch("sentinel/", witnessed::add)) {
                writer.putCbor("watched/c", 3);
                long last = writer.putCbor("sentinel/after-c", 1).version();
                assertTrue("the connection is fine after unwatch", watcher.ping() > 0);
                until = System.currentTimeMillis() + 5000;
                while (witnessed.stream().noneMatch(ev -> ev.version() == last) && System.currentTimeMillis() < until) {
                    Thread.sleep(5);
                }
                assertTrue("the witness saw the later change", witnessed.stream().anyMatch(ev -> ev.version() == last));
            }
            assertEquals("no events after close", 3, seen.size());
        }
    }

    @Test
    public void basePositionsUpdateKeepsEverythingElse() {
        try (MeshportClient c = connect()) {
            Mesh m = Meshes.random(100, 50, 5);
            long v = c.put("upd/mesh", m).version();
            float[] moved = m.positions(new float[300]);
            moved[0] = 1234f;
            long v2 = c.updatePositions("upd/mesh", v, moved).version();
            Mesh back = c.getMesh("upd/mesh").mesh();
            assertEquals(1234f, back.positions().get(0), 0f);
            assertEquals(m.attribute("Cd"), back.attribute("Cd"));
            assertEquals(m.indices(), back.indices());
            MeshportClientException e = expect(() -> c.updatePositions("upd/mesh", v, moved));
            assertEquals(ErrorCode.CONFLICT, e.code());
            assertEquals(v2, ((Number) e.detail().get("current")).longValue());
        }
    }

    @Test
    public void pipelinedPositionUpdatesEachArriveWithTheirOwnPositions() throws Exception {
        // Large enough that the client converts later updates into the arrays of answered ones.
        try (MeshportClient c = connect()) {
            Mesh m = Meshes.random(30_000, 100, 6);
            long v = c.put("upd/stream", m).version();
            float[] moved = new float[3 * 30_000];
            List<CompletableFuture<PutResult>> sent = new ArrayList<>();
            for (int k = 1; k <= 24; k++) {
                java.util.Arrays.fill(moved, k);
                sent.add(c.updatePositionsAsync("upd/stream", v + k - 1, moved)); // the caller's array changes at once
                if (k % 4 == 0) {
                    sent.get(k - 3).get(10, TimeUnit.SECONDS); // let some be answered meanwhile
                }
            }
            for (int k = 1; k <= 24; k++) {
                assertEquals(v + k, sent.get(k - 1).get(10, TimeUnit.SECONDS).version());
                if (k == 12) {
                    float[] mid = c.getMesh("upd/stream").mesh().positions(new float[3 * 30_000]);
                    assertTrue("at least the first 12 applied", mid[0] >= 12f);
                }
            }
            float[] back = c.getMesh("upd/stream").mesh().positions(new float[3 * 30_000]);
            for (int i = 0; i < back.length; i++) {
                assertEquals("coordinate " + i, 24f, back[i], 0f);
            }
        }
    }

    @Test
    public void aClosedClientFailsClearly() {
        MeshportClient c = connect();
        c.close();
        assertFalse(c.isOpen());
        try {
            c.ping();
            fail("a closed client answered");
        } catch (java.io.UncheckedIOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("closed"));
        }
    }
}
