package io.meshport.session.impl;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionEntry;

/**
 * Brings the session's writes to its file from a thread of its own, so that requests never wait for the
 * disk: each key's newest write only (a streaming client's many updates of one key are written once per
 * round), then the version counter, then one commit. When the disk fails (full, read-only, gone) the
 * writes stay pending, the failure is reported once, and the thread tries again every few seconds until
 * it succeeds, reporting that too.
 */
final class WriteBehind {
    /** A delete, pending. */
    private record Deleted(long version) {
    }

    private static final long RETRY_MILLIS = 2_000;
    /**
     * The shortest time from one round to the next (async only): a stream of updates is written at most
     * this often, the newest version of each key, rather than once per update; a write after a quiet
     * spell is written at once.
     */
    static final long ROUND_MILLIS = 250;
    /**
     * A round that took long (large values) is followed by a pause three times as long, so that writing
     * takes at most a quarter of a core from the requests; at most this long, to keep the second of the
     * promise.
     */
    static final long MAX_PAUSE_MILLIS = 700;
    /**
     * A write acknowledged just after a round began is written by the next round: that round begins the
     * pause after this one began, and ends as long after as this one took (a guess: the same load). The
     * pause is cut so that it ends within this many milliseconds, the promised second less a margin for
     * the guess.
     */
    static final long ON_DISK_WITHIN_MILLIS = 900;
    /** Compaction steps (of at most 16 MB each) in one quiet spell. */
    private static final int MAX_COMPACT_STEPS = 64;
    /** How long the writer waits idle before it compacts the file. */
    private static final long COMPACT_AFTER_IDLE_MILLIS = 5_000;

    /** The file; opened again after a failure (the writer thread's, or under {@link #lock}). */
    private SessionFile file;
    /** Set when a write failed: the store closed itself, and the next attempt opens the file again. */
    private boolean broken;
    private final boolean force;
    private final Consumer<String> warn;
    private final Consumer<String> info;
    private final Object lock = new Object();
    private LinkedHashMap<String, Object> pending = new LinkedHashMap<>();
    private long pendingVersion;
    private long writtenVersion;
    private boolean writing;
    private boolean stopping;
    private String failure;
    private final Thread thread;

    /**
     * @param file the session's file
     * @param version the version the file holds now
     * @param force whether writes wait for the disk (durability=sync): rounds then follow each other at once
     * @param warn receives failures, and warnings about values that cannot be kept
     * @param info receives the recovery from a failure
     */
    WriteBehind(SessionFile file, long version, boolean force, Consumer<String> warn, Consumer<String> info) {
        this.file = file;
        this.force = force;
        this.warn = warn;
        this.info = info;
        this.writtenVersion = version;
        this.pendingVersion = version;
        this.thread = new Thread(this::run, "meshport-session-writer");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues a put (the caller holds the store's write lock, so versions come in order). */
    void put(SessionEntry e) {
        queue(e.key(), e, e.version());
    }

    /** Queues a delete. */
    void delete(String key, long version) {
        queue(key, new Deleted(version), version);
    }

    private void queue(String key, Object what, long version) {
        synchronized (lock) {
            pending.remove(key); // re-inserted last: the order of the writes is kept
            pending.put(key, what);
            pendingVersion = version;
            lock.notifyAll();
        }
    }

    /**
     * Raises the file's version ceiling right away (the caller holds the store's write lock): the
     * counter is about to pass it. Waits for the disk.
     *
     * @return false when the disk refused
     */
    boolean raiseCeiling(long version) {
        synchronized (lock) {
            try {
                if (broken) {
                    file = file.reopen();
                    broken = false;
                }
                file.raiseCeiling(version);
                return true;
            } catch (IOException | RuntimeException e) {
                fail(e);
                return false;
            }
        }
    }

    /** @return the ceiling the counter may reach before {@link #raiseCeiling} */
    long ceiling() {
        synchronized (lock) {
            return file.ceiling();
        }
    }

    /** @return why the last attempt to write failed, or null when it did not */
    String failure() {
        synchronized (lock) {
            return failure;
        }
    }

    /**
     * Refuses a write while the disk fails, for a store whose writes wait for it.
     *
     * @throws MeshportException {@code UNAVAILABLE}, nothing having been changed
     */
    void refuseWhileFailing() {
        String f = failure();
        if (f != null) {
            throw new MeshportException(ErrorCode.UNAVAILABLE, "the session's file cannot be written (" + f
                    + "), and this host acknowledges writes only once they are on disk (durability=sync); nothing was changed");
        }
    }

    /**
     * Returns once a version is on disk.
     *
     * @throws MeshportException {@code UNAVAILABLE} when the disk failed or the time ran out (the write stays applied in memory)
     */
    void awaitOrRefuse(long version, long timeoutMillis) {
        boolean written;
        try {
            written = awaitWritten(version, timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            written = false;
        }
        if (!written) {
            String f = failure();
            throw new MeshportException(ErrorCode.UNAVAILABLE, "version " + version + " is applied in memory but did not reach the"
                    + " session's file " + (f != null ? "(" + f + ")" : "within " + timeoutMillis / 1000 + " s")
                    + "; it is written when the disk accepts it");
        }
    }

    /**
     * Waits until a version is on disk.
     *
     * @return true when it is; false when the disk failed or the time ran out
     */
    boolean awaitWritten(long version, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (lock) {
            while (writtenVersion < version) {
                long left = deadline - System.nanoTime();
                if (failure != null || left <= 0 || stopping) {
                    return writtenVersion >= version;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    /**
     * Writes what is pending, then closes the file cleanly.
     *
     * @param timeoutMillis how long the pending writes may take
     * @return true when everything reached the file
     */
    boolean close(long version, long timeoutMillis) {
        boolean done;
        synchronized (lock) {
            stopping = true;
            lock.notifyAll();
        }
        try {
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            done = !thread.isAlive() && pending.isEmpty() && failure == null;
            if (thread.isAlive()) {
                thread.interrupt();
            }
            try {
                if (done) {
                    file.closeClean(version);
                } else {
                    file.closeNow();
                }
            } catch (RuntimeException e) {
                warn.accept("could not close the session file " + file.path() + ": " + e.getMessage());
                done = false;
            }
        }
        return done;
    }

    /** Stops writing and closes the file without a last commit or the clean mark, as a crash would. */
    void abandon() {
        synchronized (lock) {
            pending.clear();
            stopping = true;
            lock.notifyAll();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            file.closeNow();
        }
    }

    /**
     * @param tookNanos how long a round took
     * @return how long after that round began the next may begin: three times as long as it took, within
     *         {@link #ROUND_MILLIS} and {@link #MAX_PAUSE_MILLIS}, but never so long that a round as long as
     *         this one would end later than {@link #ON_DISK_WITHIN_MILLIS} after this one began (when rounds
     *         take most of that, the promise wins over the requests' share of the cores)
     */
    static long pauseAfter(long tookNanos) {
        long pause = Math.min(MAX_PAUSE_MILLIS * 1_000_000, Math.max(ROUND_MILLIS * 1_000_000, 3 * tookNanos));
        return Math.max(0, Math.min(pause, ON_DISK_WITHIN_MILLIS * 1_000_000 - tookNanos));
    }

    private void run() {
        long lastRound = 0;
        long pauseNanos = 0;
        boolean compacted = true;
        while (true) {
            LinkedHashMap<String, Object> batch;
            long top;
            boolean idleLong = false;
            synchronized (lock) {
                try {
                    if (!force) {
                        // Let a stream of updates gather: a round at most every ROUND_MILLIS.
                        long wait;
                        while (!stopping && (wait = lastRound + pauseNanos - System.nanoTime()) > 0) {
                            TimeUnit.NANOSECONDS.timedWait(lock, wait);
                        }
                    }
                    while (pending.isEmpty() && !stopping) {
                        if (compacted) {
                            lock.wait();
                        } else {
                            lock.wait(COMPACT_AFTER_IDLE_MILLIS);
                            if (pending.isEmpty() && !stopping) {
                                idleLong = true;
                                break;
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    return;
                }
                writing = true;
                if (idleLong) {
                    batch = null;
                    top = 0;
                } else if (pending.isEmpty()) {
                    return;
                } else {
                    lastRound = System.nanoTime();
                    compacted = false;
                    batch = pending;
                    pending = new LinkedHashMap<>();
                    top = pendingVersion;
                }
            }
            if (idleLong) {
                compacted = compactWhileIdle();
                continue;
            }
            try {
                synchronized (lock) {
                    if (broken) {
                        file = file.reopen();
                        broken = false;
                    }
                }
                write(batch, top);
                long took = System.nanoTime() - lastRound;
                pauseNanos = pauseAfter(took);
                synchronized (lock) {
                    writing = false;
                    writtenVersion = top;
                    if (failure != null) {
                        info.accept("the session file " + file.path() + " is written again (it failed: " + failure + ")");
                        failure = null;
                    }
                    lock.notifyAll();
                }
            } catch (Exception e) {
                synchronized (lock) {
                    writing = false;
                    // What came in meanwhile is newer; the rest of the batch goes back in front.
                    LinkedHashMap<String, Object> back = new LinkedHashMap<>(batch);
                    back.keySet().removeAll(pending.keySet());
                    back.putAll(pending);
                    pending = back;
                    fail(e);
                    lock.notifyAll();
                    if (stopping) {
                        return;
                    }
                    try {
                        lock.wait(RETRY_MILLIS);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        }
    }

    private void write(Map<String, Object> batch, long top) throws Exception {
        for (Map.Entry<String, Object> w : batch.entrySet()) {
            if (w.getValue() instanceof SessionEntry) {
                SessionEntry e = (SessionEntry) w.getValue();
                if (file.write(e) < 0) {
                    warn.accept("'" + e.key() + "' (version " + e.version() + ") is not kept on disk: its value, a "
                            + e.value().value().getClass().getName() + ", is neither a mesh nor bytes; it is lost when the host stops");
                }
            } else {
                file.remove(w.getKey());
            }
        }
        file.version(top);
        file.commit();
    }

    /**
     * Rewrites the file's sparsest chunks, so that it does not grow without end, a step at a time while
     * nothing is pending, without the lock: a write that comes meanwhile is queued at once, and written
     * after the step under way.
     *
     * @return true when the file is compact, false when a write or the stop came first
     */
    private boolean compactWhileIdle() {
        boolean done = false;
        try {
            for (int step = 0; !done && step < MAX_COMPACT_STEPS && idleAndRunning(); step++) {
                done = !file.compactStep();
            }
            done |= idleAndRunning(); // the steps ran out: what is left waits for the next writes' quiet spell
        } catch (RuntimeException e) {
            warn.accept("could not compact the session file " + file.path() + ": " + e.getMessage());
            done = true;
        }
        synchronized (lock) {
            writing = false;
            lock.notifyAll();
        }
        return done;
    }

    private boolean idleAndRunning() {
        synchronized (lock) {
            return pending.isEmpty() && !stopping && !broken;
        }
    }

    /** Reports a failure once (lock held); the next attempt opens the file again. */
    private void fail(Exception e) {
        broken = true;
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        if (e.getCause() != null && e.getCause().getMessage() != null && !why.contains(e.getCause().getMessage())) {
            why += " (" + e.getCause().getMessage() + ")";
        }
        if (failure == null) {
            warn.accept("could not write the session file " + file.path() + ": " + why + "; the session is served from"
                    + " memory, and what changed since is written when the disk accepts it again (tried every "
                    + RETRY_MILLIS / 1000 + " s)");
        }
        failure = why;
    }

    /** @return whether nothing is pending or being written */
    boolean idle() {
        synchronized (lock) {
            return pending.isEmpty() && !writing;
        }
    }
}
