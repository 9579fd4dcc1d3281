package io.meshport.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.meshport.mesh.Mesh;

/**
 * Uploads (docs/protocol.md section 10) against a scripted host: the pieces go in payload order, the
 * next one sent before the one before is answered; a {@code CONFLICT} saying what the host holds goes
 * on from there, as does a reconnect once the host said what it holds; an error ends the upload with an
 * {@code abort}.
 */
@Timeout(60)
class UploadTest {
    private static final int PIECE = 1000;
    private static final Mesh MESH = cloud(1000);
    private static final byte[] PAYLOAD = MeshportClientTest.meshBody(MESH); // 12,0xx bytes: 13 pieces

    private static Mesh cloud(int n) {
        float[] xyz = new float[3 * n];
        for (int i = 0; i < xyz.length; i++) {
            xyz[i] = i * 0.25f;
        }
        return Mesh.builder().positions(xyz).build();
    }

    private static void helloWithUploads(ScriptedHost.Conn c) throws Exception {
        ScriptedHost.Request hello = c.expect("hello");
        c.reply(hello, Map.of("server", "meshport", "protocol", 1, "session", "s", "codecs", List.of("mesh"), "services", List.of(),
                "maxFrameBytes", 1L << 28, "uploads", true));
    }

    private static void begin(ScriptedHost.Conn c) throws Exception {
        ScriptedHost.Request begin = c.expect("begin");
        assertEquals((long) PAYLOAD.length, begin.get("size"));
        assertEquals("mesh", begin.get("codec"));
        c.reply(begin, Map.of("upload", "u1", "chunkBytes", (long) PIECE));
    }

    /** Reads an append and checks it carries the payload's bytes at its offset. */
    private static ScriptedHost.Request append(ScriptedHost.Conn c, long offset) throws Exception {
        ScriptedHost.Request a = c.expect("append");
        assertEquals("u1", a.get("upload"));
        assertEquals(offset, a.get("offset"), "the pieces go in payload order");
        int end = (int) Math.min(PAYLOAD.length, offset + PIECE);
        assertArrayEquals(Arrays.copyOfRange(PAYLOAD, (int) offset, end), (byte[]) a.get("data"));
        return a;
    }

    private static void commit(ScriptedHost.Conn c) throws Exception {
        ScriptedHost.Request commit = c.expect("commit");
        assertEquals("u1", commit.get("upload"));
        c.reply(commit, MeshportClientTest.putResult("geo/cloud", 3, "mesh"));
    }

    /** Answers appends until the payload is held: each piece is read before the one before is answered. */
    private static void rest(ScriptedHost.Conn c, ScriptedHost.Request waiting, long waitingEnd) throws Exception {
        long end = waitingEnd;
        while (end < PAYLOAD.length) {
            ScriptedHost.Request next = append(c, end);
            c.reply(waiting, Map.of("received", end));
            waiting = next;
            end = Math.min(PAYLOAD.length, end + PIECE);
        }
        c.reply(waiting, Map.of("received", end));
    }

    private static ClientOptions options(ScriptedHost host, List<Long> progress) {
        return host.options().withUploadThreshold(1).withUploadProgress((key, sent, total) -> {
            assertEquals((long) PAYLOAD.length, total);
            progress.add(sent);
        });
    }

    private static void assertProgress(List<Long> progress) {
        assertEquals(0L, (long) progress.get(0));
        assertEquals((long) PAYLOAD.length, (long) progress.get(progress.size() - 1));
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i) >= progress.get(i - 1), "progress never goes back: " + progress);
        }
    }

    @Test
    void theNextPieceGoesBeforeTheOneBeforeIsAnswered() throws Exception {
        List<Long> progress = new CopyOnWriteArrayList<>();
        try (ScriptedHost host = new ScriptedHost(c -> {
            helloWithUploads(c);
            begin(c);
            rest(c, append(c, 0), PIECE);
            commit(c);
            c.expectClosed();
        }); MeshportClient client = MeshportClient.connect(options(host, progress))) {
            assertEquals(3L, client.put("geo/cloud", MESH).version());
        }
        assertProgress(progress);
        assertEquals(2 + PAYLOAD.length / PIECE, progress.size(), "0, then each piece's reply: " + progress);
    }

    @Test
    void aConflictSayingWhatTheHostHoldsGoesOnFromThere() throws Exception {
        List<Long> progress = new CopyOnWriteArrayList<>();
        try (ScriptedHost host = new ScriptedHost(c -> {
            helloWithUploads(c);
            begin(c);
            ScriptedHost.Request first = append(c, 0);
            ScriptedHost.Request second = append(c, PIECE);
            // The host holds three pieces already (another connection sent them): the client goes on from there.
            c.error(first, "CONFLICT", "this piece starts at 0, the upload holds 3000 bytes", Map.of("received", 3L * PIECE));
            c.reply(second, Map.of("received", 3L * PIECE)); // acknowledged again: its bytes are held
            rest(c, append(c, 3L * PIECE), 4L * PIECE);
            commit(c);
            c.expectClosed();
        }); MeshportClient client = MeshportClient.connect(options(host, progress))) {
            assertEquals(3L, client.put("geo/cloud", MESH).version());
        }
        assertProgress(progress);
        assertEquals(3L * PIECE, (long) progress.get(1));
    }

    /** A host that took the first {@code taken} pieces (the last one's reply lost), then said bye. */
    private static ScriptedHost.Script takesThenSaysBye(int taken) {
        return c -> {
            helloWithUploads(c);
            begin(c);
            ScriptedHost.Request first = append(c, 0);
            for (int i = 1; i < taken; i++) {
                append(c, (long) i * PIECE); // taken, but its reply is lost
            }
            c.reply(first, Map.of("received", (long) PIECE));
            c.bye("the listener is being updated");
        };
    }

    /** The next connection: the client asks what the host holds and goes on from there, sending nothing it holds. */
    private static ScriptedHost.Script goesOnFrom(long held) {
        return c -> {
            ScriptedHost.Request hello = c.expect("hello");
            c.reply(hello, Map.of("server", "meshport", "protocol", 1, "session", "s", "codecs", List.of("mesh"), "services", List.of(),
                    "maxFrameBytes", 1L << 28, "uploads", true));
            ScriptedHost.Request asked = c.expect("upload");
            assertEquals("u1", asked.get("upload"));
            c.reply(asked, Map.of("upload", "u1", "key", "geo/cloud", "codec", "mesh", "size", (long) PAYLOAD.length, "received", held));
            rest(c, append(c, held), held + PIECE);
            commit(c);
            c.expectClosed();
        };
    }

    @Test
    void afterAByeTheUploadGoesOnFromWhatTheHostHoldsSendingNoneOfItAgain() throws Exception {
        List<Long> progress = new CopyOnWriteArrayList<>();
        try (ScriptedHost host = new ScriptedHost(takesThenSaysBye(2), goesOnFrom(2L * PIECE));
                MeshportClient client = MeshportClient.connect(options(host, progress))) {
            assertEquals(3L, client.put("geo/cloud", MESH).version());
        }
        assertProgress(progress);
        assertTrue(progress.contains(2L * PIECE), "the host's answer is progress too: " + progress);
    }

    @Test
    void afterAByeAPieceTheHostDidNotTakeIsSentAgain() throws Exception {
        List<Long> progress = new CopyOnWriteArrayList<>();
        // The second piece was cut off with the connection: the host holds the first only.
        try (ScriptedHost host = new ScriptedHost(takesThenSaysBye(1), goesOnFrom(PIECE));
                MeshportClient client = MeshportClient.connect(options(host, progress))) {
            assertEquals(3L, client.put("geo/cloud", MESH).version());
        }
        assertProgress(progress);
    }

    @Test
    void anErrorEndsTheUploadAndAbortsIt() throws Exception {
        try (ScriptedHost host = new ScriptedHost(c -> {
            helloWithUploads(c);
            begin(c);
            ScriptedHost.Request first = append(c, 0);
            ScriptedHost.Request second = append(c, PIECE);
            c.error(first, "INTERNAL", "the disk caught fire", null);
            c.error(second, "INTERNAL", "the disk caught fire", null);
            ScriptedHost.Request abort = c.expect("abort");
            assertEquals("u1", abort.get("upload"));
            // No reply: the client sends its abort without waiting for one, and may already be closing.
            c.expectClosed();
        }); MeshportClient client = MeshportClient.connect(options(host, new CopyOnWriteArrayList<>()))) {
            MeshportClientException e = assertThrows(MeshportClientException.class, () -> client.put("geo/cloud", MESH));
            assertEquals("INTERNAL", e.wireCode());
        }
    }
}
