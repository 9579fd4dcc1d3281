package io.meshport.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshport.client.ClientOptions;
import io.meshport.client.HostInfo;
import io.meshport.client.MeshportClient;
import io.meshport.client.MeshportClientException;

/**
 * A client that connects the moment a starting host's port opens sees the whole host: its hello lists
 * every codec and exported service the distribution deploys, and its first put is decoded. The host is
 * started again and again, since what it would miss depends on the order its bundles happen to start in.
 */
class FirstConnectionIT {
    private static final int STARTS = 10;
    private static final List<String> CODECS = List.of("bytes", "cbor", "mesh", "ply", "stl");
    private static final List<String> SERVICES = List.of("nodes");

    @TempDir
    Path data;

    @Test
    void aClientConnectingAsThePortOpensSeesEveryCodecAndServiceOfTheDistribution() throws Exception {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < STARTS; i++) {
            int port = freePort();
            // Knocking starts before the host does, so that it connects as soon as the port is bound.
            CompletableFuture<MeshportClient> first = CompletableFuture.supplyAsync(() -> connectOnceOpen(port, 30_000));
            long t0 = System.nanoTime();
            try (EmbeddedHost host = EmbeddedHost.start(new EmbeddedHost.Options().data(data).port(port).web(false));
                    MeshportClient c = first.get(40, TimeUnit.SECONDS)) {
                long ms = (System.nanoTime() - t0) / 1_000_000;
                HostInfo hello = c.hostInfo();
                String problem = null;
                if (!hello.codecs().equals(CODECS) || !hello.services().containsAll(SERVICES)) {
                    problem = "hello listed codecs " + hello.codecs() + " and services " + hello.services();
                } else {
                    try {
                        c.putCbor("first/put", Map.of("start", i));
                    } catch (MeshportClientException e) {
                        problem = "the first put got " + e.code() + ": " + e.getMessage();
                    }
                }
                System.out.printf(Locale.ROOT, "start %d: hello answered %d ms after the start%s%n", i, ms, problem == null ? "" : "; " + problem);
                if (problem != null) {
                    failures.add("start " + i + ": " + problem);
                }
            }
        }
        assertEquals(List.of(), failures, "clients connecting as the port opened saw part of the host");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Knocks in a tight loop until the port takes a connection, then connects and says hello at once. */
    private static MeshportClient connectOnceOpen(int port, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            try (Socket knock = new Socket(InetAddress.getLoopbackAddress(), port)) {
                break; // the port is bound (a plain socket: cheaper than a client per knock on a shared machine)
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new UncheckedIOException("port " + port + " did not open within " + timeoutMs + " ms", e);
                }
                Thread.onSpinWait(); // refused: not bound yet
            }
        }
        return MeshportClient.connect(ClientOptions.of("127.0.0.1", port));
    }
}
