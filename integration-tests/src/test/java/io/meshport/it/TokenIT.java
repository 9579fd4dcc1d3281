package io.meshport.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.LinkedHashMap;
import java.util.Map;


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
import io.meshport.protocol.ErrorCode;

/** With a token set, nothing is accepted before a hello that carries it. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TokenIT extends HostTestBase {
    private static final String TOKEN = "s3cret-token";

    @Configuration
    public Option[] config() {
        return HostOptions.host("token", TOKEN);
    }

    private static Map<String, Object> msg(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    public void everyOpBeforeHelloIsUnauthorizedAndCloses() throws Exception {
        assertTrue(listener.tokenRequired());
        for (Map<String, Object> first : new Map[] {
                msg("op", "ping", "id", 1),
                msg("op", "put", "id", 2, "key", "sneaky/put", "body", Map.of("x", 1)),
                msg("op", "list", "id", 3),
                msg("op", "get", "id", 4, "key", "sneaky/put"),
                msg("op", "watch", "id", 5, "prefix", "")}) {
            try (RawFrames raw = new RawFrames(port())) {
                raw.send(first);
                Map<String, Object> r = raw.read();
                assertEquals(first.get("op") + " before hello", "UNAUTHORIZED", RawFrames.code(r));
                assertEquals(first.get("id"), r.get("id"));
                assertTrue(raw.closedByHost());
            }
        }
        // A fire-and-forget put before hello: no reply, the connection closes, nothing stored.
        try (RawFrames raw = new RawFrames(port())) {
            raw.send(msg("op", "put", "key", "sneaky/fire", "body", 1));
            Map<String, Object> r = raw.read();
            assertEquals("UNAUTHORIZED", RawFrames.code(r));
            assertNull(r.get("id"));
            assertTrue(raw.closedByHost());
        }
        assertFalse(store.get("sneaky/put").isPresent());
        assertFalse(store.get("sneaky/fire").isPresent());
    }

    @Test
    public void wrongOrMissingTokenIsUnauthorized() throws Exception {
        try (RawFrames raw = new RawFrames(port())) {
            raw.send(msg("op", "hello", "id", 1, "version", 1, "token", "guess"));
            assertEquals("UNAUTHORIZED", RawFrames.code(raw.read()));
            assertTrue(raw.closedByHost());
        }
        try (RawFrames raw = new RawFrames(port())) {
            raw.send(msg("op", "hello", "id", 1, "version", 1));
            assertEquals("UNAUTHORIZED", RawFrames.code(raw.read()));
            assertTrue(raw.closedByHost());
        }
        try {
            MeshportClient.connect("127.0.0.1", port()).close();
            fail("connected without a token");
        } catch (MeshportClientException e) {
            assertEquals(ErrorCode.UNAUTHORIZED, e.code());
        }
    }

    @Test
    public void shapeIsCheckedBeforeAuthentication() throws Exception {
        try (RawFrames raw = new RawFrames(port())) {
            raw.send(msg("op", 42, "id", 1));
            Map<String, Object> r = raw.read();
            assertEquals("BAD_REQUEST", RawFrames.code(r));
            raw.send(msg("op", "hello", "id", 2, "version", 1, "token", TOKEN));
            assertEquals(true, raw.read().get("ok"));
        }
    }

    @Test
    public void theRightTokenOpensEverything() throws Exception {
        try (RawFrames raw = new RawFrames(port())) {
            raw.send(msg("op", "hello", "id", 1, "version", 1, "token", TOKEN));
            assertEquals(true, raw.read().get("ok"));
            raw.send(msg("op", "put", "id", 2, "key", "auth/ok", "body", Map.of("x", 1)));
            assertEquals(true, raw.read().get("ok"));
        }
        try (MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", port()).withToken(TOKEN))) {
            assertEquals(Map.of("x", 1L), c.get("auth/ok").body());
        }
    }
}
