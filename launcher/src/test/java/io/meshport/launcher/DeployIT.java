package io.meshport.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.client.MeshportClientException;
import io.meshport.protocol.ErrorCode;

/**
 * Operators update a running host through its deploy folder, as FileInstall watches it: touching or
 * replacing a bundle's jar updates that bundle, removing a codec's jar removes the codec, putting it
 * back brings it back. Clients keep working throughout. The times measured are printed; only one is
 * held to a bound: a removed codec's puts are refused within 2 s of the removal (an update's grace is
 * not for an uninstalled bundle).
 */
class DeployIT {
    @TempDir
    static Path data;

    private static EmbeddedHost host;

    @BeforeAll
    static void startHost() throws Exception {
        host = EmbeddedHost.start(new EmbeddedHost.Options().data(data).port(0));
        assertNotNull(host.awaitListener(20_000));
    }

    @AfterAll
    static void stopHost() {
        if (host != null) {
            host.close();
        }
    }

    private static Bundle bundle(String bsn) {
        for (Bundle b : host.framework().getBundleContext().getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    private static Path deployed(String part) throws IOException {
        try (Stream<Path> s = Files.list(data.resolve("deploy"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("meshport-" + part + "-")).findFirst()
                    .orElseThrow(() -> new AssertionError("no meshport-" + part + " jar in deploy/"));
        }
    }

    /** @return milliseconds until the condition held (at most 20 s, else the test fails) */
    private static long await(String what, BooleanSupplier condition) throws InterruptedException {
        long t0 = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - t0 > 20_000_000_000L) {
                throw new AssertionError("timed out after 20 s waiting for " + what);
            }
            Thread.sleep(10);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static MeshportClient client() {
        InetSocketAddress a = host.listenerAddress();
        return MeshportClient.connect(ClientOptions.of("127.0.0.1", a.getPort()));
    }

    @Test
    void touchingTheListenersJarUpdatesItAndClientsCarryOn() throws Exception {
        Bundle listener = bundle("io.meshport.listener");
        long before = listener.getLastModified();
        try (MeshportClient c = client()) {
            long v = c.putCbor("deploy/a", java.util.Map.of("n", 1)).version();
            Path jar = deployed("listener");
            Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis()));
            long ms = await("the listener updated from its touched jar", () -> listener.getLastModified() > before
                    && listener.getState() == Bundle.ACTIVE);
            System.out.printf(Locale.ROOT, "MEASURED touch of the listener's jar to its update: %d ms%n", ms);
            assertEquals(v, c.get("deploy/a").version(), "the client reconnected by itself and the session is intact");
            assertEquals(v + 1, c.putCbor("deploy/b", java.util.Map.of("n", 2)).version());
        }
    }

    @Test
    void replacingTheSessionStoresJarKeepsTheSession() throws Exception {
        try (MeshportClient c = client()) {
            long v = c.putCbor("deploy/kept", java.util.Map.of("k", true)).version();
            Bundle store = bundle("io.meshport.session-store");
            long before = store.getLastModified();
            Path jar = deployed("session-store");
            Path copy = data.resolve("store-copy.jar");
            Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
            Files.move(copy, jar, StandardCopyOption.REPLACE_EXISTING); // a new file in place of the old
            long ms = await("the session store updated", () -> store.getLastModified() > before && store.getState() == Bundle.ACTIVE);
            System.out.printf(Locale.ROOT, "MEASURED replacement of the session store's jar to its update: %d ms%n", ms);
            assertEquals(v, c.get("deploy/kept").version());
        }
    }

    @Test
    void removingACodecsJarRemovesTheCodecAndPuttingItBackRestoresIt() throws Exception {
        Path jar = deployed("ply-codec");
        Path aside = data.resolve(jar.getFileName());
        Files.move(jar, aside);
        long gone = await("ply gone from hello", () -> {
            try (MeshportClient c = client()) {
                return !c.hostInfo().codecs().contains("ply");
            }
        });
        try (MeshportClient c = client()) {
            MeshportClientException e = null;
            try {
                c.put("deploy/p", "ply", "ply\nformat ascii 1.0\nend_header\n".getBytes(), -1);
            } catch (MeshportClientException x) {
                e = x;
            }
            assertNotNull(e, "a removed codec still decoded");
            assertEquals(ErrorCode.NO_CODEC, e.code());
        }
        Files.move(aside, jar);
        long back = await("ply back in hello", () -> {
            try (MeshportClient c = client()) {
                return c.hostInfo().codecs().contains("ply");
            }
        });
        System.out.printf(Locale.ROOT, "MEASURED codec jar removed to NO_CODEC: %d ms; put back to served: %d ms%n", gone, back);
        String ply = "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\n"
                + "element face 1\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n";
        try (MeshportClient c = client()) {
            assertEquals("mesh", c.put("deploy/p", "ply", ply.getBytes(), -1).kind());
            assertEquals(3, c.getMesh("deploy/p").mesh().pointCount());
        }
        assertTrue(Files.exists(jar));
    }

    private static final byte[] STL_TRIANGLE = ("solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\n"
            + "endloop\nendfacet\nendsolid t\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** A codec whose bundle was uninstalled is not coming back: its puts are refused at once, not after the grace of an update. */
    @Test
    void aPutWithACodecWhoseJarWasRemovedGetsNoCodecWithinTwoSecondsOfTheRemoval() throws Exception {
        Path jar = deployed("stl-codec");
        Path aside = data.resolve(jar.getFileName());
        long[] uninstalledAt = {0};
        SynchronousBundleListener watch = e -> { // told as it happens, not later on the event thread
            if (e.getType() == BundleEvent.UNINSTALLED && "io.meshport.stl-codec".equals(e.getBundle().getSymbolicName())) {
                uninstalledAt[0] = System.nanoTime();
            }
        };
        host.framework().getBundleContext().addBundleListener(watch);
        try (MeshportClient c = client()) {
            assertEquals("mesh", c.put("deploy/stl", "stl", STL_TRIANGLE, -1).kind());
            long t0 = System.nanoTime();
            Files.move(jar, aside);
            MeshportClientException refused = null;
            while (refused == null) { // puts until one is refused: each one either decodes or waits for the codec
                try {
                    c.put("deploy/stl", "stl", STL_TRIANGLE, -1);
                } catch (MeshportClientException e) {
                    refused = e;
                }
                if (System.nanoTime() - t0 > 20_000_000_000L) {
                    throw new AssertionError("stl still decoded 20 s after its jar was removed");
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(ErrorCode.NO_CODEC, refused.code(), refused.getMessage());
            long t1 = System.nanoTime();
            MeshportClientException again = assertThrows(MeshportClientException.class, () -> c.put("deploy/stl", "stl", STL_TRIANGLE, -1));
            long againMs = (System.nanoTime() - t1) / 1_000_000;
            System.out.printf(Locale.ROOT, "MEASURED codec jar removed to a put refused: %d ms (FileInstall uninstalled its bundle after %d ms);"
                    + " the next put refused in %d ms%n", ms, uninstalledAt[0] == 0 ? -1 : (uninstalledAt[0] - t0) / 1_000_000, againMs);
            assertTrue(ms < 2000, "NO_CODEC came " + ms + " ms after the jar was removed, not within 2 s");
            assertEquals(ErrorCode.NO_CODEC, again.code(), again.getMessage());
            assertTrue(againMs < 1000, "the next put waited " + againMs + " ms for a codec that is not coming back");
            // A listener updated meanwhile does not wait for the codec the host no longer has (the launcher requires stl).
            Bundle listener = bundle("io.meshport.listener");
            long before = listener.getLastModified();
            Files.setLastModifiedTime(deployed("listener"), FileTime.fromMillis(System.currentTimeMillis()));
            long swapMs = await("the listener updated and accepting", () -> listener.getLastModified() > before
                    && listener.getState() == Bundle.ACTIVE && host.listenerAddress() != null);
            assertEquals("cbor", c.putCbor("deploy/after-swap", java.util.Map.of("n", 1)).kind());
            System.out.printf(Locale.ROOT, "MEASURED touch of the listener's jar to its update, stl gone: %d ms%n", swapMs);
            assertTrue(swapMs < 10_000, "the updated listener waited " + swapMs + " ms for the removed codec");
        } finally {
            host.framework().getBundleContext().removeBundleListener(watch);
            Files.move(aside, jar);
            await("stl back in hello", () -> {
                try (MeshportClient c = client()) {
                    return c.hostInfo().codecs().contains("stl");
                }
            });
        }
    }

    /** A codec bundle being updated is waited for: puts made meanwhile are decoded by the new revision, none refused. */
    @Test
    void replacingACodecsJarFailsNoPut() throws Exception {
        Bundle stl = bundle("io.meshport.stl-codec");
        long before = stl.getLastModified();
        try (MeshportClient c = client()) {
            Path jar = deployed("stl-codec");
            Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis()));
            int puts = 0;
            long t0 = System.nanoTime();
            // Puts throughout the update and a little after it: any refusal fails the test.
            while (!(stl.getLastModified() > before && stl.getState() == Bundle.ACTIVE) || puts < 20) {
                assertEquals("mesh", c.put("deploy/stl-update", "stl", STL_TRIANGLE, -1).kind());
                puts++;
                assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "the stl codec was not updated within 20 s");
            }
            System.out.printf(Locale.ROOT, "MEASURED touch of a codec's jar to its update: %d ms, %d puts meanwhile, none refused%n",
                    (System.nanoTime() - t0) / 1_000_000, puts);
        }
    }
}
