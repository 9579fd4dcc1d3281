package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.client.MeshportClientException;
import io.meshport.client.Watch;
import io.meshport.client.WatchEvent;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.testkit.TestCertificates;

/** The listener speaking TLS (docs/protocol.md section 1.2), with the real client. */
class TlsTest extends HostTestBase {
    @TempDir
    static Path dir;

    static TestCertificates mine;
    static TestCertificates other;

    @BeforeAll
    static void certificates() throws Exception {
        mine = TestCertificates.create(dir, "host");
        other = TestCertificates.create(dir, "stranger");
    }

    private TestHost startTls(String token) throws Exception {
        ListenerSettings.Builder b = ListenerSettings.builder().token(token);
        b.tls = TlsContexts.fromPkcs12(mine.keyStore(), mine.password());
        b.authTimeoutMs = 1500;
        return start(b);
    }

    private ClientOptions options() {
        return ClientOptions.of("127.0.0.1", host.port());
    }

    private static Mesh bigMesh(int points) {
        SplittableRandom r = new SplittableRandom(5);
        float[] p = new float[3 * points];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) r.nextDouble();
        }
        int[] idx = new int[3 * (points - 2)];
        for (int i = 0; i < points - 2; i++) {
            idx[3 * i] = i;
            idx[3 * i + 1] = i + 1;
            idx[3 * i + 2] = i + 2;
        }
        return Mesh.builder().positions(p).indices(idx).build();
    }

    @Test
    void aClientTrustingTheHostsCertificateWorksWithLargeFramesAndEvents() throws Exception {
        startTls(null);
        try (MeshportClient c = closeLater(MeshportClient.connect(options().withTrustedCertificates(mine.certificatePem())))) {
            List<WatchEvent> seen = new CopyOnWriteArrayList<>();
            try (Watch w = c.watch("tls/", seen::add)) {
                Mesh big = bigMesh(300_000); // megabytes: many TLS records each way
                long v = c.put("tls/big", big).version();
                assertEquals(big, c.getMesh("tls/big").mesh());
                List<java.util.concurrent.CompletableFuture<Long>> pings = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    pings.add(c.pingAsync()); // pipelined, small frames
                }
                for (var f : pings) {
                    f.get(20, TimeUnit.SECONDS);
                }
                long end = System.nanoTime() + 10_000_000_000L;
                while (seen.isEmpty() && System.nanoTime() < end) {
                    Thread.sleep(5);
                }
                assertEquals(List.of(new WatchEvent(w.id(), "tls/big", v, "put")), seen);
            }
        }
    }

    @Test
    void aPinnedCertificateWorksAndAWrongPinIsRefused() throws Exception {
        startTls(null);
        try (MeshportClient c = closeLater(MeshportClient.connect(options().withPinnedCertificate(mine.sha256WithColons())))) {
            assertTrue(c.ping() > 0);
        }
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> MeshportClient.connect(options().withPinnedCertificate(other.sha256())));
        assertTrue(String.valueOf(e.getMessage()).contains("not the pinned " + other.sha256()), e.getMessage());
    }

    @Test
    void aClientTrustingAnotherCertificateIsRefused() throws Exception {
        startTls(null);
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> MeshportClient.connect(options().withTrustedCertificates(other.certificatePem())));
        assertTrue(e.getMessage().startsWith("cannot connect to 127.0.0.1:"), e.getMessage());
        try (MeshportClient c = closeLater(MeshportClient.connect(options().withTrustedCertificates(mine.certificatePem())))) {
            assertTrue(c.ping() > 0, "the host goes on");
        }
    }

    @Test
    void plaintextOnTheTlsPortGetsNothingButAClose() throws Exception {
        startTls(null);
        RawClient raw = client();
        raw.msg("op", "ping", "id", 1L);
        assertThrows(EOFException.class, raw::read, "no reply, no garbage: the handshake failed and the host closed");
        try (MeshportClient c = closeLater(MeshportClient.connect(options().withTrustedCertificates(mine.certificatePem())))) {
            assertTrue(c.ping() > 0);
        }
    }

    @Test
    void aConnectionThatNeverFinishesItsHandshakeIsClosed() throws Exception {
        startTls(null);
        RawClient silent = client(); // connects and says nothing at all
        long t0 = System.nanoTime();
        assertThrows(EOFException.class, silent::read);
        assertTrue(System.nanoTime() - t0 < 9_000_000_000L, "closed after the 1.5 s allowed, well before the read timeout");
    }

    @Test
    void theTokenIsStillRequiredOverTls() throws Exception {
        startTls("s3cret");
        MeshportClientException e = assertThrows(MeshportClientException.class,
                () -> MeshportClient.connect(options().withTrustedCertificates(mine.certificatePem())));
        assertEquals(ErrorCode.UNAUTHORIZED, e.code());
        e = assertThrows(MeshportClientException.class,
                () -> MeshportClient.connect(options().withTrustedCertificates(mine.certificatePem()).withToken("guess")));
        assertEquals(ErrorCode.UNAUTHORIZED, e.code());
        try (MeshportClient c = closeLater(MeshportClient.connect(options().withTrustedCertificates(mine.certificatePem())
                .withToken("s3cret")))) {
            assertEquals(1L, c.putCbor("tls/x", Map.of("a", 1)).version());
        }
    }

    @Test
    void pemFilesServeTheSameIdentity() throws Exception {
        ListenerSettings.Builder b = ListenerSettings.builder();
        b.tls = TlsContexts.fromPem(mine.certificatePem(), mine.privateKeyPem());
        start(b);
        try (MeshportClient c = closeLater(MeshportClient.connect(options().withPinnedCertificate(mine.sha256())))) {
            assertTrue(c.ping() > 0);
        }
    }

    @Test
    void badTlsSettingsStopTheListenerWithAClearReason() throws Exception {
        Path missing = dir.resolve("nope.p12");
        assertMessage("tlsKeyStore " + missing + " cannot be read", () -> TlsContexts.fromPkcs12(missing, "x"));
        assertMessage("cannot be read: wrong password", () -> TlsContexts.fromPkcs12(mine.keyStore(), "wrong"));
        assertMessage("holds no PEM block '-----BEGIN PRIVATE KEY-----'",
                () -> TlsContexts.fromPem(mine.certificatePem(), mine.certificatePem()));
        Path rsa = Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertMessage("holds a RSA PRIVATE KEY; convert it to an unencrypted PKCS#8 key", () -> TlsContexts.fromPem(mine.certificatePem(), rsa));
        assertMessage("does not go with tlsPrivateKey", () -> TlsContexts.fromPem(other.certificatePem(), mine.privateKeyPem()));
        assertMessage("tlsKeyStore and tlsCertificate/tlsPrivateKey are both set", () -> ListenerSettings.from(Map.of("tlsKeyStore",
                mine.keyStore().toString(), "tlsCertificate", mine.certificatePem().toString()), k -> null, new ArrayList<>(), null));
        assertMessage("needs both tlsCertificate and tlsPrivateKey", () -> ListenerSettings.from(Map.of("tlsCertificate",
                mine.certificatePem().toString()), k -> null, new ArrayList<>(), null));
    }

    private static void assertMessage(String fragment, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), () -> "'" + e.getMessage() + "' should contain '" + fragment + "'");
    }

    @Test
    void aHostBindingBeyondLoopbackWithoutATokenMakesOneOnlyItsOwnerCanRead() throws Exception {
        Path tokens = dir.resolve("generated");
        ListenerSettings l = ListenerSettings.from(Map.of("bindAddress", "0.0.0.0"), k -> null, new ArrayList<>(), tokens);
        Path file = tokens.resolve("token");
        assertEquals(file, l.generatedTokenFile);
        assertTrue(l.tokenRequired());
        String token = Files.readAllLines(file).get(0);
        assertEquals(43, token.length(), "32 random bytes, base64url");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        ListenerSettings again = ListenerSettings.from(Map.of("bindAddress", "0.0.0.0"), k -> null, new ArrayList<>(), tokens);
        assertEquals(token, new String(again.token, java.nio.charset.StandardCharsets.UTF_8), "the next start keeps it");
        ListenerSettings loopback = ListenerSettings.from(Map.of(), k -> null, new ArrayList<>(), dir.resolve("loopback"));
        assertEquals(null, loopback.generatedTokenFile, "on loopback no token is forced on anyone");
        assertTrue(Files.notExists(dir.resolve("loopback")));
    }
}
