package io.meshport.session.impl;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

import io.meshport.session.MemoryAccount;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionListener;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;
import io.meshport.session.SessionWrite;
import io.meshport.session.backend.SessionBackend;
import io.meshport.swap.HandOver;

/**
 * The session store service: the session this host keeps (in memory, durable in its file) or one kept
 * outside the host by the {@link SessionBackend} of its URI's scheme, shared with other hosts.
 */
@Component(service = SessionStore.class, immediate = true, configurationPid = SessionStoreImpl.PID)
@Designate(ocd = StoreConfig.class)
public final class SessionStoreComponent implements SessionStore {
    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Logger logger;
    private final Logger startLog;
    private final StoreLog log = new StoreLog(() -> logger != null ? logger : startLog());
    private final BundleContext context;
    private final SessionStoreImpl local;
    private final SharedStore shared;
    private final SessionStore session;

    /**
     * @param config the configuration
     * @param context the bundle's context
     * @param handOver keeps a local session in memory across an update, when the host has it
     * @param backends the session backends registered, whiteboard
     * @param startLog where starting reports
     */
    @Activate
    public SessionStoreComponent(StoreConfig config, BundleContext context,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL) HandOver handOver,
            @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL) Logger startLog) {
        this.context = context;
        this.startLog = startLog;
        StorePlace place = StorePlace.of(config, context);
        if (place.shared() != null) {
            shared = new SharedStore(place.shared(), config.memoryBudgetBytes(), System::currentTimeMillis, log);
            local = null;
            session = shared;
        } else {
            local = new SessionStoreImpl(config, place, context, handOver, log);
            shared = null;
            session = local;
        }
    }

    private Logger startLog() {
        return startLog;
    }

    /** A backend arrived: a shared session of its scheme is served through it. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addBackend(SessionBackend backend, Map<String, Object> properties) {
        if (shared != null) {
            shared.backendArrived(backend, properties.get(SessionBackend.SCHEME));
        }
    }

    /** A backend left (its bundle is updating or stopped): its shared session waits for the next. */
    void removeBackend(SessionBackend backend) {
        if (shared != null) {
            shared.backendLeft(backend);
        }
    }

    @Deactivate
    void deactivate(int reason) {
        if (shared != null) {
            shared.close();
            return;
        }
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        boolean hostStopping = system != null && (system.getState() & (Bundle.STOPPING | Bundle.RESOLVED)) != 0;
        local.deactivate(reason, hostStopping);
    }

    @Override
    public String sessionId() {
        return session.sessionId();
    }

    @Override
    public long currentVersion() {
        return session.currentVersion();
    }

    @Override
    public SessionEntry put(String key, String codec, long payloadBytes, SessionValue value, long ifVersion, String requestToken) {
        return session.put(key, codec, payloadBytes, value, ifVersion, requestToken);
    }

    @Override
    public long delete(String key, long ifVersion, String requestToken) {
        return session.delete(key, ifVersion, requestToken);
    }

    @Override
    public Optional<SessionWrite> recall(String requestToken) {
        return session.recall(requestToken);
    }

    @Override
    public Optional<SessionEntry> get(String key) {
        return session.get(key);
    }

    @Override
    public List<SessionEntry> list(String prefix) {
        return session.list(prefix);
    }

    @Override
    public Subscription subscribe(String prefix, SessionListener listener) {
        return session.subscribe(prefix, listener);
    }

    @Override
    public long usedBytes() {
        return session.usedBytes();
    }

    @Override
    public long budgetBytes() {
        return session.budgetBytes();
    }

    @Override
    public MemoryAccount memory() {
        return session.memory();
    }
}
