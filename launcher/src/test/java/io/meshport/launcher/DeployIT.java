package io.meshport.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.client.MeshportClientException;
import io.meshport.protocol.ErrorCode;

/**
 * Operators update a running host through its deploy folder, as FileInstall watches it: touching or
 * replacing a bundle's jar updates that bundle, removing a codec's jar removes the codec, putting it
 * back brings it back. Clients keep working throughout. The times measured are printed, not asserted.
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
}
