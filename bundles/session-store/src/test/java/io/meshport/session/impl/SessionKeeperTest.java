package io.meshport.session.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshport.mesh.Mesh;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionValue;

/** A session in memory passed to the next store through the bundle's data area, when no hand-over service keeps it. */
class SessionKeeperTest {
    private final List<String> log = new ArrayList<>();

    private SessionKeeper keeper(Path updateDir) {
        return new SessionKeeper(null, updateDir, false, null, new StoreLog(log::add));
    }

    @Test
    void aSessionInMemoryReachesTheNextStoreOnceThroughTheDataArea(@TempDir Path area) throws Exception {
        SessionKeeper.State empty = keeper(area).start(e -> { });
        assertEquals(0, empty.version());
        ConcurrentSkipListMap<String, SessionEntry> entries = new ConcurrentSkipListMap<>();
        Mesh m = Mesh.builder().positions(new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0}).indices(new int[] {0, 1, 2}).build();
        entries.put("m", new SessionEntry("m", 3, "mesh", 10, 99L, SessionValue.ofMesh(m)));
        entries.put("b", new SessionEntry("b", 7, "bytes", 2, 98L, new SessionValue("bytes", new byte[] {4, 2}, Map.of("length", 2), 18)));
        keeper(area).passOn(new SessionKeeper.State("s-1", 9, 100, entries, Map.of()), Map.of(), false);

        SessionKeeper.State next = keeper(area).start(e -> { });
        assertEquals("s-1", next.sessionId());
        assertEquals(9, next.version());
        assertEquals(m, next.entries().get("m").value().value());
        assertEquals(3, next.entries().get("m").version());
        assertEquals(99L, next.entries().get("m").updated());
        assertArrayEquals(new byte[] {4, 2}, (byte[]) next.entries().get("b").value().value());
        assertEquals(Map.of("length", 2), next.entries().get("b").value().summary());
        assertFalse(Files.exists(area.resolve(SessionFile.FILE_NAME)), "used once");

        SessionKeeper.State after = keeper(area).start(e -> { });
        assertNotEquals("s-1", after.sessionId(), "a second start without a store before it begins a new session");
        assertTrue(after.entries().isEmpty());
    }
}
