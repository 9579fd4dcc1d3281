package io.meshport.session.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.AlreadyAppliedException;
import io.meshport.session.SessionChange;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;
import io.meshport.session.SessionWrite;

/** A write sent twice with one request token is applied once, and answered alike both times. */
class RequestTokenTest {
    private final SessionStoreImpl store = new SessionStoreImpl(1 << 20, () -> 42L);

    private static SessionValue value(int n) {
        return new SessionValue("bytes", new byte[n], Map.of("length", n), 16 + n);
    }

    @Test
    void aPutWithASeenTokenIsNotAppliedAgain() {
        long v = store.put("a", "bytes", 1, value(1), SessionStore.ANY_VERSION, "c:1").version();
        store.put("a", "bytes", 2, value(2), SessionStore.ANY_VERSION, "c:2"); // another write in between
        AlreadyAppliedException e = assertThrows(AlreadyAppliedException.class,
                () -> store.put("a", "bytes", 1, value(1), SessionStore.ANY_VERSION, "c:1"));
        assertEquals(new SessionWrite("a", v, SessionChange.Type.PUT, "bytes", Map.of("length", 1)), e.write());
        assertEquals(v + 1, store.currentVersion(), "no version used by the resend");
        assertEquals(2, ((byte[]) store.get("a").orElseThrow().value().value()).length, "the later write stands");
        assertEquals(Optional.of(e.write()), store.recall("c:1"));
        assertEquals(Optional.empty(), store.recall("c:9"));
        assertEquals(Optional.empty(), store.recall(null));
    }

    @Test
    void aReplayedMeshPutIsAnsweredWithTheFirstSummaryExactlyAfterTheValueIsGone() {
        SessionValue first = SessionValue.ofMesh(Mesh.builder().positions(new float[] {0, 0, 0, 1, 0.5f, 0, 0, 1, 2.25f})
                .indices(new int[] {0, 1, 2}).build());
        long v = store.put("m", "mesh", 100, first, SessionStore.ANY_VERSION, "c:5").version();
        store.put("m", "bytes", 1, value(1), SessionStore.ANY_VERSION, null); // the mesh is replaced
        AlreadyAppliedException e = assertThrows(AlreadyAppliedException.class,
                () -> store.put("m", "mesh", 100, first, SessionStore.ANY_VERSION, "c:5"));
        // Remembered compactly, the summary comes back equal: ints stay ints, float bounds stay floats.
        assertEquals(new SessionWrite("m", v, SessionChange.Type.PUT, SessionValue.KIND_MESH, first.summary()), e.write());
        assertEquals(first.summary().toString(), e.write().summary().toString());
    }

    @Test
    void aDeleteWithASeenTokenIsNotAppliedAgain() {
        store.put("a", "bytes", 1, value(1), SessionStore.ANY_VERSION, null);
        long v = store.delete("a", SessionStore.ANY_VERSION, "c:3");
        store.put("a", "bytes", 1, value(1), SessionStore.ANY_VERSION, null); // the key comes back
        AlreadyAppliedException e = assertThrows(AlreadyAppliedException.class, () -> store.delete("a", SessionStore.ANY_VERSION, "c:3"));
        assertEquals(new SessionWrite("a", v, SessionChange.Type.DELETE, null, Map.of()), e.write());
        assertTrue(store.get("a").isPresent(), "the resent delete did not delete it again");
    }

    @Test
    void aFailedWriteLeavesItsTokenUnused() {
        assertThrows(MeshportException.class, () -> store.put("a", "bytes", 1, value(1), 5, "c:4")); // CONFLICT
        assertEquals(Optional.empty(), store.recall("c:4"));
        assertEquals(1, store.put("a", "bytes", 1, value(1), SessionStore.ANY_VERSION, "c:4").version(), "it may be used again");
    }

    @Test
    void tokensAreBoundedInLengthAndTheMostRecentAreRemembered() {
        MeshportException e = assertThrows(MeshportException.class,
                () -> store.put("a", "bytes", 1, value(1), SessionStore.ANY_VERSION, "x".repeat(SessionStore.MAX_TOKEN_LENGTH + 1)));
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
        for (int i = 0; i < SessionStoreImpl.MAX_REMEMBERED_WRITES + 10; i++) {
            store.put("k", "bytes", 1, value(1), SessionStore.ANY_VERSION, "t" + i);
        }
        assertEquals(Optional.empty(), store.recall("t0"), "the oldest are forgotten");
        assertTrue(store.recall("t" + (SessionStoreImpl.MAX_REMEMBERED_WRITES + 9)).isPresent());
        assertTrue(store.recall("t10").isPresent(), "at least the last " + SessionStoreImpl.MAX_REMEMBERED_WRITES);
    }
}
