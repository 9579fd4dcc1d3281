package io.meshport.session.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;
import io.meshport.wire.mesh.MeshCborWriter;

/** The session kept in its file: what a restart serves, what a crash may lose, and what damage does. */
class DurableSessionTest {
    @TempDir
    Path dir;

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    private SessionStoreImpl open(boolean sync) {
        return new SessionStoreImpl(1L << 30, System::currentTimeMillis, dir, sync, log::add);
    }

    /** A mesh of {@code points} points, a triangle fan, {@code Cd} and a detail name; SharedStoreTest uses it too. */
    static Mesh mesh(int points, long seed) {
        Random r = new Random(seed);
        float[] p = new float[points * 3];
        for (int i = 0; i < p.length; i++) {
            p[i] = r.nextFloat() * 10 - 5;
        }
        int[] tri = new int[(points - 2) * 3];
        for (int i = 0; i < points - 2; i++) {
            tri[i * 3] = 0;
            tri[i * 3 + 1] = i + 1;
            tri[i * 3 + 2] = i + 2;
        }
        float[] cd = new float[points * 3];
        for (int i = 0; i < cd.length; i++) {
            cd[i] = r.nextFloat();
        }
        return Mesh.builder().positions(p).indices(tri).attribute(Attribute.ofFloats("Cd", AttributeOwner.POINT, 3, cd))
                .attribute(Attribute.ofStrings("name", AttributeOwner.DETAIL, 1, new String[] {"mesh " + seed})).name("m" + seed)
                .build();
    }

    private static SessionValue bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return new SessionValue(SessionValue.KIND_BYTES, b, Map.of("length", n), 16L + n);
    }

    /** A value as the wire would carry it: the mesh codec's encoding, or the bytes. */
    private static byte[] body(SessionEntry e) {
        if (e.value().value() instanceof byte[] b) {
            return b;
        }
        List<ByteBuffer> parts = MeshCborWriter.encode((Mesh) e.value().value());
        ByteBuffer all = ByteBuffer.allocate((int) MeshCborWriter.length(parts));
        parts.forEach(p -> all.put(p.duplicate()));
        return all.array();
    }

    static Map<String, Object[]> contents(SessionStore s) {
        Map<String, Object[]> m = new HashMap<>();
        for (SessionEntry e : s.list("")) {
            m.put(e.key(), new Object[] {e.version(), body(e), e.codec(), e.payloadBytes(), e.updated(), e.kind(), e.value().summary()});
        }
        return m;
    }

    static void assertSameContents(Map<String, Object[]> want, Map<String, Object[]> got) {
        assertEquals(want.keySet(), got.keySet());
        want.forEach((k, w) -> {
            Object[] g = got.get(k);
            assertEquals(w[0], g[0], k + " version");
            assertArrayEquals((byte[]) w[1], (byte[]) g[1], k + " body");
            for (int i = 2; i < w.length; i++) {
                assertEquals(w[i], g[i], k + " field " + i);
            }
        });
    }

    @Test
    void aRestartServesEveryKeyVersionAndBodyAndTheSameSession() {
        SessionStoreImpl first = open(false);
        first.put("scan/a", "mesh", 100, SessionValue.ofMesh(mesh(5000, 1)), SessionStore.ANY_VERSION);
        first.put("scan/b", "bytes", 3_000_000, bytes(3_000_000, 2), SessionStore.ANY_VERSION); // three blocks
        first.put("scan/c", "mesh", 100, SessionValue.ofMesh(mesh(10, 3)), SessionStore.ANY_VERSION);
        first.put("scan/a", "mesh", 100, SessionValue.ofMesh(mesh(700, 4)), SessionStore.ANY_VERSION);
        first.delete("scan/c", SessionStore.ANY_VERSION);
        first.put("empty", "bytes", 0, bytes(0, 5), SessionStore.ANY_VERSION);
        Map<String, Object[]> before = contents(first);
        String id = first.sessionId();
        long version = first.currentVersion();
        first.close();

        SessionStoreImpl second = open(false);
        try {
            assertEquals(id, second.sessionId());
            assertEquals(version, second.currentVersion(), "a clean stop keeps the counter exactly");
            assertSameContents(before, contents(second));
            assertTrue(second.get("scan/c").isEmpty(), "deleted stays deleted");
            assertEquals(version + 1, second.put("next", "bytes", 1, bytes(1, 6), SessionStore.ANY_VERSION).version());
            assertEquals(second.usedBytes(), second.list("").stream().mapToLong(e -> e.value().retainedBytes()).sum());
        } finally {
            second.close();
        }
    }

    @Test
    void afterACrashTheCounterStartsAboveEveryVersionItMayHaveAcknowledged() throws Exception {
        SessionStoreImpl first = open(false);
        for (int i = 0; i < 20; i++) {
            first.put("k" + i, "bytes", 10, bytes(10, i), SessionStore.ANY_VERSION);
        }
        long version = first.currentVersion();
        Map<String, Object[]> before = contents(first);
        awaitIdle(first);
        crash(first);

        SessionStoreImpl second = open(false);
        try {
            assertSameContents(before, contents(second));
            // Writes acknowledged but not yet written may have taken any version up to the ceiling reserved on disk.
            assertTrue(second.currentVersion() >= SessionFile.CEILING_STEP && second.currentVersion() > version,
                    "versions acknowledged before the crash may not come again: " + second.currentVersion());
            long next = second.put("k0", "bytes", 10, bytes(10, 99), SessionStore.ANY_VERSION).version();
            assertTrue(next > version);
        } finally {
            second.close();
        }
    }

    /** Each loading thread reads meshes into one array, used again: what one mesh keeps is never another's bytes. */
    @Test
    void meshesReadOneAfterAnotherOnAThreadAreEachExact() {
        SessionStoreImpl first = open(false);
        int[] points = {3000, 50, 2000, 10, 4000, 7, 2500, 300, 12};
        for (int i = 0; i < points.length; i++) {
            first.put("m/" + i, "mesh", 100, SessionValue.ofMesh(mesh(points[i], 40 + i)), SessionStore.ANY_VERSION);
        }
        Map<String, Object[]> before = contents(first);
        first.close();
        SessionStoreImpl second = open(false);
        try {
            assertSameContents(before, contents(second)); // more meshes than loading threads: some read several
        } finally {
            second.close();
        }
    }

    /**
     * A start after a crash that writes nothing commits nothing: each commit is one more chunk that MVStore's
     * quick search may miss after the next crash (then the file is searched whole, a second per 150 MB).
     */
    @Test
    void startsAfterACrashThatWriteNothingLeaveTheFileAsItWas() throws Exception {
        SessionStoreImpl first = open(false);
        for (int i = 0; i < 5; i++) {
            first.put("k" + i, "bytes", 10, bytes(10, i), SessionStore.ANY_VERSION);
        }
        Map<String, Object[]> before = contents(first);
        long version = first.currentVersion();
        awaitIdle(first);
        crash(first);
        Path file = dir.resolve(SessionFile.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        byte[] mark = Files.readAllBytes(dir.resolve(CommitMark.FILE_NAME));
        long started = -1;
        for (int i = 0; i < 2; i++) {
            SessionStoreImpl again = open(false);
            assertSameContents(before, contents(again));
            assertTrue(started < 0 || again.currentVersion() == started, "each start after the crash counts from the same version");
            started = again.currentVersion();
            crash(again);
            assertArrayEquals(bytes, Files.readAllBytes(file), "start " + (i + 1) + " wrote to the file");
            assertArrayEquals(mark, Files.readAllBytes(dir.resolve(CommitMark.FILE_NAME)));
        }
        SessionStoreImpl last = open(false);
        try {
            assertTrue(last.put("k0", "bytes", 10, bytes(10, 99), SessionStore.ANY_VERSION).version() > Math.max(version, started),
                    "a version is never handed out twice");
        } finally {
            last.close();
        }
    }

    @Test
    void aReplacedOrDeletedValueLeavesNothingOfItInTheFile() throws Exception {
        SessionStoreImpl s = open(false);
        for (int i = 0; i < 20; i++) { // large values (a map of their own each) and small ones (blocks in the shared map)
            s.put("big", "mesh", 1, SessionValue.ofMesh(mesh(5000, i)), SessionStore.ANY_VERSION);
            s.put("small", "bytes", 10, bytes(1000, i), SessionStore.ANY_VERSION);
            s.put("gone", "mesh", 1, SessionValue.ofMesh(mesh(5000, 100 + i)), SessionStore.ANY_VERSION);
            s.delete("gone", SessionStore.ANY_VERSION);
            assertTrue(s.awaitWritten(10_000), "round " + i + " reached the file");
        }
        long big = s.get("big").orElseThrow().version();
        Map<String, Object[]> before = contents(s);
        s.close();
        org.h2.mvstore.MVStore file = org.h2.mvstore.MVStore.open(dir.resolve(SessionFile.FILE_NAME).toString());
        try {
            assertEquals(java.util.Set.of("value." + big), file.getMapNames().stream().filter(n -> n.startsWith("value."))
                    .collect(java.util.stream.Collectors.toSet()), "the large value's map, the newest only");
            assertEquals(1, file.openMap("blocks").size(), "the small value's one block, the newest only");
        } finally {
            file.close();
        }
        SessionStoreImpl again = open(false);
        try {
            assertSameContents(before, contents(again));
        } finally {
            again.close();
        }
    }

    @Test
    void everyWriteOnDiskBeforeACrashIsFoundAfterItEvenWhenCrashesFollowEachOther() throws Exception {
        SessionStoreImpl s = open(false);
        for (int round = 0; round < 4; round++) { // values replaced: the file reuses the space of older chunks
            for (int k = 0; k < 6; k++) {
                s.put("k" + k, "bytes", 1, bytes(1_000_000, round * 10 + k), SessionStore.ANY_VERSION);
            }
            awaitIdle(s);
        }
        Map<String, Object[]> want = contents(s);
        crash(s);
        for (int i = 0; i < 6; i++) {
            SessionStoreImpl again = open(false);
            assertSameContents(want, contents(again));
            again.put("after/" + i, "bytes", 1, bytes(1000 + i, 100 + i), SessionStore.ANY_VERSION);
            again.put("k" + i, "bytes", 1, bytes(1_000_000, 200 + i), SessionStore.ANY_VERSION);
            awaitIdle(again);
            want = contents(again);
            crash(again);
        }
        SessionStoreImpl last = open(false);
        try {
            assertSameContents(want, contents(last));
        } finally {
            last.close();
        }
        assertTrue(log.stream().anyMatch(l -> l.contains("was searched whole")),
                "the store's quick search found an older commit at least once here, and the file was searched:\n" + String.join("\n", log));
        assertFalse(log.stream().anyMatch(l -> l.contains("commits behind")), String.join("\n", log));
    }

    @Test
    void aStreamOfUpdatesToOneKeyEndsOnDiskAsItsNewestVersion() throws Exception {
        SessionStoreImpl s = open(false);
        Mesh last = null;
        for (int i = 0; i < 500; i++) {
            last = mesh(200, i);
            s.put("live", "mesh", 1, SessionValue.ofMesh(last), SessionStore.ANY_VERSION);
        }
        Map<String, Object[]> before = contents(s);
        s.close();
        SessionStoreImpl again = open(false);
        try {
            assertSameContents(before, contents(again));
            assertEquals(500, again.get("live").orElseThrow().version());
        } finally {
            again.close();
        }
    }

    @Test
    void flippedBytesLeaveAKeyOutAndNamedNeverServedWrong() throws IOException {
        SessionStoreImpl first = open(false);
        for (int i = 0; i < 8; i++) {
            first.put("k" + i, "bytes", 200_000, bytes(200_000, i), SessionStore.ANY_VERSION);
        }
        Map<String, Object[]> before = contents(first);
        first.close();

        Path file = dir.resolve(SessionFile.FILE_NAME);
        byte[] raw = Files.readAllBytes(file);
        // Damage inside the values' bytes: find the random bytes of k3's value in the file and change one, in
        // every copy (the store may have rewritten live pages into a newer chunk, leaving the old one behind).
        byte[] k3 = (byte[]) before.get("k3")[1];
        int copies = 0;
        for (int at = indexOf(raw, k3, 64, 0); at >= 0; at = indexOf(raw, k3, 64, at + 1)) {
            raw[at + 1000] ^= 0x5a;
            copies++;
        }
        assertTrue(copies > 0, "the value is kept uncompressed in the file");
        Files.write(file, raw);

        SessionStoreImpl second = open(false);
        try {
            Map<String, Object[]> after = contents(second);
            assertFalse(after.containsKey("k3"), "a damaged value is absent, never served");
            after.forEach((k, v) -> assertArrayEquals((byte[]) before.get(k)[1], (byte[]) v[1], k + " exact"));
            assertEquals(7, after.size());
            assertTrue(log.stream().anyMatch(l -> l.contains("'k3'") && l.contains("checksum")), String.join("\n", log));
        } finally {
            second.close();
        }
    }

    @Test
    void aTruncatedFileStartsAndServesOnlyExactValues() throws Exception {
        SessionStoreImpl first = open(false);
        Map<String, byte[]> written = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            SessionValue v = bytes(50_000, i);
            first.put("k" + i, "bytes", 1, v, SessionStore.ANY_VERSION);
            written.put("k" + i, (byte[]) v.value());
            assertTrue(first.awaitWritten(10_000));
        }
        first.close();
        Path file = dir.resolve(SessionFile.FILE_NAME);
        long size = Files.size(file);
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size * 2 / 3);
        }
        SessionStoreImpl second = open(false);
        try {
            for (SessionEntry e : second.list("")) {
                assertArrayEquals(written.get(e.key()), (byte[]) e.value().value(), e.key());
            }
            second.put("after", "bytes", 1, bytes(10, 1), SessionStore.ANY_VERSION);
        } finally {
            second.close();
        }
    }

    @Test
    void aFileThatIsNotAStoreIsMovedAsideAndTheSessionStartsEmpty() throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(SessionFile.FILE_NAME), "this is not an MVStore file, only text".repeat(200).getBytes());
        SessionStoreImpl s = open(false);
        try {
            assertEquals(0, s.currentVersion());
            s.put("k", "bytes", 1, bytes(10, 1), SessionStore.ANY_VERSION);
            try (var files = Files.list(dir)) {
                assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith(SessionFile.FILE_NAME + ".damaged-")));
            }
            assertTrue(log.stream().anyMatch(l -> l.contains("cannot be opened") && l.contains("moved to")), String.join("\n", log));
        } finally {
            s.close();
        }
    }

    @Test
    void aFolderThatCannotBeWrittenLeavesTheSessionInMemoryAndSaysSoLoudly() throws IOException {
        if ("root".equals(System.getProperty("user.name"))) {
            // root writes into read-only folders: make the folder's path a file instead, which nobody can write into
            Files.writeString(dir.resolve("blocked"), "a file where the folder should be");
        } else {
            Files.createDirectories(dir.resolve("blocked"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r-xr-xr-x")));
        }
        SessionStoreImpl s = new SessionStoreImpl(1L << 30, System::currentTimeMillis, dir.resolve("blocked"), false, log::add);
        try {
            assertEquals(1, s.put("k", "bytes", 1, bytes(10, 1), SessionStore.ANY_VERSION).version());
            assertEquals(Optional.of(1L), s.get("k").map(SessionEntry::version));
            assertTrue(log.stream().anyMatch(l -> l.contains("THE SESSION IS NOT DURABLE")), String.join("\n", log));
        } finally {
            s.close();
        }
    }

    @Test
    void withSyncAWriteIsOnDiskWhenItIsAcknowledged() throws Exception {
        SessionStoreImpl s = open(true);
        long v = s.put("k", "mesh", 1, SessionValue.ofMesh(mesh(1000, 7)), SessionStore.ANY_VERSION).version();
        Map<String, Object[]> before = contents(s);
        crash(s); // no flush: what was acknowledged must be there
        SessionStoreImpl again = open(false);
        try {
            assertSameContents(before, contents(again));
            assertNotEquals(0, v);
        } finally {
            again.close();
        }
    }

    @Test
    void valuesOfOtherTypesAreServedButNotKeptAndThatIsSaid() throws Exception {
        SessionStoreImpl s = open(false);
        s.put("odd", "custom", 1, new SessionValue("thing", new StringBuilder("x"), Map.of(), 10), SessionStore.ANY_VERSION);
        s.put("k", "bytes", 1, bytes(10, 1), SessionStore.ANY_VERSION);
        assertTrue(s.get("odd").isPresent());
        s.close();
        assertTrue(log.stream().anyMatch(l -> l.contains("'odd'") && l.contains("not kept on disk")), String.join("\n", log));
        SessionStoreImpl again = open(false);
        try {
            assertTrue(again.get("odd").isEmpty());
            assertTrue(again.get("k").isPresent());
        } finally {
            again.close();
        }
    }

    @Test
    void aConditionalWriteStillChecksVersionsAfterARestart() {
        SessionStoreImpl s = open(false);
        long v = s.put("k", "bytes", 1, bytes(10, 1), 0).version();
        s.close();
        SessionStoreImpl again = open(false);
        try {
            MeshportException e = assertThrows(MeshportException.class, () -> again.put("k", "bytes", 1, bytes(10, 2), 0));
            assertEquals(ErrorCode.CONFLICT, e.code());
            assertEquals(v + 1, again.put("k", "bytes", 1, bytes(10, 2), v).version());
        } finally {
            again.close();
        }
    }

    private static void awaitIdle(SessionStoreImpl s) throws InterruptedException {
        assertTrue(s.awaitWritten(10_000), "the writer did not catch up within 10 s");
    }

    /** Ends a store as a crash would: its file is left without the final commit or the clean mark. */
    private static void crash(SessionStoreImpl s) {
        s.abandon();
    }

    private static int indexOf(byte[] hay, byte[] needle, int len, int from) {
        outer:
        for (int i = from; i + len <= hay.length; i++) {
            for (int j = 0; j < len; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
