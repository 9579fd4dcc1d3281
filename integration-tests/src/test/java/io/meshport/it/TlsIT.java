package io.meshport.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.client.MeshportClientException;
import io.meshport.mesh.Mesh;
import io.meshport.node.NodeGraph;
import io.meshport.protocol.ErrorCode;
import io.meshport.testkit.TestCertificates;

/**
 * The host serving TLS (configured as an operator would, by the listener's settings), with a token:
 * the right certificate works for every op and for calls, a wrong one is refused, plaintext gets
 * nothing, and the token rules hold over TLS.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TlsIT extends HostTestBase {
    private static final String TOKEN = "tls-it-token";
    /** One folder per run, made on the first of Pax Exam's calls of {@link #config()} (outside the framework). */
    private static Path certificates;

    private static synchronized Path certificates() throws java.io.IOException {
        if (certificates == null) {
            certificates = java.nio.file.Files.createTempDirectory("meshport-tls-it-");
            certificates.toFile().deleteOnExit();
        }
        return certificates;
    }

    @Configuration
    public Option[] config() throws Exception {
        Path dir = certificates();
        TestCertificates host = TestCertificates.create(dir, "host");
        TestCertificates stranger = TestCertificates.create(dir, "stranger");
        List<String> settings = new ArrayList<>(host.keyStoreSettings());
        settings.add("token");
        settings.add(TOKEN);
        List<Option> o = new ArrayList<>(List.of(HostOptions.host(settings.toArray(new String[0]))));
        // The test itself runs inside the framework, where the test kit is not: it gets plain values.
        o.add(systemProperty("tls.it.cert").value(host.certificatePem().toString()));
        o.add(systemProperty("tls.it.pin").value(host.sha256()));
        o.add(systemProperty("tls.it.stranger").value(stranger.certificatePem().toString()));
        return o.toArray(new Option[0]);
    }

    private ClientOptions options() {
        return ClientOptions.of("127.0.0.1", port()).withToken(TOKEN);
    }

    @Test
    public void theRightCertificateServesEveryOpAndCalls() throws Exception {
        assertTrue(listener.tokenRequired());
        try (MeshportClient c = MeshportClient.connect(options().withTrustedCertificates(Paths.get(System.getProperty("tls.it.cert"))))) {
            Mesh m = Meshes.random(50_000, 100_000, 9);
            long v = c.put("tls/m", m).version();
            assertEquals(m, c.getMesh("tls/m").mesh());
            assertEquals(v, c.list("tls/").get(0).version());
            NodeGraph nodes = c.service("nodes", NodeGraph.class);
            assertTrue(nodes.children("/").contains("/obj"));
        }
        try (MeshportClient c = MeshportClient.connect(options().withPinnedCertificate(System.getProperty("tls.it.pin")))) {
            assertTrue(c.ping() > 0);
        }
    }

    @Test
    public void aWrongCertificateIsRefusedAndTheHostGoesOn() throws Exception {
        try (MeshportClient c = MeshportClient.connect(options().withTrustedCertificates(Paths.get(System.getProperty("tls.it.stranger"))))) {
            fail("connected while trusting another certificate: " + c.hostInfo());
        } catch (UncheckedIOException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().startsWith("cannot connect to 127.0.0.1:"));
        }
        String wrongPin = "00".repeat(32);
        try (MeshportClient c = MeshportClient.connect(options().withPinnedCertificate(wrongPin))) {
            fail("connected with a wrong pin");
        } catch (UncheckedIOException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("not the pinned"));
        }
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port())) {
            plain.setSoTimeout(20_000);
            plain.getOutputStream().write(new byte[] {0, 0, 0, 5, (byte) 0xa1, 0x62, 0x6f, 0x70, 0x60});
            try {
                new DataInputStream(plain.getInputStream()).readInt();
                fail("a plaintext client got an answer from the TLS port");
            } catch (EOFException | java.net.SocketException expected) {
                // closed without a word: no plaintext ever leaves a TLS listener
            }
        }
        try (MeshportClient c = MeshportClient.connect(options().withPinnedCertificate(System.getProperty("tls.it.pin")))) {
            assertTrue("the host goes on", c.ping() > 0);
        }
    }

    @Test
    public void theTokenRulesHoldOverTls() {
        ClientOptions trusted = ClientOptions.of("127.0.0.1", port()).withPinnedCertificate(System.getProperty("tls.it.pin"));
        try (MeshportClient c = MeshportClient.connect(trusted)) {
            fail("no token, yet connected");
        } catch (MeshportClientException e) {
            assertEquals(ErrorCode.UNAUTHORIZED, e.code());
        }
        try (MeshportClient c = MeshportClient.connect(trusted.withToken("not-it"))) {
            fail("a wrong token, yet connected");
        } catch (MeshportClientException e) {
            assertEquals(ErrorCode.UNAUTHORIZED, e.code());
            assertEquals("UNAUTHORIZED: wrong token", e.getMessage());
        }
        try (MeshportClient c = MeshportClient.connect(trusted.withToken(TOKEN))) {
            assertEquals("meshport", c.hostInfo().server());
        }
    }
}
