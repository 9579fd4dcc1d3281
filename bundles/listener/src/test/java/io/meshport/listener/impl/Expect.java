package io.meshport.listener.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;

/** Assertions on the frames of the protocol (docs/protocol.md section 3). */
final class Expect {
    private Expect() {
    }

    /**
     * Checks a success reply: exactly {id, ok: true, result}.
     *
     * @return the result
     */
    static Object ok(Map<Object, Object> reply, long id) {
        assertEquals(Boolean.TRUE, reply.get("ok"), () -> "expected a success, got " + reply);
        assertEquals(id, reply.get("id"), () -> "wrong id in " + reply);
        assertEquals(Set.of("id", "ok", "result"), reply.keySet(), () -> "reply fields of " + reply);
        return reply.get("result");
    }

    /** @return the result of a success reply, which must be a map */
    static Map<?, ?> okMap(Map<Object, Object> reply, long id) {
        Object r = ok(reply, id);
        assertInstanceOf(Map.class, r, () -> "result of " + reply);
        return (Map<?, ?>) r;
    }

    /**
     * Checks an error reply: {id?, ok: false, error: {code, message, detail?}}, with no id when
     * {@code id} is null.
     *
     * @return the error map
     */
    static Map<?, ?> error(Map<Object, Object> reply, Long id, String code) {
        assertEquals(Boolean.FALSE, reply.get("ok"), () -> "expected an error " + code + ", got " + reply);
        if (id == null) {
            assertFalse(reply.containsKey("id"), () -> "a reply without id expected, got " + reply);
            assertEquals(Set.of("ok", "error"), reply.keySet(), () -> "reply fields of " + reply);
        } else {
            assertEquals(id, reply.get("id"), () -> "wrong id in " + reply);
            assertEquals(Set.of("id", "ok", "error"), reply.keySet(), () -> "reply fields of " + reply);
        }
        Map<?, ?> e = (Map<?, ?>) reply.get("error");
        assertEquals(code, e.get("code"), () -> "error code of " + reply);
        Object m = e.get("message");
        assertInstanceOf(String.class, m, () -> "message of " + reply);
        assertFalse(((String) m).isBlank(), () -> "empty message in " + reply);
        assertFalse(((String) m).contains("\tat "), () -> "stack trace in " + reply);
        assertTrue(e.keySet().stream().allMatch(k -> Set.of("code", "message", "detail").contains(k)), () -> "error fields of " + reply);
        if (e.containsKey("detail")) {
            assertInstanceOf(Map.class, e.get("detail"), () -> "detail of " + reply);
        }
        return e;
    }

    /** @return the error's message */
    static String message(Map<Object, Object> reply) {
        return (String) ((Map<?, ?>) reply.get("error")).get("message");
    }

    /** Checks a bye frame: {op: "bye", reason: text}. @return the reason */
    static String bye(Map<Object, Object> frame) {
        assertEquals("bye", frame.get("op"), () -> "expected bye, got " + frame);
        assertInstanceOf(String.class, frame.get("reason"), () -> "reason of " + frame);
        return (String) frame.get("reason");
    }
}
