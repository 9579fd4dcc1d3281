package io.meshport.session.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import org.osgi.service.component.annotations.Activate;
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
import io.meshport.session.SessionChange;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionListener;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;

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
        /** @return the heap the stored values may hold; 0 for half of the maximum heap */
        @AttributeDefinition(description = "Bytes of heap the stored values may hold; 0 = half the maximum heap")
        long memoryBudgetBytes() default 0;
    }

    private final String sessionId = UUID.randomUUID().toString();
    private final ConcurrentSkipListMap<String, SessionEntry> entries = new ConcurrentSkipListMap<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final long budget;
    private final LongSupplier clock;
    private volatile long version;
    private volatile long used;

    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Logger logger;

    /**
     * @param config the configuration
     */
    @Activate
    public SessionStoreImpl(Config config) {
        this(config.memoryBudgetBytes(), System::currentTimeMillis);
    }

    /**
     * @param budgetBytes the memory budget; 0 or less for half of the maximum heap
     * @param clock gives the time of writes, epoch milliseconds
     */
    public SessionStoreImpl(long budgetBytes, LongSupplier clock) {
        this.budget = budgetBytes > 0 ? budgetBytes : Runtime.getRuntime().maxMemory() / 2;
        this.clock = clock;
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
    public SessionEntry put(String key, String codec, long payloadBytes, SessionValue value, long ifVersion) {
        checkKey(key);
        writeLock.lock();
        try {
            SessionEntry old = entries.get(key);
            checkVersion(key, old, ifVersion);
            long delta = value.retainedBytes() - (old == null ? 0 : old.value().retainedBytes());
            if (delta > 0 && used + delta > budget) {
                throw new MeshportException(ErrorCode.OVERLOADED, "the session is full: it holds " + mib(used)
                        + " of its " + mib(budget) + " budget, and this value needs " + mib(delta) + " more",
                        Map.of("usedBytes", used, "budgetBytes", budget));
            }
            long v = version + 1;
            SessionEntry entry = new SessionEntry(key, v, codec, payloadBytes, clock.getAsLong(), value);
            entries.put(key, entry);
            used += delta;
            version = v;
            notify(new SessionChange(key, v, SessionChange.Type.PUT, entry));
            return entry;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Optional<SessionEntry> get(String key) {
        checkKey(key);
        return Optional.ofNullable(entries.get(key));
    }

    @Override
    public long delete(String key, long ifVersion) {
        checkKey(key);
        writeLock.lock();
        try {
            SessionEntry old = entries.get(key);
            if (old == null) {
                throw new MeshportException(ErrorCode.NOT_FOUND, "no key '" + key + "' in the session");
            }
            checkVersion(key, old, ifVersion);
            long v = version + 1;
            entries.remove(key);
            used -= old.value().retainedBytes();
            version = v;
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
        return budget;
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
