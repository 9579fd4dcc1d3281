package io.meshport.session.impl;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.ComponentConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.protocol.Protocol;
import io.meshport.session.AlreadyAppliedException;
import io.meshport.session.SessionChange;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionListener;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;
import io.meshport.session.SessionWrite;
import io.meshport.swap.HandOver;

/**
 * The in-memory session. Reads are lock-free (a concurrent sorted map of immutable entries); writes
 * take one lock, which orders them: the version number, the map update, the memory account and the
 * notification of listeners happen together, so listeners see changes in version order.
 */
@Component(service = SessionStore.class, immediate = true, configurationPid = SessionStoreImpl.PID)
@Designate(ocd = SessionStoreImpl.Config.class)
public final class SessionStoreImpl implements SessionStore {
    /** Configuration PID of the session store. */
    public static final String PID = "io.meshport.session";

    /** Configuration of the session store. */
    @ObjectClassDefinition(name = "Meshport session store")
    public @interface Config {
        /** @return the heap the stored values and the data in flight may hold together; 0 for 60 % of the maximum heap */
        @AttributeDefinition(description = "Bytes of heap the stored values and the frames being received may hold together"
                + " (the host's memory account); 0 = 60 % of the maximum heap")
        long memoryBudgetBytes() default 0;
    }

    /** The name its state is handed over under across an update of this bundle. */
    static final String HAND_OVER = PID;
    /** Request tokens remembered, the most recent ones. */
    static final int MAX_REMEMBERED_WRITES = 100_000;
    static final String SNAPSHOT = "session.snapshot";

    private String sessionId = UUID.randomUUID().toString();
    private ConcurrentSkipListMap<String, SessionEntry> entries = new ConcurrentSkipListMap<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final RememberedWrites writes = new RememberedWrites(MAX_REMEMBERED_WRITES);
    private final HeapAccount account;
    private final LongSupplier clock;
    private volatile long version;
    private volatile long used;
    /** Set (under the write lock) once the session went to the next store: no more writes here. */
    private boolean retired;
    private BundleContext context;
    private HandOver handOver;

    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Logger logger;

    /**
     * Starts the store, taking over the session of the instance it replaces (an update of this
     * bundle): from the hand-over service when there is one, else from the snapshot that instance
     * wrote into this bundle's data area.
     *
     * @param config the configuration
     * @param context the bundle's context (its data area holds a snapshot when there is no hand-over)
     * @param handOver keeps the session in memory across an update, when the host has it
     * @param log where restoring reports
     */
    @Activate
    public SessionStoreImpl(Config config, BundleContext context,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL) HandOver handOver,
            @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL) Logger log) {
        this(config.memoryBudgetBytes(), System::currentTimeMillis);
        this.context = context;
        this.handOver = handOver;
        restore(log);
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

    // ------------------------------------------------------------------ across updates

    /** Takes the session of the instance this one replaces, if there is one. */
    private void restore(Logger log) {
        Object state = handOver == null ? null : handOver.take(HAND_OVER).orElse(null);
        if (state != null) {
            if (adopt(state)) {
                info(log, "took over session " + sessionId + ": " + entries.size() + " keys, version " + version);
                return;
            }
            warn(log, "the session handed over is not one this store can read; starting with an empty session");
        }
        Path file = snapshotFile();
        if (file == null || !Files.exists(file)) {
            return;
        }
        try {
            Snapshot.State s = Snapshot.read(file);
            sessionId = s.sessionId();
            version = s.version();
            for (SessionEntry e : s.entries()) {
                entries.put(e.key(), e);
                used += e.value().retainedBytes();
            }
            writes.rememberAll(s.writes());
            Files.delete(file);
            info(log, "restored session " + sessionId + " from its snapshot: " + entries.size() + " keys, version " + version);
        } catch (IOException e) {
            Path aside = file.resolveSibling(SNAPSHOT + ".corrupt-" + Instant.now().toString().replace(':', '-'));
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                aside = null;
            }
            error(log, "the session snapshot " + file + " is unusable: " + e.getMessage() + "; it is not trusted"
                    + (aside != null ? " and was moved to " + aside : "") + ", and the session starts empty");
        }
    }

    /** @return true if the state was a session this store could take */
    @SuppressWarnings("unchecked")
    private boolean adopt(Object state) {
        if (!(state instanceof Map)) {
            return false;
        }
        Map<?, ?> m = (Map<?, ?>) state;
        if (!(m.get("sessionId") instanceof String) || !(m.get("version") instanceof Long) || !(m.get("used") instanceof Long)
                || !(m.get("entries") instanceof ConcurrentSkipListMap) || !(m.get("writes") instanceof Map)
                || !writes.adopt((Map<?, ?>) m.get("writes"))) {
            return false;
        }
        sessionId = (String) m.get("sessionId");
        version = (Long) m.get("version");
        used = (Long) m.get("used");
        entries = (ConcurrentSkipListMap<String, SessionEntry>) m.get("entries");
        return true;
    }

    /**
     * Stops the store. When its bundle is updated or stopped while the host runs, the session is
     * handed to the next instance (in memory, or as a snapshot in the bundle's data area); when the
     * host stops, the session ends with it.
     */
    @Deactivate
    void deactivate(int reason) {
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        if (system != null && (system.getState() & (Bundle.STOPPING | Bundle.RESOLVED)) != 0) {
            return;
        }
        writeLock.lock();
        try {
            // The next store owns the session from here (its maps, or the snapshot): a write that was
            // waiting for the lock must neither change them behind its back nor be acknowledged and lost.
            retired = true;
            // Deactivated because a reference went away: maybe the hand-over service itself, which
            // would not keep what it is given. A snapshot is safe either way.
            if (handOver != null && reason != ComponentConstants.DEACTIVATION_REASON_REFERENCE) {
                Map<String, Object> state = new HashMap<>();
                state.put("sessionId", sessionId);
                state.put("version", version);
                state.put("used", used);
                state.put("entries", entries);
                state.put("writes", writes.handOver());
                handOver.deposit(HAND_OVER, state);
                info(logger, "handed over session " + sessionId + ": " + entries.size() + " keys, version " + version);
                return;
            }
            Path file = snapshotFile();
            List<String> skipped = new ArrayList<>();
            try {
                Snapshot.write(file, new Snapshot.State(sessionId, version, new ArrayList<>(entries.values()), writes.toMap()),
                        skipped);
                info(logger, "wrote session " + sessionId + " to " + file + ": " + (entries.size() - skipped.size()) + " keys, version " + version);
            } catch (IOException e) {
                error(logger, "could not write the session snapshot " + file + ": " + e.getMessage() + "; the session is lost");
            }
            for (String k : skipped) {
                warn(logger, "not in the snapshot: " + k);
            }
        } finally {
            writeLock.unlock();
        }
    }

    private Path snapshotFile() {
        File f = context == null ? null : context.getDataFile(SNAPSHOT);
        return f == null ? null : f.toPath();
    }

    private static void info(Logger l, String message) {
        if (l != null) {
            l.info("{}", message);
        }
    }

    private static void warn(Logger l, String message) {
        if (l != null) {
            l.warn("{}", message);
        }
    }

    private static void error(Logger l, String message) {
        if (l != null) {
            l.error("{}", message);
        }
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public long currentVersion() {
        return version;
    }

    @Override
    public SessionEntry put(String key, String codec, long payloadBytes, SessionValue value, long ifVersion, String requestToken) {
        checkKey(key);
        checkToken(requestToken);
        writeLock.lock();
        try {
            checkActive();
            replayed(requestToken);
            SessionEntry old = entries.get(key);
            checkVersion(key, old, ifVersion);
            long delta = value.retainedBytes() - (old == null ? 0 : old.value().retainedBytes());
            if (delta > 0 && !account.fits(delta)) {
                long inFlight = account.reservedBytes();
                throw new MeshportException(ErrorCode.OVERLOADED, "the session is full: it holds " + mib(used)
                        + (inFlight > 0 ? " and data in flight " + mib(inFlight) : "") + " of its " + mib(account.limitBytes())
                        + " budget, and this value needs " + mib(delta) + " more",
                        Map.of("usedBytes", used, "inFlightBytes", inFlight, "budgetBytes", account.limitBytes()));
            }
            long v = version + 1;
            SessionEntry entry = new SessionEntry(key, v, codec, payloadBytes, clock.getAsLong(), value);
            entries.put(key, entry);
            used += delta;
            version = v;
            if (requestToken != null) {
                writes.remember(requestToken, new SessionWrite(key, v, SessionChange.Type.PUT, value.kind(), value.summary()));
            }
            notify(new SessionChange(key, v, SessionChange.Type.PUT, entry));
            return entry;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Optional<SessionWrite> recall(String requestToken) {
        if (requestToken == null) {
            return Optional.empty();
        }
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

    private static void checkToken(String requestToken) {
        if (requestToken != null && (requestToken.isEmpty() || requestToken.length() > MAX_TOKEN_LENGTH)) {
            throw new MeshportException(ErrorCode.BAD_REQUEST, "a request token is 1 to " + MAX_TOKEN_LENGTH + " characters, not "
                    + requestToken.length());
        }
    }

    @Override
    public Optional<SessionEntry> get(String key) {
        checkKey(key);
        return Optional.ofNullable(entries.get(key));
    }

    @Override
    public long delete(String key, long ifVersion, String requestToken) {
        checkKey(key);
        checkToken(requestToken);
        writeLock.lock();
        try {
            checkActive();
            replayed(requestToken);
            SessionEntry old = entries.get(key);
            if (old == null) {
                throw new MeshportException(ErrorCode.NOT_FOUND, "no key '" + key + "' in the session");
            }
            checkVersion(key, old, ifVersion);
            long v = version + 1;
            entries.remove(key);
            used -= old.value().retainedBytes();
            version = v;
            if (requestToken != null) {
                writes.remember(requestToken, new SessionWrite(key, v, SessionChange.Type.DELETE, null, Map.of()));
            }
            notify(new SessionChange(key, v, SessionChange.Type.DELETE, null));
            return v;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public List<SessionEntry> list(String prefix) {
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
        Subscriber s = new Subscriber(prefix == null ? "" : prefix, listener);
        subscribers.add(s);
        return s;
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

    private static void checkKey(String key) {
        String problem = Protocol.keyProblem(key);
        if (problem != null) {
            throw new MeshportException(ErrorCode.BAD_KEY, problem);
        }
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

    private void notify(SessionChange change) {
        for (Subscriber s : subscribers) {
            if (s.open && change.key().startsWith(s.prefix)) {
                try {
                    s.listener.changed(change);
                } catch (RuntimeException e) {
                    Logger l = logger;
                    if (l != null) {
                        l.warn("a session listener failed on {}: {}", change, e.toString(), e);
                    }
                }
            }
        }
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

    /** One registered listener. */
    private final class Subscriber implements Subscription {
        final String prefix;
        final SessionListener listener;
        volatile boolean open = true;

        Subscriber(String prefix, SessionListener listener) {
            this.prefix = prefix;
            this.listener = listener;
        }

        @Override
        public void close() {
            // Taking the write lock means no notification is running when close returns.
            writeLock.lock();
            try {
                open = false;
                subscribers.remove(this);
            } finally {
                writeLock.unlock();
            }
        }
    }
}
