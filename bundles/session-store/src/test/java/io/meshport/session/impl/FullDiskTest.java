package io.meshport.session.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;

/**
 * A session whose disk fills up, on a real small file system (a tmpfs of 4 MiB, mounted for the test;
 * CI runs as root, which may mount): the host serves from memory, says so once, and writes everything
 * when space comes back; with durability=sync, writes are refused with UNAVAILABLE meanwhile.
 */
class FullDiskTest {
    @TempDir
    Path tmp;
    private Path mount;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting a small file system needs root");
        mount = tmp.resolve("small");
        java.nio.file.Files.createDirectories(mount);
        run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString());
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", "-l", mount.toString());
        }
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", cmd));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }

    private static SessionValue bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return new SessionValue(SessionValue.KIND_BYTES, b, Map.of("length", n), 16L + n);
    }

    private boolean logged(String text) {
        synchronized (log) {
            return log.stream().anyMatch(l -> l.contains(text));
        }
    }

    private void awaitLogged(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!logged(text) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(logged(text), "the log says '" + text + "':\n" + String.join("\n", log));
    }

    @Test
    void aFullDiskLeavesTheSessionServedFromMemoryAndEverythingIsWrittenWhenSpaceComesBack() throws Exception {
        Path dir = mount.resolve("session");
        SessionStoreImpl s = new SessionStoreImpl(1L << 30, System::currentTimeMillis, dir, false, log::add);
        Map<String, byte[]> written = new HashMap<>();
        for (int i = 0; i < 12; i++) { // 6 MiB into 4 MiB
            SessionValue v = bytes(512 * 1024, i);
            assertEquals(i + 1, s.put("k" + i, "bytes", 1, v, SessionStore.ANY_VERSION).version(), "served from memory");
            written.put("k" + i, (byte[]) v.value());
        }
        awaitLogged("could not write the session file");
        assertEquals(1, log.stream().filter(l -> l.contains("could not write the session file")).count(), "said once:\n" + log);
        assertEquals(12, s.list("").size());

        run("mount", "-o", "remount,size=64m", mount.toString());
        awaitLogged("is written again");
        assertTrue(s.awaitWritten(20_000));
        s.close();

        SessionStoreImpl again = new SessionStoreImpl(1L << 30, System::currentTimeMillis, dir, false, log::add);
        try {
            assertEquals(12, again.list("").size());
            written.forEach((k, b) -> assertArrayEquals(b, (byte[]) again.get(k).orElseThrow().value().value(), k));
        } finally {
            again.close();
        }
    }

    @Test
    void withSyncAFullDiskRefusesWritesWithUnavailableAndTheStoreGoesOn() throws Exception {
        Path dir = mount.resolve("session");
        SessionStoreImpl s = new SessionStoreImpl(1L << 30, System::currentTimeMillis, dir, true, log::add);
        MeshportException refused = null;
        int acknowledged = 0;
        for (int i = 0; i < 12 && refused == null; i++) {
            try {
                s.put("k" + i, "bytes", 1, bytes(512 * 1024, i), SessionStore.ANY_VERSION);
                acknowledged++;
            } catch (MeshportException e) {
                refused = e;
            }
        }
        assertTrue(refused != null, "a write that cannot reach the disk is not acknowledged");
        assertEquals(ErrorCode.UNAVAILABLE, refused.code());
        assertTrue(refused.getMessage().contains("session's file"), refused.getMessage());
        MeshportException next = assertThrows(MeshportException.class,
                () -> s.put("later", "bytes", 1, bytes(10, 99), SessionStore.ANY_VERSION));
        assertEquals(ErrorCode.UNAVAILABLE, next.code());
        assertTrue(next.getMessage().contains("nothing was changed"), next.getMessage());
        assertTrue(s.get("later").isEmpty());
        assertTrue(acknowledged > 0);
        s.get("k0").orElseThrow(); // reads go on
        run("mount", "-o", "remount,size=64m", mount.toString());
        awaitLogged("is written again");
        s.put("later", "bytes", 1, bytes(10, 99), SessionStore.ANY_VERSION);
        s.close();
    }
}
