package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** docs/protocol.md section 8.2 for a hello sent again on a connection that is already authenticated. */
class RepeatedHelloTest extends HostTestBase {
    private static final String TOKEN = "s3cret-t0ken";

    private RawClient authenticated() throws Exception {
        start(ListenerSettings.builder().token(TOKEN));
        RawClient c = client();
        Expect.okMap(c.call("op", "hello", "id", 1L, "version", 1L, "token", TOKEN), 1);
        return c;
    }

    private static void assertUnauthorizedAndClosed(RawClient c, Long id, String sentToken) throws Exception {
        Map<Object, Object> r = c.read();
        Expect.error(r, id, "UNAUTHORIZED");
        assertFalse(Expect.message(r).contains(TOKEN), "the message never holds the token");
        if (sentToken != null) {
            assertFalse(Expect.message(r).contains(sentToken), "nor the one sent");
        }
        assertTrue(c.closedByHost(), "closed after UNAUTHORIZED");
    }

    @Test
    void aSecondHelloWithAWrongTokenIsRefusedAndCloses() throws Exception {
        RawClient c = authenticated();
        c.msg("op", "hello", "id", 2L, "version", 1L, "token", "s3cret-t0kem");
        assertUnauthorizedAndClosed(c, 2L, "s3cret-t0kem");
    }

    @Test
    void aSecondHelloWithoutATokenIsRefusedOnAHostThatHasOne() throws Exception {
        RawClient c = authenticated();
        c.msg("op", "hello", "id", 2L, "version", 1L);
        assertUnauthorizedAndClosed(c, 2L, null);
    }

    @Test
    void aSecondHelloWithoutIdAndAWrongTokenIsRefusedWithoutId() throws Exception {
        RawClient c = authenticated();
        c.msg("op", "hello", "version", 1L, "token", "not-the-t0ken");
        assertUnauthorizedAndClosed(c, null, "not-the-t0ken");
    }

    @Test
    void aSecondHelloWithTheRightTokenIsAnsweredAndTheConnectionGoesOn() throws Exception {
        RawClient c = authenticated();
        Expect.okMap(c.call("op", "hello", "id", 2L, "version", 1L, "token", TOKEN), 2);
        Expect.okMap(c.call("op", "ping", "id", 3L), 3);
    }

    @Test
    void onAHostWithoutATokenHelloMayComeAgainWithOrWithoutOne() throws Exception {
        start(ListenerSettings.builder());
        RawClient c = client();
        Expect.okMap(c.call("op", "hello", "id", 1L, "version", 1L), 1);
        Expect.okMap(c.call("op", "hello", "id", 2L, "version", 1L), 2);
        Expect.okMap(c.call("op", "hello", "id", 3L, "version", 1L, "token", "anything"), 3);
        Expect.okMap(c.call("op", "ping", "id", 4L), 4);
    }
}
