package io.meshport.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshport.client.EntryInfo;
import io.meshport.client.MeshportClient;
import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * A host's process killed with SIGKILL and started again on the same data folder serves what it had
 * acknowledged (a second or more before the kill): the same session, keys, versions and values, deletes
 * still deleted, and versions going on above every earlier one. With {@code --session memory} a restart
 * starts a new, empty session, as before.
 */
class DurableSessionIT {
    private static final Path ROOT = Paths.get(System.getProperty("user.dir")).getParent();
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    /** {@code meshport host} in a process of its own. */
    private static final class Host implements AutoCloseable {
        final Process process;
        final Path log;
        final int port;

        Host(Path data, String... more) throws IOException, InterruptedException {
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
        try (Host first = new Host(data); MeshportClient c = MeshportClient.connect("127.0.0.1", first.port)) {
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
        try (Host second = new Host(data); MeshportClient c = MeshportClient.connect("127.0.0.1", second.port)) {
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
        try (Host first = new Host(data); MeshportClient c = MeshportClient.connect("127.0.0.1", first.port)) {
            session = c.hostInfo().session();
            v = c.putBytes("k", new byte[] {1, 2, 3}).version();
            first.process.destroy(); // SIGTERM: the host stops cleanly
            assertTrue(first.process.waitFor(60, TimeUnit.SECONDS));
        }
        try (Host second = new Host(data); MeshportClient c = MeshportClient.connect("127.0.0.1", second.port)) {
            assertEquals(session, c.hostInfo().session());
            assertEquals(v + 1, c.putBytes("k2", new byte[] {4}).version(), "after a clean stop no version is skipped");
            second.process.destroy();
            assertTrue(second.process.waitFor(60, TimeUnit.SECONDS));
        }
        try (Host third = new Host(data, "--session", "memory"); MeshportClient c = MeshportClient.connect("127.0.0.1", third.port)) {
            assertNotEquals(session, c.hostInfo().session(), "--session memory: a session of its own");
            assertTrue(c.list("").isEmpty());
            assertTrue(third.log().contains("kept in memory only"), third.log());
        }
    }
}
