package io.meshport.session.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;
import io.meshport.session.SessionChange;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionValue;
import io.meshport.session.SessionWrite;

/** The session snapshot: what goes in comes out, and a damaged file is never trusted. */
class SnapshotTest {
    @TempDir
    Path dir;

    private static Mesh polygons() {
        return Mesh.builder().positions(new float[] {0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 2, 0, 0})
                .indices(new int[] {0, 1, 2, 3, 1, 4, 2}).faceCounts(new int[] {4, 3})
                .attribute(Attribute.ofFloats("Cd", AttributeOwner.POINT, 3, new float[15]))
                .attribute(Attribute.ofInts("id", AttributeOwner.FACE, 1, new int[] {7, 9}))
                .attribute(Attribute.ofStrings("tag", AttributeOwner.VERTEX, 1, new String[] {"a", "b", "c", "d", "e", "f", "g"}))
                .name("quad and triangle").meta(new byte[] {(byte) 0xa1, 0x61, 0x6b, 0x01}).build();
    }

    private Snapshot.State state() {
        Mesh cloud = Mesh.builder().positions(new float[] {1, 2, 3}).build();
        List<SessionEntry> entries = List.of(
                new SessionEntry("geo/poly", 3, "mesh", 100, 1000L, SessionValue.ofMesh(polygons())),
                new SessionEntry("geo/cloud", 5, "ply", 12, 2000L, SessionValue.ofMesh(cloud)),
                new SessionEntry("cfg", 7, "cbor", 4, 3000L, new SessionValue("cbor", new byte[] {(byte) 0xa0, 1, 2, 3},
                        Map.of("type", "map", "entries", 0L), 20)),
                new SessionEntry("blob", 8, "bytes", 3, 4000L, new SessionValue("bytes", new byte[] {9, 8, 7}, Map.of("length", 3L), 19)));
        Map<String, SessionWrite> writes = new LinkedHashMap<>();
        writes.put("client:1", new SessionWrite("geo/poly", 3, SessionChange.Type.PUT, "mesh", Map.of("points", 5L, "attributes",
                List.of("Cd", "id"))));
        writes.put("client:2", new SessionWrite("gone", 6, SessionChange.Type.DELETE, null, Map.of()));
        return new Snapshot.State("session-1", 8, entries, writes);
    }

    @Test
    void everythingWrittenIsReadBackEqual() throws Exception {
        Path f = dir.resolve("s.snapshot");
        List<String> skipped = new ArrayList<>();
        Snapshot.write(f, state(), skipped);
        assertEquals(List.of(), skipped);
        Snapshot.State back = Snapshot.read(f);
        assertEquals("session-1", back.sessionId());
        assertEquals(8, back.version());
        assertEquals(4, back.entries().size());
        SessionEntry poly = back.entries().get(0);
        assertEquals("geo/poly", poly.key());
        assertEquals(3, poly.version());
        assertEquals(1000L, poly.updated());
        assertEquals(polygons(), poly.value().value(Mesh.class), "arrays, attributes of every storage, name and meta");
        assertEquals(SessionValue.ofMesh(polygons()).summary(), poly.value().summary());
        assertEquals("ply", back.entries().get(1).codec());
        assertArrayEquals(new byte[] {(byte) 0xa0, 1, 2, 3}, (byte[]) back.entries().get(2).value().value());
        assertEquals(Map.of("type", "map", "entries", 0L), back.entries().get(2).value().summary());
        assertEquals(state().writes(), back.writes());
    }

    @Test
    void aValueOfAnUnknownTypeIsSkippedAndReported() throws Exception {
        Snapshot.State s = new Snapshot.State("s", 1, List.of(new SessionEntry("odd", 1, "x", 1, 1, new SessionValue("thing",
                new StringBuilder("not storable"), null, 10))), Map.of());
        List<String> skipped = new ArrayList<>();
        Snapshot.write(dir.resolve("odd"), s, skipped);
        assertEquals(1, skipped.size());
        assertTrue(skipped.get(0).contains("'odd' holds a thing value of type java.lang.StringBuilder"), skipped.get(0));
        assertEquals(0, Snapshot.read(dir.resolve("odd")).entries().size());
    }

    @Test
    void aFileCutShortAnywhereIsRefused() throws Exception {
        Path f = dir.resolve("s.snapshot");
        Snapshot.write(f, state(), new ArrayList<>());
        byte[] whole = Files.readAllBytes(f);
        Path cut = dir.resolve("cut");
        for (int n = 0; n < whole.length; n += Math.max(1, whole.length / 97)) {
            Files.write(cut, Arrays.copyOf(whole, n));
            int len = n;
            IOException e = assertThrows(IOException.class, () -> Snapshot.read(cut), "cut at " + len);
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "cut at " + len);
        }
    }

    @Test
    void anyChangedByteIsRefused() throws Exception {
        Path f = dir.resolve("s.snapshot");
        Snapshot.write(f, state(), new ArrayList<>());
        byte[] whole = Files.readAllBytes(f);
        Path bad = dir.resolve("bad");
        for (int i = 0; i < whole.length; i += Math.max(1, whole.length / 61)) {
            byte[] b = whole.clone();
            b[i] ^= 0x20;
            Files.write(bad, b);
            int at = i;
            assertThrows(IOException.class, () -> Snapshot.read(bad), "byte " + at + " changed");
        }
        Files.writeString(bad, "this is not a snapshot at all, just some text");
        IOException e = assertThrows(IOException.class, () -> Snapshot.read(bad));
        assertEquals("it does not start as a session snapshot does", e.getMessage());
    }
}
