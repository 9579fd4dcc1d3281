package io.meshport.session.impl;

import static io.meshport.session.impl.DurableSessionTest.assertSameContents;
import static io.meshport.session.impl.DurableSessionTest.contents;
import static io.meshport.session.impl.DurableSessionTest.mesh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshport.mesh.Mesh;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;

/**
 * A mesh's large typed arrays are kept in maps of their own, and the next version of a key that holds
 * the very same bytes in one of them names that map again instead of writing it: a stream of position
 * updates writes the positions only.
 */
class KeptArraysTest {
    @TempDir
    Path dir;

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    private SessionStoreImpl open() {
        return new SessionStoreImpl(1L << 30, System::currentTimeMillis, dir, false, log::add);
    }

    /** @return the names of the file's maps of arrays (the store closed) */
    private Set<String> arrayMaps() {
        MVStore file = MVStore.open(dir.resolve(SessionFile.FILE_NAME).toString());
        try {
            return file.getMapNames().stream().filter(n -> n.startsWith("array.")).collect(Collectors.toCollection(TreeSet::new));
        } finally {
            file.close();
        }
    }

    private static Mesh moved(Mesh m, float by) {
        float[] p = m.positions(new float[3 * m.pointCount()]);
        for (int i = 0; i < p.length; i++) {
            p[i] += by;
        }
        return m.toBuilder().positions(p).build();
    }

    @Test
    void anUpdateOfThePositionsWritesThemAloneAndTheRestIsSharedWithTheVersionBefore() throws Exception {
        SessionStoreImpl s = open();
        Mesh first = mesh(20_000, 1); // positions, indices and Cd of 240 KB each
        long v1 = s.put("live", "mesh", 1, SessionValue.ofMesh(first), SessionStore.ANY_VERSION).version();
        assertTrue(s.awaitWritten(10_000));
        Mesh second = moved(first, 1f);
        long v2 = s.put("live", "mesh", 1, SessionValue.ofMesh(second), SessionStore.ANY_VERSION).version();
        assertTrue(s.awaitWritten(10_000));
        Mesh third = moved(second, 1f);
        long v3 = s.put("live", "mesh", 1, SessionValue.ofMesh(third), SessionStore.ANY_VERSION).version();
        Map<String, Object[]> before = contents(s);
        s.close();
        assertEquals(Set.of("array." + v1 + ".1", "array." + v1 + ".2", "array." + v3 + ".0"), arrayMaps(),
                "the indices and Cd of the first version, the positions of the last; version " + v2 + "'s positions dropped");

        long other;
        SessionStoreImpl again = open();
        try {
            assertSameContents(before, contents(again));
            assertEquals(third, again.get("live").orElseThrow().value().value());
            again.put("live", "mesh", 1, SessionValue.ofMesh(mesh(20_000, 2)), SessionStore.ANY_VERSION); // after a restart: all written
            other = again.put("other", "mesh", 1, SessionValue.ofMesh(first), SessionStore.ANY_VERSION).version();
            assertTrue(again.awaitWritten(10_000));
            again.delete("live", SessionStore.ANY_VERSION);
        } finally {
            again.close();
        }
        assertEquals(Set.of("array." + other + ".0", "array." + other + ".1", "array." + other + ".2"), arrayMaps(),
                "the other key's arrays only (a mesh equal to one written before, under another key: written again)");
    }

    @Test
    void anArrayMissingFromTheFileLeavesItsKeyOutAndNamed() throws Exception {
        SessionStoreImpl s = open();
        s.put("kept", "mesh", 1, SessionValue.ofMesh(mesh(20_000, 1)), SessionStore.ANY_VERSION);
        long v = s.put("damaged", "mesh", 1, SessionValue.ofMesh(mesh(20_000, 2)), SessionStore.ANY_VERSION).version();
        Map<String, Object[]> before = contents(s);
        s.close();
        MVStore file = MVStore.open(dir.resolve(SessionFile.FILE_NAME).toString());
        file.removeMap("array." + v + ".1");
        file.close();

        SessionStoreImpl again = open();
        try {
            Map<String, Object[]> after = contents(again);
            assertFalse(after.containsKey("damaged"));
            assertSameContents(Map.of("kept", before.get("kept")), after);
            assertTrue(log.stream().anyMatch(l -> l.contains("'damaged'") && l.contains("array." + v + ".1") && l.contains("missing")),
                    String.join("\n", log));
        } finally {
            again.close();
        }
    }

    @Test
    void theArraysOfAValueWhoseWritingWasInterruptedAreRemovedAtTheNextStart() throws Exception {
        SessionStoreImpl s = open();
        s.put("kept", "mesh", 1, SessionValue.ofMesh(mesh(20_000, 1)), SessionStore.ANY_VERSION);
        s.close();
        MVStore file = MVStore.open(dir.resolve(SessionFile.FILE_NAME).toString());
        Set<String> kept = file.getMapNames().stream().filter(n -> n.startsWith("array.")).collect(Collectors.toSet());
        // As a crash leaves it: the mark of a write under way, and the arrays it had written.
        file.openMap("meta").put("writing", 77L);
        file.<Long, byte[]>openMap("array.77.0").put(0L, new byte[100]);
        file.<Long, byte[]>openMap("array.77.3").put(0L, new byte[100]);
        file.<Long, byte[]>openMap("value.77").put(0L, new byte[100]);
        file.close();

        SessionStoreImpl again = open();
        again.close();
        file = MVStore.open(dir.resolve(SessionFile.FILE_NAME).toString());
        try {
            assertEquals(kept, file.getMapNames().stream().filter(n -> n.startsWith("array.")).collect(Collectors.toSet()));
            assertFalse(file.hasMap("value.77"));
        } finally {
            file.close();
        }
    }
}
