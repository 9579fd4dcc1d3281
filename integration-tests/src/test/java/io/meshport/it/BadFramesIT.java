package io.meshport.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;


import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.meshport.client.MeshportClient;
import io.meshport.mesh.Mesh;
import io.meshport.session.SessionEntry;

/**
 * Garbage, oversize and truncated frames each get their error and cost only their own connection:
 * a client streaming puts meanwhile sees no error, and what was stored stays stored.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BadFramesIT extends HostTestBase {
    private static final int MAX_FRAME = 1024 * 1024;

    private MeshportClient good;
    private Thread streamer;
    private final AtomicBoolean streaming = new AtomicBoolean(true);
    private final AtomicInteger streamed = new AtomicInteger();
    private final List<Throwable> streamErrors = new CopyOnWriteArrayList<>();
    private Mesh keep;
    private long keepVersion;

    @Configuration
    public Option[] config() {
        return HostOptions.host("maxFrameBytes", String.valueOf(MAX_FRAME), "frameTimeoutSeconds", "2");
    }

    @Before
    public void storeSomethingAndStartStreaming() {
        good = MeshportClient.connect("127.0.0.1", port());
        keep = Meshes.random(1000, 2000, 7);
        keepVersion = good.put("keep/mesh", keep).version();
        streamer = new Thread(() -> {
            Mesh m = Meshes.random(50, 60, 1);
            long until = System.currentTimeMillis() + 60_000;
            while (streaming.get() && System.currentTimeMillis() < until) {
                try {
                    good.put("stream/mesh", m);
                    streamed.incrementAndGet();
                } catch (RuntimeException e) {
                    streamErrors.add(e);
                    return;
                }
            }
        });
        streamer.start();
    }

    @After
    public void othersCarriedOn() throws Exception {
        int before = streamed.get();
        long until = System.currentTimeMillis() + 5000;
        while (streamed.get() < before + 5 && System.currentTimeMillis() < until) {
            Thread.sleep(5);
        }
        streaming.set(false);
        streamer.join(10_000);
        assertTrue("the streaming client got errors: " + streamErrors, streamErrors.isEmpty());
        assertTrue("the streaming client carried on", streamed.get() >= before + 5);
        SessionEntry kept = store.get("keep/mesh").orElseThrow(AssertionError::new);
        assertEquals(keepVersion, kept.version());
        assertEquals(keep, kept.value().value());
        assertEquals(keep, good.getMesh("keep/mesh").mesh());
        good.close();
    }

    @Test
    public void garbageIsBadFrameAndClosesOnlyThatConnection() throws Exception {
        try (RawFrames raw = new RawFrames(port())) {
            raw.frame(new byte[] {(byte) 0xff, (byte) 0xfe, 0x1c, 0x00, 0x42}); // a break, then reserved bytes
            Map<String, Object> r = raw.read();
            assertEquals(false, r.get("ok"));
            assertNull("a frame-level error has no id", r.get("id"));
            assertEquals("BAD_FRAME", RawFrames.code(r));
            assertTrue(raw.closedByHost());
        }
        try (RawFrames raw = new RawFrames(port())) {
            raw.frame(RawFrames.CBOR.writeValueAsBytes(List.of("op", "ping"))); // an array, not a map
            assertEquals("BAD_FRAME", RawFrames.code(raw.read()));
            assertTrue(raw.closedByHost());
        }
        try (RawFrames raw = new RawFrames(port())) {
            byte[] ping = RawFrames.CBOR.writeValueAsBytes(Map.of("op", "ping", "id", 1));
            byte[] extra = ByteBuffer.allocate(ping.length + 1).put(ping).put((byte) 0x00).array();
            raw.frame(extra); // leftover bytes after the map
            assertEquals("BAD_FRAME", RawFrames.code(raw.read()));
            assertTrue(raw.closedByHost());
        }
    }

    @Test
    public void oversizeIsRefusedBeforeItsBodyIsSent() throws Exception {
        try (RawFrames raw = new RawFrames(port())) {
            raw.bytes(ByteBuffer.allocate(4).putInt(MAX_FRAME + 1).array()); // the header only
            Map<String, Object> r = raw.read();
            assertEquals("FRAME_TOO_LARGE", RawFrames.code(r));
            assertNull(r.get("id"));
            assertTrue(raw.closedByHost());
        }
        try (RawFrames raw = new RawFrames(port())) {
            raw.bytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}); // 4 GiB - 1
            assertEquals("FRAME_TOO_LARGE", RawFrames.code(raw.read()));
            assertTrue(raw.closedByHost());
        }
        try (RawFrames raw = new RawFrames(port())) {
            raw.bytes(new byte[4]); // length 0
            assertEquals("BAD_FRAME", RawFrames.code(raw.read()));
            assertTrue(raw.closedByHost());
        }
    }

    @Test
    public void truncatedFramesGetTheirError() throws Exception {
        Map<String, Object> put = new LinkedHashMap<>();
        put.put("op", "put");
        put.put("id", 9);
        put.put("key", "truncated/x");
        put.put("body", Map.of("a", 1));
        byte[] whole = RawFrames.CBOR.writeValueAsBytes(put);
        // A whole frame whose CBOR is cut short.
        try (RawFrames raw = new RawFrames(port())) {
            byte[] cut = new byte[whole.length - 3];
            System.arraycopy(whole, 0, cut, 0, cut.length);
            raw.frame(cut);
            assertEquals("BAD_FRAME", RawFrames.code(raw.read()));
            assertTrue(raw.closedByHost());
        }
        // A frame of which only half arrives, then silence: closed after the frame timeout, with bye.
        try (RawFrames raw = new RawFrames(port())) {
            byte[] half = ByteBuffer.allocate(4 + whole.length / 2).putInt(whole.length).put(whole, 0, whole.length / 2).array();
            long t0 = System.currentTimeMillis();
            raw.bytes(half);
            Map<String, Object> bye = raw.read();
            assertEquals("bye", bye.get("op"));
            assertTrue(String.valueOf(bye.get("reason")), String.valueOf(bye.get("reason")).contains("frame"));
            assertTrue(raw.closedByHost());
            assertTrue("closed after about 2 s", System.currentTimeMillis() - t0 >= 1500);
        }
        // A half frame, then the client goes away.
        try (RawFrames raw = new RawFrames(port())) {
            raw.bytes(ByteBuffer.allocate(4 + 5).putInt(whole.length).put(whole, 0, 5).array());
            raw.shutdownOutput();
            assertTrue(raw.closedByHost());
        }
        assertFalse("nothing of the truncated puts was stored", store.get("truncated/x").isPresent());
    }
}
