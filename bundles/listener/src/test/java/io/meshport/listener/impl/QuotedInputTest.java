package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshport.wire.CborWriter;

/**
 * Error messages quote what a client sent only in part: at most 100 characters of a name or value
 * (then how long it was), with control characters escaped, and no message is longer than the host's
 * bound whatever it quotes.
 */
class QuotedInputTest extends HostTestBase {
    private static final String HUGE = "m".repeat(100_000);
    /** Longer than any message the host writes of its own, shorter than one quoting a client's 100,000 characters. */
    private static final int MESSAGE_BOUND = 1_200;

    private RawClient exported() throws Exception {
        start(ListenerSettings.builder());
        host.exports.add(1, "calc", 0, "test", new CallTest.CalcService(), List.of(CallTest.Calc.class));
        return client();
    }

    private static String error(Map<Object, Object> reply, long id, String code) {
        Expect.error(reply, id, code);
        String m = Expect.message(reply);
        assertTrue(m.length() < MESSAGE_BOUND, () -> code + " message of " + m.length() + " characters: " + m.substring(0, 300));
        return m;
    }

    private static void assertNoControlCharacters(String m) {
        assertTrue(m.chars().noneMatch(ch -> ch < 0x20 || ch == 0x7f || ch == 0x2028 || ch == 0x202e), m);
    }

    @Test
    void aHugeMethodNameIsQuotedInPart() throws Exception {
        RawClient c = exported();
        String m = error(c.call("op", "call", "id", 1L, "service", "calc", "method", HUGE), 1, "NO_METHOD");
        assertTrue(m.startsWith("service 'calc' has no method '" + "m".repeat(100) + "'... (100000 characters); its methods: add, "), m);
    }

    @Test
    void aHugeServiceNameIsQuotedInPart() throws Exception {
        RawClient c = exported();
        String m = error(c.call("op", "call", "id", 1L, "service", HUGE, "method", "add"), 1, "NO_SERVICE");
        assertEquals("no service '" + "m".repeat(100) + "'... (100000 characters) is exported by this host; it exports: calc", m);
    }

    @Test
    void aHugeArgumentValueIsQuotedInPart() throws Exception {
        RawClient c = exported();
        String m = error(c.call("op", "call", "id", 1L, "service", "calc", "method", "invert", "args", List.of(HUGE)), 1, "BAD_ARGS");
        assertEquals("calc.invert argument 1 (shade): one of [LIGHT, DARK] expected, got '" + "m".repeat(100) + "'... (100000 characters)", m);
        m = error(c.call("op", "call", "id", 2L, "service", "calc", "method", "add", "args", List.of(1L, HUGE)), 2, "BAD_ARGS");
        assertTrue(m.startsWith("calc.add argument 2 (b): a whole number expected, got text '" + "m".repeat(40) + "'... (100000 characters)"), m);
    }

    @Test
    void aHugeBignumArgumentIsQuotedInPart() throws Exception {
        RawClient c = exported();
        byte[] magnitude = new byte[40_000];
        java.util.Arrays.fill(magnitude, (byte) 0x7f);
        CborWriter args = new CborWriter().arrayHeader(2).uint(1).tag(2).bytes(magnitude); // a positive bignum of ~96,000 digits
        String m = error(c.call("op", "call", "id", 1L, "service", "calc", "method", "add", "args", new RawClient.Enc(args.toByteArray())),
                1, "BAD_ARGS");
        assertTrue(m.startsWith("calc.add argument 2 (b): a whole number between "), m);
    }

    @Test
    void controlCharactersAreEscaped() throws Exception {
        RawClient c = exported();
        String m = error(c.call("op", "call", "id", 1L, "service", "calc", "method", "a\nb\r\u001b[31m\u2028\u202e"), 1, "NO_METHOD");
        assertNoControlCharacters(m);
        assertTrue(m.startsWith("service 'calc' has no method 'a\\nb\\r\\u001B[31m\\u2028\\u202E'; its methods: "), m);
        m = error(c.call("op", "call", "id", 2L, "service", "calc\u0000", "method", "add"), 2, "NO_SERVICE");
        assertEquals("no service 'calc\\u0000' is exported by this host; it exports: calc", m);
    }

    @Test
    void noErrorMessageIsUnbounded() throws Exception {
        RawClient c = exported();
        error(c.call("op", HUGE, "id", 1L), 1, "UNKNOWN_OP");
        error(c.call("op", "put", "id", 2L, "key", "a/b", "codec", HUGE, "body", 1L), 2, "NO_CODEC");
        error(c.call("op", "get", "id", 3L, "key", HUGE), 3, "BAD_KEY");
        String m = error(c.call("op", "put", "id", 4L, "key", "a/b", "codec", "x\n\u001b", "body", 1L), 4, "NO_CODEC");
        assertNoControlCharacters(m);
        Expect.okMap(c.call("op", "ping", "id", 5L), 5);
    }
}
