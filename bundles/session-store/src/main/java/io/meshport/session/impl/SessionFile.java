package io.meshport.session.impl;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import io.meshport.session.SessionEntry;

/**
 * The session kept on disk in an H2 MVStore file: the session's id and version counter, one header per
 * key, and each value's bytes ({@link ValueMaps}). Not thread safe, but for {@link #commit}: one writer
 * thread uses it.
 *
 * <p>The version counter survives a crash without each write waiting for the disk: the file holds a
 * ceiling that the counter may not pass until the ceiling is raised on disk ({@link #raiseCeiling}), and
 * a host that did not close the file starts above that ceiling.
 */
final class SessionFile implements AutoCloseable {
    static final String FILE_NAME = "session.mv.db";
    /** Present while the file is closed by the store, absent while it is open or after a crash. */
    static final String CLOSED_MARK = "session.closed";
    /** Versions reserved ahead of the counter: a crash skips at most this many. */
    static final long CEILING_STEP = 1_000_000;

    private final Path file;
    private final MVStore store;
    private final MVMap<String, Object> meta;
    private final MVMap<String, byte[]> headers;
    private final ValueMaps values;
    private final CommitMark mark;
    private long commits;
    private long searchedMillis = -1;
    private long noted = -1;
    private long ceiling;

    /** What the file held when it was opened. */
    record Loaded(String sessionId, long version, List<SessionEntry> entries, long bytes) {
    }

    private SessionFile(Path file, MVStore store, CommitMark mark) {
        this.file = file;
        this.store = store;
        this.mark = mark;
        this.commits = commits(store);
        this.meta = store.openMap("meta");
        this.headers = store.openMap("entries");
        this.values = new ValueMaps(store, this::commit);
    }

    /**
     * Opens the session file in a folder, creating both when missing.
     *
     * @param dir the folder
     * @return the open file
     * @throws IOException when it cannot be opened (a folder that cannot be written, a file in use by
     *         another host, a file too damaged for the store to open)
     */
    static SessionFile open(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE_NAME);
        boolean crashed = Files.exists(file) && !Files.exists(dir.resolve(CLOSED_MARK));
        long noted = crashed ? CommitMark.read(dir) : -1;
        try {
            MVStore store = openStore(file);
            long searchedMillis = -1;
            if (commits(store) < noted) {
                // Opened at an older commit than the last one forced to the device: after a crash MVStore's quick
                // search for the newest chunks can settle on older ones once space is being reused. Its
                // recovery mode scans the whole file instead; closed again, the file then opens normally
                // (recovery mode would also read damaged pages as empty for as long as it stays open).
                long t0 = System.nanoTime();
                store.closeImmediately();
                new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().recoveryMode().open().close();
                store = openStore(file);
                searchedMillis = (System.nanoTime() - t0) / 1_000_000;
            }
            Files.deleteIfExists(dir.resolve(CLOSED_MARK));
            syncFolder(dir);
            SessionFile f = new SessionFile(file, store, new CommitMark(dir));
            f.searchedMillis = searchedMillis;
            f.noted = noted;
            return f;
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static MVStore openStore(Path file) {
        // One thread writes and commits (the WriteBehind's): the store's own background commits raced with
        // it on large values (a page read before its chunk was on disk). It compacts when idle.
        MVStore store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
        // The space of chunks without live data is reused at once, not after the default 45 s (which at
        // a stream's write rate grows the file by gigabytes): every commit is forced to the device
        // before the next one may overwrite what an older chunk held (see commit).
        store.setRetentionTime(0);
        return store;
    }

    /** @return the number of the last commit a store holds (0 for a file written before commits were numbered) */
    private static long commits(MVStore store) {
        return store.<String, Object>openMap("meta").get("commits") instanceof Long n ? n : 0;
    }

    /**
     * @return how long the file was searched for its newest commit when it was opened (after a crash,
     *         when the store's quick search had found an older one), or -1 when it was not
     */
    long searchedMillis() {
        return searchedMillis;
    }

    /** @return how many commits the file is behind the last one recorded beside it (0 when it is not) */
    long commitsMissing() {
        return Math.max(0, noted - commits);
    }

    /** Forces a folder's entries (a file created or deleted in it) to the device. */
    private static void syncFolder(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Opens the file again after a write failed: the store closes itself on a failed write, and what it
     * had committed before is what the file holds. A value whose writing the failure interrupted leaves
     * its blocks, which are removed.
     *
     * @return the file, open again
     * @throws IOException when it cannot be opened yet
     */
    SessionFile reopen() throws IOException {
        closeNow();
        SessionFile again = open(file.getParent());
        again.ceiling = again.meta.get("ceiling") instanceof Long c ? c : 0;
        if (again.meta.get("writing") instanceof Long v) {
            again.values.dropVersion(v);
            again.meta.remove("writing");
        }
        return again;
    }

    /** @return the file */
    Path path() {
        return file;
    }

    /**
     * Reads everything the file holds. An entry that cannot be read (a damaged header, a block missing,
     * a CRC that does not match, a value that does not decode) is left out and reported; the blocks of
     * a value whose writing a crash interrupted are removed.
     *
     * @param problems receives one sentence per entry that was left out
     * @return what the file holds; a new session id when it held none
     */
    Loaded load(Consumer<String> problems) {
        Opened o = openSession();
        List<SessionEntry> entries = new ArrayList<>(o.keys().size());
        long bytes = 0;
        for (Read r : readAll(o.keys())) {
            if (r.entry != null) {
                entries.add(r.entry);
                bytes += r.bytes;
            } else {
                problems.accept(r.problem);
            }
        }
        return new Loaded(o.sessionId(), o.version(), entries, bytes);
    }

    /** What a file says of its session before its values are read. */
    record Opened(String sessionId, long version, List<String> keys) {
    }

    /**
     * Takes the file's session for this host without reading its values ({@link #read} reads each):
     * its id (a new one when it has none), the version the counter goes on from, and its keys. The file
     * is marked in use.
     */
    Opened openSession() {
        String sessionId = meta.get("sessionId") instanceof String ? (String) meta.get("sessionId") : null;
        boolean clean = Boolean.TRUE.equals(meta.get("clean"));
        long version = meta.get("version") instanceof Long ? (Long) meta.get("version") : 0;
        ceiling = meta.get("ceiling") instanceof Long ? (Long) meta.get("ceiling") : 0;
        boolean changed = clean;
        if (meta.get("writing") instanceof Long v) {
            values.dropVersion(v); // a value was being written when the host stopped: its entry never was
            meta.remove("writing");
            changed = true;
        }
        if (sessionId == null) {
            sessionId = UUID.randomUUID().toString();
            meta.put("sessionId", sessionId);
            changed = true;
        }
        // Writes acknowledged before a crash may have taken versions up to the ceiling without reaching the disk;
        // a clean file's counter is exact, and above every entry's version.
        long start = clean ? version : Math.max(version, ceiling);
        meta.put("version", start);
        meta.put("clean", Boolean.FALSE);
        ceiling = Math.max(ceiling, start);
        if (changed) {
            commit();
        }
        // else a file opened after a crash, which the next opening would read alike: a commit now would be
        // one more chunk for MVStore's quick search to miss if this host, too, is killed before its first write
        return new Opened(sessionId, start, new ArrayList<>(headers.keySet()));
    }

    /** One entry read, or why it could not be. */
    record Read(SessionEntry entry, long bytes, String problem) {
    }

    /** Reads the entries on as many threads as there are cores: reading and decoding take a core each. */
    private List<Read> readAll(List<String> keys) {
        int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), Math.min(8, keys.size())));
        if (threads <= 1) {
            List<Read> out = new ArrayList<>(keys.size());
            keys.forEach(k -> out.add(read(k)));
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "meshport-session-load");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Read>> futures = new ArrayList<>(keys.size());
            for (String k : keys) {
                futures.add(pool.submit(() -> read(k)));
            }
            List<Read> out = new ArrayList<>(keys.size());
            for (int i = 0; i < futures.size(); i++) {
                try {
                    out.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    out.add(new Read(null, 0, "'" + keys.get(i) + "': " + e.getCause()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    out.add(new Read(null, 0, "'" + keys.get(i) + "': interrupted while it was read"));
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Reads one entry; thread safe with other reads. */
    Read read(String key) {
        return read(key, null);
    }

    /**
     * A thread's array for the bytes of the meshes it reads, used again from one to the next: the mesh
     * reader copies what it keeps, and a fresh array per value, zeroed and soon garbage, made G1 collect
     * on nearly every one while a session was read.
     */
    static final class Scratch {
        /** Values larger than this get an array of their own, so that a thread does not hold one for long. */
        static final int MAX_BYTES = 256 << 20;
        byte[] bytes;
    }

    /**
     * Reads one entry; thread safe with other reads.
     *
     * @param scratch the calling thread's array for meshes' bytes, or null
     */
    Read read(String key, Scratch scratch) {
        StoredEntry.Header h = null;
        try {
            h = StoredEntry.decode(headers.get(key));
            if (!h.key().equals(key)) {
                throw new IOException("its header names the key '" + h.key() + "'");
            }
            int size = (int) h.size();
            if (scratch != null && h.form() == StoredEntry.FORM_MESH && size <= Scratch.MAX_BYTES) {
                if (scratch.bytes == null || scratch.bytes.length < size) {
                    scratch.bytes = new byte[size];
                }
                byte[] value = values.read(h, scratch.bytes);
                return new Read(StoredEntry.entry(h, value, size), size, null);
            }
            byte[] value = values.read(h, null);
            return new Read(StoredEntry.entry(h, value), value.length, null);
        } catch (IOException | RuntimeException e) {
            return new Read(null, 0, "'" + key + "'" + (h != null ? " (version " + h.version() + ")" : "") + ": " + e.getMessage());
        }
    }

    /** Sets the session's id (when the file is given a session that came from elsewhere). */
    void sessionId(String id) {
        meta.put("sessionId", id);
    }

    /**
     * Takes a session whose values the caller has already (handed over in memory), without reading them:
     * its id and version become the file's, and the file is marked in use.
     *
     * @return the version the file held (it equals the session's when the store before closed it cleanly),
     *         or -1 when it held none
     */
    long adopt(String sessionId, long version) {
        long kept = meta.get("version") instanceof Long ? (Long) meta.get("version") : -1;
        boolean clean = Boolean.TRUE.equals(meta.get("clean")) && sessionId.equals(meta.get("sessionId"));
        ceiling = Math.max(meta.get("ceiling") instanceof Long ? (Long) meta.get("ceiling") : 0, version);
        meta.put("sessionId", sessionId);
        meta.put("version", version);
        meta.put("ceiling", ceiling);
        meta.put("clean", Boolean.FALSE);
        commit();
        return clean ? kept : -1;
    }

    /** @return the highest version the counter may take before {@link #raiseCeiling} */
    long ceiling() {
        return ceiling;
    }

    /** Raises the ceiling above {@code version} and commits it to disk. */
    void raiseCeiling(long version) {
        ceiling = version + CEILING_STEP;
        meta.put("ceiling", ceiling);
        commit();
    }

    /**
     * Writes an entry, replacing the key's previous one. Not committed until {@link #commit}.
     *
     * @param e the entry
     * @return the bytes its value took, or -1 when its value is of a type that cannot be kept
     */
    long write(SessionEntry e) throws IOException {
        byte form = StoredEntry.formOf(e.value());
        if (form == 0) {
            remove(e.key());
            return -1;
        }
        // Committed on the way when the value is long: a crash before its header leaves blocks that the
        // next load removes, found through this mark.
        meta.put("writing", e.version());
        ValueMaps.Written out = values.write(e, form);
        if (out.size() > Integer.MAX_VALUE - 8) {
            values.forget(e.key());
            values.dropVersion(e.version());
            throw new IOException("its value takes " + out.size() + " bytes, more than one array holds");
        }
        StoredEntry.Header h = StoredEntry.header(e, form, out.size(), out.crc(), out.segments());
        dropOld(headers.put(e.key(), StoredEntry.encode(h)), h);
        meta.remove("writing");
        return out.size();
    }

    /** Removes a key's entry. Not committed until {@link #commit}. */
    void remove(String key) {
        values.forget(key);
        dropOld(headers.remove(key), null);
    }

    /** @return the keys the file holds */
    Set<String> keys() {
        return new HashSet<>(headers.keySet());
    }

    private void dropOld(byte[] oldHeader, StoredEntry.Header kept) {
        if (oldHeader == null) {
            return;
        }
        try {
            values.dropReplaced(StoredEntry.decode(oldHeader), kept);
        } catch (IOException damaged) {
            // A header that does not read names no blocks: they stay, unused, in the file.
        }
    }

    /** Records the session's version counter. Not committed until {@link #commit}. */
    void version(long version) {
        meta.put("version", version);
    }

    /**
     * Commits what was written since the last commit, and forces it to the device (fsync): the space of
     * older chunks is reused at once, so a commit must be on the device before the next one is written.
     * Numbered, and the number recorded beside the file ({@link CommitMark}); synchronized because the
     * version ceiling is raised from a request's thread while the writer's thread may be committing.
     */
    synchronized void commit() {
        meta.put("commits", ++commits);
        store.commit();
        store.sync();
        mark.write(commits);
    }

    /**
     * Rewrites chunks that are mostly unused, at most 16 MB of them, and commits.
     *
     * @return whether there was something to rewrite (another step may find more)
     */
    boolean compactStep() {
        if (!store.compact(80, 16 << 20)) {
            return false;
        }
        commit();
        return true;
    }

    /** Marks the file closed cleanly at this version, and closes it. */
    void closeClean(long version) {
        meta.put("version", version);
        meta.put("clean", Boolean.TRUE);
        close();
    }

    /** Closes the file, committing what was written, and marks it closed (the next open needs no search). */
    @Override
    public void close() {
        store.close();
        mark.close();
        try {
            Files.createFile(file.resolveSibling(CLOSED_MARK));
            syncFolder(file.getParent());
        } catch (IOException e) {
            // unmarked, the next open compares its commit with session.commit's first: slower, not wrong
        }
    }

    /** Closes the file without committing (when its device fails). */
    void closeNow() {
        try {
            store.closeImmediately();
        } catch (RuntimeException alreadyClosed) {
            // a store that failed may have closed itself
        }
        mark.close();
    }
}
