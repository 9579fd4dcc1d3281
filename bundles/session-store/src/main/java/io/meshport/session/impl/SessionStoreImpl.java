package io.meshport.session.impl;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.ComponentConstants;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.AlreadyAppliedException;
import io.meshport.session.SessionChange;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionListener;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;
import io.meshport.session.SessionWrite;
import io.meshport.swap.HandOver;

/**
 * The session kept by this host: in memory, and with a durable session in its file too. Reads are
 * lock-free (a concurrent sorted map of immutable entries); writes take one lock, which orders them: the
 * version number, the map update, the memory account and the notification of listeners happen together,
 * so listeners see changes in version order.
 */
public final class SessionStoreImpl implements SessionStore {
    /** Configuration PID of the session store. */
    public static final String PID = "io.meshport.session";

    /** How long a write waits for the disk with durability=sync. */
    static final long SYNC_WAIT_MILLIS = 30_000;

    /** Request tokens remembered, the most recent ones. */
    static final int MAX_REMEMBERED_WRITES = 100_000;

    private String sessionId = UUID.randomUUID().toString();
    private ConcurrentSkipListMap<String, SessionEntry> entries = new ConcurrentSkipListMap<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final RememberedWrites writes = new RememberedWrites(MAX_REMEMBERED_WRITES);
    private final HeapAccount account;
    private final LongSupplier clock;
    private volatile long version;
    private volatile long used;
    /** Set (under the write lock) once the session went to the next store: no more writes here. */
    private boolean retired;
    private SessionKeeper keeper;
    /** Brings writes to the session's file; null for a session in memory. */
    private WriteBehind journal;
    private boolean syncWrites;
    /** Reads the durable file's values while the host serves; null once every key is read (or when there is none). */
    private volatile SessionLoader loader;
    /** How long the reading of a durable session's values waits, at most, for the host's bundles to have started. */
    static final long LOAD_LATEST_MILLIS = 1_000;
    /** Holds requests back while a durable session's file is being opened. */
    private final OpeningGate gate = new OpeningGate();
    private StoreLog log = new StoreLog(() -> null);
    private final SessionListeners listeners = new SessionListeners(writeLock, () -> log);

    /**
     * Starts the store with the session it is configured to keep: the one handed over by the instance it
     * replaces (an update of this bundle), else the durable session's file, else a new session. A durable
     * session's file is opened on a thread of its own, so that the host's other bundles start meanwhile
     * (MVStore takes a few hundred milliseconds to open a large file left by a crash); requests wait until
     * it is open.
     *
     * @param config the configuration
     * @param place where the session is kept
     * @param context the bundle's context (the host's data folder, and this bundle's data area)
     * @param handOver keeps the session in memory across an update, when the host has it
     * @param log where it reports
     */
    SessionStoreImpl(StoreConfig config, StorePlace place, BundleContext context, HandOver handOver, StoreLog log) {
        this(config.memoryBudgetBytes(), System::currentTimeMillis);
        this.log = log;
        Path durableDir = place.durableDir();
        String durability = place.durability();
        File updateArea = context.getDataFile("update");
        keeper = new SessionKeeper(durableDir, updateArea == null ? null : updateArea.toPath(), durability.equals("sync"), handOver,
                log);
        if (durableDir == null) {
            open(false, SessionLoader::start); // a session handed over, or new: nothing to read
            this.log.info("session " + sessionId + " is kept in memory only (session=memory): it ends with the host");
            return;
        }
        CompletableFuture<Void> hostStarted = HostStart.watch(context, LOAD_LATEST_MILLIS);
        gate.close();
        Thread t = new Thread(() -> open(durability.equals("sync"), l -> hostStarted.thenRun(l::start)), "meshport-session-open");
        t.setDaemon(true);
        t.start();
    }

    /**
     * A store keeping its session in a folder, outside a framework (tests, tools); returns once the file is open.
     *
     * @param budgetBytes the memory account's limit; 0 or less for 60 % of the maximum heap
     * @param clock gives the time of writes, epoch milliseconds
     * @param durableDir the folder of the session's file
     * @param sync whether writes wait until they are on the device
     * @param lines receives what it reports, a line each
     */
    SessionStoreImpl(long budgetBytes, LongSupplier clock, Path durableDir, boolean sync, Consumer<String> lines) {
        this(budgetBytes, clock, durableDir, sync, lines, Runnable::run);
    }

    /**
     * A store keeping its session in a folder, outside a framework, its file opened by {@code opener} (tests
     * of requests arriving while it opens); values are read as soon as it is open.
     */
    SessionStoreImpl(long budgetBytes, LongSupplier clock, Path durableDir, boolean sync, Consumer<String> lines, Executor opener) {
        this(budgetBytes, clock);
        log = new StoreLog(lines);
        keeper = new SessionKeeper(durableDir, null, sync, null, log);
        gate.close();
        opener.execute(() -> open(sync, SessionLoader::start));
    }

    /**
     * Takes the session the keeper starts with (the file opened, for a durable one); requests waiting for
     * it go on. Should the opening fail unexpectedly, the session is a new one in memory, and the log says so.
     *
     * @param startLoading starts the loader of the file's values, when there is one
     */
    private void open(boolean sync, Consumer<SessionLoader> startLoading) {
        try {
            SessionKeeper.State s = keeper.start(this::loaded);
            if (!s.writes().isEmpty() && !writes.adopt(s.writes())) {
                log.warn("the request tokens handed over are not ones this store can read; they are forgotten");
            }
            sessionId = s.sessionId();
            version = s.version();
            used = s.used();
            entries = s.entries();
            journal = keeper.journal();
            syncWrites = journal != null && sync;
            SessionLoader l = keeper.loader();
            if (l != null) {
                loader = l;
                startLoading.accept(l);
            }
        } catch (RuntimeException | Error e) {
            keeper.abandon();
            journal = null;
            log.error("THE SESSION IS NOT DURABLE: opening it failed (" + e + "); the session " + sessionId
                    + " is kept in memory only and ends with the host");
        } finally {
            gate.open();
        }
    }

    /** Sets how long a request waits for the session's file to open before it is answered {@code UNAVAILABLE} (tests). */
    void openWaitMillis(long millis) {
        gate.waitMillis(millis);
    }

    /** Takes an entry the loader read (nothing is written meanwhile: writes wait for the loader). */
    private void loaded(SessionEntry e) {
        writeLock.lock();
        try {
            if (entries.putIfAbsent(e.key(), e) == null) {
                used += e.value().retainedBytes();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Returns once the key's stored value is read, when the session is still being read from its file. */
    private void loadedFirst(String key) {
        gate.awaitForRequest();
        SessionLoader l = loader;
        if (l != null) {
            if (l.isDone()) {
                loader = null;
            } else {
                l.ensure(key);
            }
        }
    }

    /** Returns once the whole session is read from its file (writes and lists wait for it). */
    private void loadedAll() {
        gate.awaitForRequest();
        SessionLoader l = loader;
        if (l != null) {
            l.awaitAll();
            loader = null;
        }
    }

    /**
     * Waits until every write so far is in the session's file (a durable session).
     *
     * @return false when the time ran out or the disk failed
     */
    boolean awaitWritten(long timeoutMillis) throws InterruptedException {
        gate.awaitForRequest();
        WriteBehind j = journal;
        return j == null || j.awaitWritten(version, timeoutMillis);
    }

    /** Ends a store made outside a framework as a crash would: its file left without a last commit or its clean mark. */
    void abandon() {
        gate.awaitToStop();
        loadedAll();
        writeLock.lock();
        try {
            retired = true;
            if (keeper != null) {
                keeper.abandon();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Stops a store made outside a framework as a host stopping stops it: its file brought up to date and closed. */
    void close() {
        gate.awaitToStop();
        loadedAll();
        writeLock.lock();
        try {
            retired = true;
            if (keeper != null) {
                keeper.closeDurable(version);
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * @param budgetBytes the memory account's limit (stored values and data in flight); 0 or less for
     *        60 % of the maximum heap
     * @param clock gives the time of writes, epoch milliseconds
     */
    public SessionStoreImpl(long budgetBytes, LongSupplier clock) {
        this.account = new HeapAccount(budgetBytes, new LongSupplier() {
            @Override
            public long getAsLong() {
                return used;
            }
        });
        this.clock = clock;
    }

    /**
     * Stops the store. When its bundle is updated or stopped while the host runs, the session is passed
     * to the next instance; when the host stops, a durable session's file is brought up to date and
     * closed, and a session in memory ends.
     *
     * @param reason why the component is deactivated (a DS reason)
     * @param hostStopping whether the whole host is stopping
     */
    void deactivate(int reason, boolean hostStopping) {
        gate.awaitToStop();
        loadedAll(); // the next store takes the session whole
        writeLock.lock();
        try {
            // The next store owns the session from here: a write that was waiting for the lock must neither
            // change it behind its back nor be acknowledged and lost.
            retired = true;
            if (hostStopping) {
                keeper.closeDurable(version);
                return;
            }
            // Deactivated because a reference went away: maybe the hand-over service itself, which would not
            // keep what it is given. The durable file, or a file in the data area, is safe either way.
            keeper.passOn(new SessionKeeper.State(sessionId, version, used, entries, Map.of()), writes.handOver(),
                    reason != ComponentConstants.DEACTIVATION_REASON_REFERENCE);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public String sessionId() {
        gate.awaitForRequest();
        return sessionId;
    }

    @Override
    public long currentVersion() {
        gate.awaitForRequest();
        return version;
    }

    @Override
    public SessionEntry put(String key, String codec, long payloadBytes, SessionValue value, long ifVersion, String requestToken) {
        StoreChecks.checkKey(key);
        StoreChecks.checkToken(requestToken);
        loadedAll();
        SessionEntry entry;
        writeLock.lock();
        try {
            checkActive();
            replayed(requestToken);
            SessionEntry old = entries.get(key);
            checkVersion(key, old, ifVersion);
            long delta = value.retainedBytes() - (old == null ? 0 : old.value().retainedBytes());
            if (delta > 0 && !account.fits(delta)) {
                throw StoreChecks.full(account, used, delta);
            }
            long v = nextVersion();
            entry = new SessionEntry(key, v, codec, payloadBytes, clock.getAsLong(), value);
            entries.put(key, entry);
            used += delta;
            version = v;
            if (journal != null) {
                journal.put(entry);
            }
            if (requestToken != null) {
                writes.remember(requestToken, new SessionWrite(key, v, SessionChange.Type.PUT, value.kind(), value.summary()));
            }
            listeners.tell(new SessionChange(key, v, SessionChange.Type.PUT, entry));
        } finally {
            writeLock.unlock();
        }
        awaitDisk(entry.version());
        return entry;
    }

    /**
     * @return the next version (write lock held); with a durable session, refused while its disk fails
     *         when writes wait for it, and first reserved on disk when the counter reaches the file's ceiling
     */
    private long nextVersion() {
        long v = version + 1;
        if (journal != null) {
            if (syncWrites) {
                journal.refuseWhileFailing();
            }
            if (v > journal.ceiling()) {
                journal.raiseCeiling(v);
            }
        }
        return v;
    }

    /** With durability=sync: returns once the write is on disk. */
    private void awaitDisk(long v) {
        if (syncWrites) {
            journal.awaitOrRefuse(v, SYNC_WAIT_MILLIS);
        }
    }

    @Override
    public Optional<SessionWrite> recall(String requestToken) {
        if (requestToken == null) {
            return Optional.empty();
        }
        gate.awaitForRequest();
        writeLock.lock();
        try {
            return Optional.ofNullable(writes.recall(requestToken));
        } finally {
            writeLock.unlock();
        }
    }

    /** Throws if the session went to the next store (write lock held). */
    private void checkActive() {
        if (retired) {
            throw new MeshportException(ErrorCode.SHUTTING_DOWN, "the session store is being replaced (its bundle is updating);"
                    + " send the write again");
        }
    }

    /** Throws if a write with this token was applied (write lock held). */
    private void replayed(String requestToken) {
        if (requestToken != null) {
            SessionWrite w = writes.recall(requestToken);
            if (w != null) {
                throw new AlreadyAppliedException(w);
            }
        }
    }

    @Override
    public Optional<SessionEntry> get(String key) {
        StoreChecks.checkKey(key);
        loadedFirst(key);
        return Optional.ofNullable(entries.get(key));
    }

    @Override
    public long delete(String key, long ifVersion, String requestToken) {
        StoreChecks.checkKey(key);
        StoreChecks.checkToken(requestToken);
        loadedAll();
        long v;
        writeLock.lock();
        try {
            checkActive();
            replayed(requestToken);
            SessionEntry old = entries.get(key);
            if (old == null) {
                throw new MeshportException(ErrorCode.NOT_FOUND, "no key '" + key + "' in the session");
            }
            checkVersion(key, old, ifVersion);
            v = nextVersion();
            entries.remove(key);
            used -= old.value().retainedBytes();
            version = v;
            if (journal != null) {
                journal.delete(key, v);
            }
            if (requestToken != null) {
                writes.remember(requestToken, new SessionWrite(key, v, SessionChange.Type.DELETE, null, Map.of()));
            }
            listeners.tell(new SessionChange(key, v, SessionChange.Type.DELETE, null));
        } finally {
            writeLock.unlock();
        }
        awaitDisk(v);
        return v;
    }

    @Override
    public List<SessionEntry> list(String prefix) {
        loadedAll();
        String p = prefix == null ? "" : prefix;
        List<SessionEntry> out = new ArrayList<>();
        // Keys are ASCII, so String order is UTF-8 byte order.
        for (Map.Entry<String, SessionEntry> e : entries.tailMap(p, true).entrySet()) {
            if (!e.getKey().startsWith(p)) {
                break;
            }
            out.add(e.getValue());
        }
        return out;
    }

    @Override
    public Subscription subscribe(String prefix, SessionListener listener) {
        return listeners.subscribe(prefix, listener);
    }

    @Override
    public long usedBytes() {
        return used;
    }

    @Override
    public long budgetBytes() {
        return account.limitBytes();
    }

    @Override
    public io.meshport.session.MemoryAccount memory() {
        return account;
    }

    private static void checkVersion(String key, SessionEntry old, long ifVersion) {
        if (ifVersion == ANY_VERSION) {
            return;
        }
        long current = old == null ? 0 : old.version();
        if (current != ifVersion) {
            throw MeshportException.conflict("'" + key + "' is at version " + current
                    + (current == 0 ? " (absent)" : "") + ", not " + ifVersion, current);
        }
    }
}
