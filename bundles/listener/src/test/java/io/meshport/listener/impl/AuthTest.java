package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;

/** docs/protocol.md section 8 (and the order of checks, section 3.3) on a host with a token. */
class AuthTest extends HostTestBase {
    private static final String TOKEN = "s3cret-t0ken";

    private void startWithToken(long authTimeoutMs) throws Exception {
        ListenerSettings.Builder b = ListenerSettings.builder().token(TOKEN);
        b.authTimeoutMs = authTimeoutMs;
        start(b);
    }

    private void assertUnauthorizedAndClosed(RawClient c, Long id) throws Exception {
        Map<Object, Object> r = c.read();
        Expect.error(r, id, "UNAUTHORIZED");
        assertFalse(Expect.message(r).contains(TOKEN), "the message never holds the token");
        assertTrue(c.closedByHost(), "closed after UNAUTHORIZED");
    }

    @Test
    void aRequestBeforeHelloIsUnauthorizedAndCloses() throws Exception {
        startWithToken(10_000);
        RawClient c = client();
        c.msg("op", "ping", "id", 1L);
        assertUnauthorizedAndClosed(c, 1L);

        RawClient noId = client();
        noId.msg("op", "put", "key", "a/b", "body", 1L);
        assertUnauthorizedAndClosed(noId, null);

        RawClient unknownOp = client();
        unknownOp.msg("op", "frobnicate", "id", 3L);
        assertUnauthorizedAndClosed(unknownOp, 3L);
        assertEquals(0L, host.store.currentVersion());
    }

    @Test
    void aWrongOrMissingTokenIsUnauthorizedAndCloses() throws Exception {
        startWithToken(10_000);
        RawClient wrong = client();
        wrong.msg("op", "hello", "id", 1L, "version", 1L, "token", "s3cret-t0kem");
        Map<Object, Object> r = wrong.read();
        Expect.error(r, 1L, "UNAUTHORIZED");
        assertFalse(Expect.message(r).contains("s3cret-t0kem"), "the message does not echo the token sent");
        assertTrue(wrong.closedByHost());

        RawClient prefix = client();
        prefix.msg("op", "hello", "id", 1L, "version", 1L, "token", TOKEN.substring(0, 5));
        assertUnauthorizedAndClosed(prefix, 1L);

        RawClient longer = client();
        longer.msg("op", "hello", "id", 1L, "version", 1L, "token", TOKEN + " ");
        assertUnauthorizedAndClosed(longer, 1L);

        RawClient none = client();
        none.msg("op", "hello", "id", 2L, "version", 1L);
        assertUnauthorizedAndClosed(none, 2L);

        RawClient nullToken = client();
        nullToken.msg("op", "hello", "id", 2L, "version", 1L, "token", null);
        assertUnauthorizedAndClosed(nullToken, 2L);
    }

    @Test
    void helloWithTheTokenOpensEverything() throws Exception {
        startWithToken(10_000);
        RawClient c = client();
        Map<?, ?> hello = Expect.okMap(c.call("op", "hello", "id", 1L, "version", 1L, "token", TOKEN, "client", "auth-test"), 1);
        assertEquals("meshport", hello.get("server"));
        assertEquals(host.store.sessionId(), hello.get("session"));
        assertEquals(1L, Expect.okMap(c.call("op", "put", "id", 2L, "key", "t/a", "body", 7L), 2).get("version"));
        assertEquals(7L, Expect.okMap(c.call("op", "get", "id", 3L, "key", "t/a"), 3).get("body"));
        assertEquals(1, ((List<?>) Expect.ok(c.call("op", "list", "id", 4L), 4)).size());
        Expect.okMap(c.call("op", "ping", "id", 5L), 5);
        // requests without id work once authenticated
        c.msg("op", "put", "key", "t/b", "body", 8L);
        Expect.okMap(c.call("op", "ping", "id", 6L), 6);
        assertTrue(host.store.get("t/b").isPresent());

        // the Java client sends the token in its hello
        ClientOptions o = ClientOptions.of("127.0.0.1", host.port()).withToken(TOKEN).withRequestTimeout(java.time.Duration.ofSeconds(10));
        try (MeshportClient jc = MeshportClient.connect(o)) {
            assertEquals(7L, jc.get("t/a").body());
        }
    }

    @Test
    void theShapeIsCheckedBeforeAuthentication() throws Exception {
        startWithToken(10_000);
        RawClient c = client();
        Expect.error(c.call("id", 1L), 1L, "BAD_REQUEST"); // no op
        Expect.error(c.call("op", 7L, "id", 2L), 2L, "BAD_REQUEST");
        Expect.error(c.call("op", "put", "id", 3L, "key", "a/b"), 3L, "BAD_REQUEST"); // no body
        Expect.error(c.call("op", "hello", "id", 4L, "version", 1L, "token", 1234L), 4L, "BAD_REQUEST");
        Expect.error(c.call("op", "hello", "id", 5L, "token", TOKEN), 5L, "BAD_REQUEST"); // no version
        c.send(w -> w.mapHeader(3).text("op").text("ping").text("id").uint(6).uint(1).uint(2)); // a non-text key
        Expect.error(c.read(), 6L, "BAD_REQUEST");
        c.msg("op", "ping", "id", "6");
        Expect.error(c.read(), null, "BAD_REQUEST"); // an unusable id
        // none of that closed the connection or authenticated it; a correct hello does
        Expect.okMap(c.call("op", "hello", "id", 7L, "version", 1L, "token", TOKEN), 7);
        Expect.okMap(c.call("op", "ping", "id", 8L), 8);
        assertEquals(0L, host.store.currentVersion());
    }

    @Test
    void aFrameLevelErrorBeforeHelloIsStillBadFrame() throws Exception {
        startWithToken(10_000);
        RawClient c = client();
        c.frame(new byte[] {(byte) 0x82, 0x01, 0x02});
        Expect.error(c.read(), null, "BAD_FRAME");
        assertTrue(c.closedByHost());
    }

    @Test
    void aSilentConnectionIsClosedAfterTheAuthTimeout() throws Exception {
        startWithToken(1000);
        long t0 = System.currentTimeMillis();
        RawClient silent = client();
        RawClient authed = client();
        Expect.okMap(authed.call("op", "hello", "id", 1L, "version", 1L, "token", TOKEN), 1);
        assertUnauthorizedAndClosed(silent, null);
        long took = System.currentTimeMillis() - t0;
        assertTrue(took >= 900 && took < 5000, "closed after " + took + " ms");
        // the authenticated one, connected as long, is not affected
        Expect.okMap(authed.call("op", "ping", "id", 2L), 2);
    }
}
