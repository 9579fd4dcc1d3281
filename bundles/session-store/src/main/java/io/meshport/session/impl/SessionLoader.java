package io.meshport.session.impl;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.meshport.session.SessionEntry;

/**
 * Reads a durable session's values after the store has started, so that the host accepts connections
 * at once: threads read the keys in turn, and a request for a key not read yet reads it first, on its
 * own thread. Each key is read once.
 */
final class SessionLoader {
    private final SessionFile file;
    private final Set<String> keys;
    private final ConcurrentLinkedQueue<String> queue;
    private final Consumer<SessionEntry> sink;
    private final StoreLog log;
    private final ConcurrentHashMap<String, CompletableFuture<Void>> reads = new ConcurrentHashMap<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicInteger left;
    private final AtomicInteger problems = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean begun = new AtomicBoolean();
    private volatile long started = System.nanoTime();
    private final String sessionId;

    /**
     * @param file the session's file, opened
     * @param opened what it holds
     * @param sink takes each entry read (from the loader's threads and from requests)
     * @param log where it reports
     */
    SessionLoader(SessionFile file, SessionFile.Opened opened, Consumer<SessionEntry> sink, StoreLog log) {
        this.file = file;
        this.keys = Set.copyOf(opened.keys());
        this.queue = new ConcurrentLinkedQueue<>(opened.keys());
        this.sink = sink;
        this.log = log;
        this.left = new AtomicInteger(opened.keys().size());
        this.sessionId = opened.sessionId();
    }

    /**
     * Starts reading on as many threads as there are cores, at most four: the host's bundles have started
     * by now (see {@link HostStart}), and a request for a key reads it on its own thread anyway.
     */
    void start() {
        if (!begun.compareAndSet(false, true)) {
            return;
        }
        started = System.nanoTime();
        if (keys.isEmpty()) {
            finish();
            return;
        }
        int threads = Math.max(1, Math.min(4, Math.min(Runtime.getRuntime().availableProcessors(), keys.size())));
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::drain, "meshport-session-load-" + i);
            t.setDaemon(true);
            t.start();
        }
    }

    private void drain() {
        SessionFile.Scratch scratch = new SessionFile.Scratch();
        for (String key; (key = queue.poll()) != null;) {
            ensure(key, scratch);
        }
    }

    /** Returns once the key is read (or could not be), reading it now when nobody has begun to. */
    void ensure(String key) {
        ensure(key, null);
    }

    private void ensure(String key, SessionFile.Scratch scratch) {
        if (!keys.contains(key) || done.getCount() == 0) {
            return;
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> other = reads.putIfAbsent(key, mine);
        if (other != null) {
            other.join();
            return;
        }
        try {
            SessionFile.Read r = file.read(key, scratch);
            if (r.entry() != null) {
                sink.accept(r.entry());
                bytes.addAndGet(r.bytes());
            } else {
                problems.incrementAndGet();
                log.error("the session file " + file.path() + ": could not read " + r.problem() + "; that key is left out");
            }
        } catch (RuntimeException e) {
            problems.incrementAndGet();
            log.error("the session file " + file.path() + ": could not read '" + key + "': " + e + "; that key is left out");
        } finally {
            mine.complete(null);
            if (left.decrementAndGet() == 0) {
                finish();
            }
        }
    }

    private void finish() {
        long ms = (System.nanoTime() - started) / 1_000_000;
        log.info("restored session " + sessionId + " from " + file.path() + ": " + (keys.size() - problems.get()) + " keys ("
                + String.format("%.1f MB", bytes.get() / 1e6) + ") in " + ms + " ms"
                + (problems.get() > 0 ? "; " + problems.get() + " keys could not be read" : ""));
        done.countDown();
    }

    /** @return whether every key is read */
    boolean isDone() {
        return done.getCount() == 0;
    }

    /** Returns once every key is read. */
    void awaitAll() {
        start();
        awaitUninterruptibly(done);
    }

    /**
     * Returns once the latch is counted down, an interrupt meanwhile kept for the caller: what waits here
     * (a request, the store stopping) needs the session whole to go on.
     */
    static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the keys the file held */
    List<String> keys() {
        return List.copyOf(keys);
    }
}
