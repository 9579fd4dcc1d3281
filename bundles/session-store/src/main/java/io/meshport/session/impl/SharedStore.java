package io.meshport.session.impl;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.AlreadyAppliedException;
import io.meshport.session.MemoryAccount;
import io.meshport.session.SessionChange;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionListener;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;
import io.meshport.session.SessionWrite;
import io.meshport.session.backend.RecordWrite;
import io.meshport.session.backend.SessionBackend;
import io.meshport.session.backend.SharedSession;
import io.meshport.session.backend.StoredChange;
import io.meshport.session.backend.StoredRecord;
import io.meshport.session.backend.WriteOutcome;

/**
 * A session kept outside the host by a {@link SessionBackend} and shared with other hosts. The backend
 * hands out versions and checks conditional writes; this host keeps decoded values by version
 * ({@link DecodedCache}), so that a value it wrote or read once is not decoded again while it is current,
 * and tells its listeners of every host's changes in version order ({@link SharedFeed}).
 *
 * <p>A value is kept in the backend as the durable file keeps it ({@link StoredEntry}): a head describing
 * it and its bytes, a mesh as the protocol's mesh map, with a CRC-32C that is checked when it is read.
 */
final class SharedStore implements SessionStore {
    private final URI where;
    private final StoreLog log;
    private final LongSupplier clock;
    private final DecodedCache cache = new DecodedCache();
    private final HeapAccount account;
    private final ReentrantLock tellLock = new ReentrantLock();
    private final SessionListeners listeners;
    private final Reachability reach;
    private final SharedFeed feed;
    private final Object backendLock = new Object();
    private SessionBackend backend;
    private volatile SharedSession session;
    private volatile String problem;
    private volatile String sessionId;
    private volatile boolean closed;

    /**
     * @param where the session's URI
     * @param budgetBytes the memory account's limit; 0 or less for 60 % of the maximum heap
     * @param clock gives the time of writes, epoch milliseconds
     * @param log where it reports
     */
    SharedStore(URI where, long budgetBytes, LongSupplier clock, StoreLog log) {
        this.where = where;
        this.log = log;
        this.clock = clock;
        this.account = new HeapAccount(budgetBytes, cache::usedBytes);
        this.listeners = new SessionListeners(tellLock, () -> log);
        this.reach = new Reachability(where.toString(), log);
        this.problem = "no bundle serves '" + where.getScheme() + "' sessions (for redis:// it is meshport-session-redis)";
        this.feed = new SharedFeed(this, log);
        log.info("session " + where + " is kept outside this host and shared with the hosts given the same URI");
    }

    /** Serves the session through a backend that arrived, when it is of the session's scheme and none serves it yet. */
    void backendArrived(SessionBackend b, Object scheme) {
        if (!where.getScheme().equals(scheme)) {
            return;
        }
        synchronized (backendLock) {
            if (backend != null || closed) {
                return;
            }
            try {
                session = b.open(where);
                backend = b;
            } catch (RuntimeException e) {
                problem = "the '" + where.getScheme() + "' backend does not open it: " + e.getMessage();
                log.error("session " + where + ": " + problem);
                return;
            }
        }
        log.info("session " + where + " is served by " + b.getClass().getName());
        feed.start();
    }

    /** Stops serving through a backend that left; requests get UNAVAILABLE until the next one arrives. */
    void backendLeft(SessionBackend b) {
        SharedSession s;
        synchronized (backendLock) {
            if (backend != b) {
                return;
            }
            backend = null;
            s = session;
            session = null;
            problem = "its backend bundle is being replaced or was stopped";
        }
        s.close();
        log.info("session " + where + " waits for its backend: " + problem);
    }

    /** Ends serving: the feed stops, the backend's session is closed. */
    void close() {
        SharedSession s;
        synchronized (backendLock) {
            closed = true;
            backend = null;
            s = session;
            session = null;
            problem = "the session store stopped";
        }
        feed.stop();
        if (s != null) {
            s.close();
        }
        cache.clear();
    }

    /** @return the backend's session, or UNAVAILABLE saying why there is none */
    private SharedSession session(long ticket) {
        SharedSession s = session;
        if (s == null) {
            throw reach.failed(new MeshportException(ErrorCode.UNAVAILABLE, "the shared session " + where + " cannot be used: " + problem), ticket);
        }
        return s;
    }

    /** Calls the backend, noting whether it answered. */
    <T> T call(java.util.function.Function<SharedSession, T> op) {
        long ticket = reach.begin();
        SharedSession s = session(ticket);
        T r;
        try {
            r = op.apply(s);
        } catch (MeshportException e) {
            throw reach.failed(e, ticket);
        }
        reach.answered(ticket);
        return r;
    }

    @Override
    public String sessionId() {
        String id = sessionId;
        if (id == null) {
            id = call(SharedSession::sessionId);
            sessionId = id;
        }
        return id;
    }

    @Override
    public long currentVersion() {
        return call(SharedSession::currentVersion);
    }

    @Override
    public SessionEntry put(String key, String codec, long payloadBytes, SessionValue value, long ifVersion, String requestToken) {
        StoreChecks.checkKey(key);
        StoreChecks.checkToken(requestToken);
        byte form = StoredEntry.formOf(value);
        if (form == 0) {
            throw new MeshportException(ErrorCode.BAD_REQUEST, "a value of kind '" + value.kind() + "' ("
                    + value.value().getClass().getName() + ") cannot be kept in a shared session: only meshes and bytes can");
        }
        makeRoom(key, value.retainedBytes());
        long updated = clock.getAsLong();
        byte[] body;
        try {
            body = StoredEntry.valueBytes(value, form);
        } catch (IllegalArgumentException e) {
            throw new MeshportException(ErrorCode.BAD_REQUEST, "'" + key + "' cannot be kept in a shared session: " + e.getMessage());
        }
        CRC32C crc = new CRC32C();
        crc.update(body);
        byte[] head = StoredEntry.encode(new StoredEntry.Header(key, 0, codec, payloadBytes, updated, value.kind(),
                value.retainedBytes(), SummaryBytes.encode(value.summary()), form, body.length, (int) crc.getValue()));
        WriteOutcome out = call(s -> s.write(RecordWrite.put(key, ifVersion, requestToken, head, body)));
        if (out.replayed()) {
            throw new AlreadyAppliedException(write(out));
        }
        SessionEntry entry = new SessionEntry(key, out.version(), codec, payloadBytes, updated, value);
        cache.put(entry);
        return entry;
    }

    /** Gives up cached values until a value of {@code bytes} fits, or refuses it with OVERLOADED. */
    private void makeRoom(String key, long bytes) {
        long more = bytes - cache.retainedOf(key);
        if (more > 0 && !cache.makeRoom(key, () -> account.fits(more))) {
            throw StoreChecks.full(account, cache.usedBytes(), more);
        }
    }

    @Override
    public long delete(String key, long ifVersion, String requestToken) {
        StoreChecks.checkKey(key);
        StoreChecks.checkToken(requestToken);
        WriteOutcome out = call(s -> s.write(RecordWrite.delete(key, ifVersion, requestToken)));
        if (out.replayed()) {
            throw new AlreadyAppliedException(write(out));
        }
        cache.forgetOlder(key, Long.MAX_VALUE);
        return out.version();
    }

    @Override
    public Optional<SessionWrite> recall(String requestToken) {
        if (requestToken == null) {
            return Optional.empty();
        }
        WriteOutcome out = call(s -> s.recall(requestToken));
        return out == null ? Optional.empty() : Optional.of(write(out));
    }

    /** @return what a write did, as a request token recalls it */
    private SessionWrite write(WriteOutcome out) {
        if (out.isDelete()) {
            return new SessionWrite(out.key(), out.version(), SessionChange.Type.DELETE, null, Map.of());
        }
        StoredEntry.Header h = header(out.key(), out.head());
        return new SessionWrite(out.key(), out.version(), SessionChange.Type.PUT, h.kind(), SummaryBytes.decode(h.summary()));
    }

    /**
     * Asks the backend for the key's current version only: the value is the one held decoded when it is of
     * that version, else it is read when first asked for (a put's check of {@code ifVersion} reads no value).
     */
    @Override
    public Optional<SessionEntry> get(String key) {
        StoreChecks.checkKey(key);
        StoredRecord r = call(s -> s.head(key));
        if (r == null) {
            cache.forgetOlder(key, Long.MAX_VALUE);
            return Optional.empty();
        }
        return Optional.of(describe(r));
    }

    /** @return the record's entry, from the cache or read and decoded, or null when its body is no longer kept */
    private SessionEntry read(StoredRecord r) {
        SessionEntry e = cache.get(r.key(), r.version());
        if (e != null) {
            return e;
        }
        StoredEntry.Header h = header(r.key(), r.head());
        byte[] body = call(s -> s.body(r));
        if (body == null) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(body);
        if (body.length != h.size() || (int) crc.getValue() != h.crc()) {
            log.error("the shared session's value of '" + r.key() + "' (version " + r.version() + ") is damaged: "
                    + body.length + " bytes where " + h.size() + " were written, or a different CRC-32C; it is not served");
            throw new MeshportException(ErrorCode.INTERNAL, "the shared session's value of '" + r.key() + "' (version "
                    + r.version() + ") is damaged; it is not served");
        }
        try {
            e = StoredEntry.entry(withVersion(h, r.version()), body);
        } catch (IOException x) {
            throw new MeshportException(ErrorCode.INTERNAL, "the shared session's value of '" + r.key() + "' (version "
                    + r.version() + ") does not read: " + x.getMessage());
        }
        makeRoom(r.key(), e.value().retainedBytes());
        cache.put(e);
        return e;
    }

    @Override
    public List<SessionEntry> list(String prefix) {
        List<StoredRecord> records = call(s -> s.list(prefix == null ? "" : prefix));
        List<SessionEntry> out = new ArrayList<>(records.size());
        for (StoredRecord r : records) {
            out.add(describe(r));
        }
        return out;
    }

    /** @return the record's entry: the cached one when it is of this version, else one whose value is read when asked for */
    SessionEntry describe(StoredRecord r) {
        SessionEntry cached = cache.get(r.key(), r.version());
        if (cached != null) {
            return cached;
        }
        StoredEntry.Header h = header(r.key(), r.head());
        Supplier<Object> reader = () -> {
            SessionEntry e = read(r);
            if (e == null) {
                throw missing(r);
            }
            return e.value().value();
        };
        SessionValue value = SessionValue.deferred(h.kind(), reader, SummaryBytes.decode(h.summary()), h.retainedBytes());
        return new SessionEntry(r.key(), r.version(), h.codec(), h.payloadBytes(), h.updated(), value);
    }

    /** @return why a record's value could not be read: replaced long enough ago, or lost from the backend */
    private MeshportException missing(StoredRecord r) {
        StoredRecord now = call(s -> s.head(r.key()));
        if (now == null || now.version() != r.version()) {
            return new MeshportException(ErrorCode.NOT_FOUND, "version " + r.version() + " of '" + r.key()
                    + "' is no longer kept: the key was written again or deleted since");
        }
        log.error("the shared session's value of '" + r.key() + "' (version " + r.version() + ") is missing from " + where
                + " (evicted by maxmemory-policy, or lost in a restart without persistence?)");
        return new MeshportException(ErrorCode.INTERNAL, "the value of '" + r.key() + "' (version " + r.version()
                + ") is missing from the shared session's store; it is not served");
    }

    /** Tells the listeners of changes read from the backend, in version order; forgets values they replace. */
    void tell(List<StoredChange> changes) {
        for (StoredChange c : changes) {
            cache.forgetOlder(c.key(), c.version());
            SessionChange change = c.isDelete() ? new SessionChange(c.key(), c.version(), SessionChange.Type.DELETE, null)
                    : new SessionChange(c.key(), c.version(), SessionChange.Type.PUT, describe(c.record()));
            tellLock.lock();
            try {
                listeners.tell(change);
            } finally {
                tellLock.unlock();
            }
        }
    }

    @Override
    public Subscription subscribe(String prefix, SessionListener listener) {
        return listeners.subscribe(prefix, listener);
    }

    @Override
    public long usedBytes() {
        return cache.usedBytes();
    }

    @Override
    public long budgetBytes() {
        return account.limitBytes();
    }

    @Override
    public MemoryAccount memory() {
        return account;
    }

    /** @return a head the store wrote, read again */
    private StoredEntry.Header header(String key, byte[] head) {
        try {
            return StoredEntry.decode(head);
        } catch (IOException e) {
            throw new MeshportException(ErrorCode.INTERNAL, "the shared session's head of '" + key + "' does not read: "
                    + e.getMessage());
        }
    }

    private static StoredEntry.Header withVersion(StoredEntry.Header h, long version) {
        return new StoredEntry.Header(h.key(), version, h.codec(), h.payloadBytes(), h.updated(), h.kind(), h.retainedBytes(),
                h.summary(), h.form(), h.size(), h.crc());
    }
}
