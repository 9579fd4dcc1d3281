package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Defects {@link FrameFuzzTest} found, each as the frame that showed it. */
class FuzzFindingsTest extends HostTestBase {

    private static byte[] hex(String h) {
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    @Test
    void aMeshWithBaseZeroForAnAbsentKeyIsAConflictNotADecodeFailure() throws Exception {
        RawClient c = client();
        // {op: put, id: 1, key: "fz/a", codec: "mesh", body: {positions: [0, 0, 0], base: 0}}
        c.bytes(hex("0000003aa5626f706370757462696401636b657964667a2f6165636f646563646d65736864626f6479a269706f736974696f6e7383000000646261736500"));
        Map<?, ?> e = Expect.error(c.reply(1), 1L, "CONFLICT");
        assertEquals(0L, ((Map<?, ?>) e.get("detail")).get("current"));
    }

    @Test
    void aCallWithAMeshArgumentWithBaseIsRefusedNotAnInternalError() throws Exception {
        start(ListenerSettings.builder());
        host.exports.add(1, "fz", 0, "test", new FrameFuzzTest.FuzzServiceImpl(), List.of(FrameFuzzTest.FuzzService.class));
        RawClient c = client();
        // {op: call, id: 2, service: fz, method: points, args: [{positions: [0, 0, 0], base: 0}]}
        c.bytes(hex("00000041a5626f706463616c6c62696402677365727669636562667a666d6574686f6466706f696e7473646172677381a269706f736974696f6e7383000000646261736500"));
        Map<Object, Object> r = c.reply(2);
        assertEquals(Boolean.FALSE, r.get("ok"));
        String code = RawClient.code(r);
        assertEquals(true, code.equals("BAD_ARGS") || code.equals("CONFLICT") || code.equals("INVALID_MESH"), r.toString());
    }

    @Test
    void aCallArgumentNestedDeeperThanAResultMayBeIsBadArgs() throws Exception {
        start(ListenerSettings.builder());
        host.exports.add(1, "fz", 0, "test", new FrameFuzzTest.FuzzServiceImpl(), List.of(FrameFuzzTest.FuzzService.class));
        RawClient c = client();
        // {op: call, id: 65, service: fz, method: any, args: [[[...65 levels...[1]...]]]}
        StringBuilder h = new StringBuilder("0000006ca5626f706463616c6c6269641841677365727669636562667a666d6574686f6463616e796461726773");
        h.append("81".repeat(66)).append("01");
        c.bytes(hex(h.toString()));
        Map<?, ?> e = Expect.error(c.reply(65), 65L, "BAD_ARGS");
        assertEquals(true, String.valueOf(e.get("message")).contains("nested more than 64 deep"), e.toString());
    }
}
