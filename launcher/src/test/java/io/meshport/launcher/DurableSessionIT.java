package io.meshport.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshport.client.EntryInfo;
import io.meshport.client.MeshportClient;
import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.testkit.HostProcess;

/**
 * A host's process killed with SIGKILL and started again on the same data folder serves what it had
 * acknowledged (a second or more before the kill): the same session, keys, versions and values, deletes
 * still deleted, and versions going on above every earlier one. With {@code --session memory} a restart
 * starts a new, empty session, as before.
 */
class DurableSessionIT {
    private static Mesh mesh(int points, long seed) {
        Random r = new Random(seed);
        float[] p = new float[points * 3];
        float[] n = new float[points * 3];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) r.nextGaussian();
            n[i] = r.nextFloat();
        }
        return Mesh.builder().positions(p).attribute(Attribute.ofFloats("N", AttributeOwner.POINT, 3, n)).build();
    }

    @Test
    void aKilledHostServesWhatItAcknowledgedAfterARestart(@TempDir Path data) throws Exception {
        Map<String, Mesh> meshes = new HashMap<>();
        Map<String, byte[]> bytes = new HashMap<>();
        Map<String, Long> versions = new HashMap<>();
        String session;
        long last;
        try (HostProcess first = Hosts.start(data); MeshportClient c = MeshportClient.connect("127.0.0.1", first.port)) {
            session = c.hostInfo().session();
            for (int i = 0; i < 10; i++) {
                Mesh m = mesh(20_000 + i, i);
                meshes.put("scan/" + i, m);
                versions.put("scan/" + i, c.put("scan/" + i, m).version());
            }
            for (int i = 0; i < 5; i++) {
                byte[] b = new byte[100_000 * (i + 1)];
                new Random(100 + i).nextBytes(b);
                bytes.put("blob/" + i, b);
                versions.put("blob/" + i, c.putBytes("blob/" + i, b).version());
            }
            for (int i = 0; i < 50; i++) { // a stream of updates to one key: the newest is what must last
                Mesh m = mesh(1000, 1000 + i);
                meshes.put("live", m);
                versions.put("live", c.put("live", m).version());
            }
            c.delete("scan/3");
            meshes.remove("scan/3");
            last = c.delete("blob/0");
            bytes.remove("blob/0");
            versions.remove("scan/3");
            versions.remove("blob/0");
            Thread.sleep(1500); // what the contract promises: writes acknowledged at least 1 s before the kill
            first.kill();
        }
        try (HostProcess second = Hosts.start(data); MeshportClient c = MeshportClient.connect("127.0.0.1", second.port)) {
            assertEquals(session, c.hostInfo().session(), "the same session after the kill");
            Map<String, Long> listed = new HashMap<>();
            for (EntryInfo e : c.list("")) {
                listed.put(e.key(), e.version());
            }
            assertEquals(versions, listed, "the same keys at the same versions; deletes stay deleted");
            for (Map.Entry<String, Mesh> m : meshes.entrySet()) {
                assertEquals(m.getValue(), c.getMesh(m.getKey()).mesh(), m.getKey() + " bit for bit");
            }
            for (Map.Entry<String, byte[]> b : bytes.entrySet()) {
                assertArrayEquals(b.getValue(), (byte[]) c.get(b.getKey()).body(), b.getKey() + " bit for bit");
            }
            MeshportException gone = assertThrows(MeshportException.class, () -> c.getMesh("scan/3"));
            assertEquals(ErrorCode.NOT_FOUND, gone.code());
            long next = c.putBytes("after", new byte[] {1}).version();
            assertTrue(next > last, "the next version (" + next + ") is above every earlier one (" + last + ")");
            assertTrue(second.log().contains("restored session " + session), second.log());
        }
    }

    @Test
    void aCleanStopKeepsTheCounterExactlyAndMemoryModeStartsAfresh(@TempDir Path data) throws Exception {
        String session;
        long v;
        try (HostProcess first = Hosts.start(data); MeshportClient c = MeshportClient.connect("127.0.0.1", first.port)) {
            session = c.hostInfo().session();
            v = c.putBytes("k", new byte[] {1, 2, 3}).version();
            first.process.destroy(); // SIGTERM: the host stops cleanly
            assertTrue(first.process.waitFor(60, TimeUnit.SECONDS));
        }
        try (HostProcess second = Hosts.start(data); MeshportClient c = MeshportClient.connect("127.0.0.1", second.port)) {
            assertEquals(session, c.hostInfo().session());
            assertEquals(v + 1, c.putBytes("k2", new byte[] {4}).version(), "after a clean stop no version is skipped");
            second.process.destroy();
            assertTrue(second.process.waitFor(60, TimeUnit.SECONDS));
        }
        try (HostProcess third = Hosts.start(data, "--session", "memory"); MeshportClient c = MeshportClient.connect("127.0.0.1", third.port)) {
            assertNotEquals(session, c.hostInfo().session(), "--session memory: a session of its own");
            assertTrue(c.list("").isEmpty());
            assertTrue(third.log().contains("kept in memory only"), third.log());
        }
    }

    @Test
    void aSigtermAsSoonAsTheHostListensStopsItCleanly(@TempDir Path data) throws Exception {
        long v;
        try (HostProcess first = Hosts.start(data); MeshportClient c = MeshportClient.connect("127.0.0.1", first.port)) {
            v = c.putBytes("k", new byte[] {1}).version();
            first.stop();
        }
        // Once it listens a client can write: the launcher's shutdown hook must already be there to close the file cleanly.
        for (int i = 0; i < 3; i++) {
            try (HostProcess h = Hosts.listening(data)) {
                h.process.destroy();
                assertTrue(h.process.waitFor(60, TimeUnit.SECONDS));
                assertTrue(h.log().contains("Meshport host stopped"), "stopped by its shutdown hook:\n" + h.log());
            }
        }
        try (HostProcess last = Hosts.start(data); MeshportClient c = MeshportClient.connect("127.0.0.1", last.port)) {
            assertEquals(v + 1, c.putBytes("k2", new byte[] {2}).version(), "every stop was clean: no version skipped");
        }
    }
}
