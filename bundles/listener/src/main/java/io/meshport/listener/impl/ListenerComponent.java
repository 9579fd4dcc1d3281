package io.meshport.listener.impl;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.ComponentConstants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.util.tracker.ServiceTracker;

import io.meshport.codec.PayloadCodec;
import io.meshport.listener.ListenerConfiguration;
import io.meshport.listener.ListenerStatus;
import io.meshport.protocol.ExportedService;
import io.meshport.session.SessionStore;
import io.meshport.support.Log;
import io.meshport.swap.HandOver;
import io.meshport.swap.ListeningSockets;

/**
 * The listener component: reads its configuration (PID {@value ListenerConfiguration#PID}, with the
 * command line's framework properties on top), follows the codecs on the whiteboard, and runs a
 * {@link SocketServer} for as long as it is active. It binds its port as soon as the session store is
 * there (immediate); once the codecs and services it requires are served ({@link AcceptGate}) it accepts
 * clients, registers {@link ListenerStatus} and says {@code listening on ADDR:PORT} in the log.
 */
@Component(service = {}, immediate = true, configurationPid = ListenerConfiguration.PID)
@org.osgi.service.metatype.annotations.Designate(ocd = ListenerMetatype.class)
public final class ListenerComponent implements ListenerStatus {
    @Reference
    private SessionStore store;

    @Reference(service = LoggerFactory.class)
    private volatile Logger logger;

    /** Keeps the port bound across an update of this bundle, when the host has it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
    private ListeningSockets sockets;

    /** Tells a restarted listener what its predecessor served (see AcceptGate), when the host has it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
    private HandOver handOver;

    private final Log log = Log.osgi(new Supplier<Logger>() { // no lambdas on the update's path: see DaemonThreads
        @Override
        public Logger get() {
            return logger;
        }
    });
    private final CodecRegistry codecs = new CodecRegistry(log);
    private final ExportRegistry exports = new ExportRegistry(log);
    private ServiceTracker<Object, Object> exported;
    private volatile SocketServer server;
    private volatile AcceptGate gate;
    /** This as {@link ListenerStatus}, registered while clients are accepted; guarded by this. */
    private ServiceRegistration<ListenerStatus> status;
    private InetSocketAddress requested;
    private BundleContext context;

    /** Tells the registries which bundles were uninstalled: what those served is not waited for as for an update. */
    private final SynchronousBundleListener uninstalls = new SynchronousBundleListener() {
        @Override
        public void bundleChanged(BundleEvent event) {
            if (event.getType() == BundleEvent.UNINSTALLED) {
                codecs.uninstalled(event.getBundle().getBundleId());
                exports.uninstalled(event.getBundle().getBundleId());
            }
        }
    };

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindCodec(PayloadCodec codec, ServiceReference<PayloadCodec> ref) {
        Object id = ref.getProperty(PayloadCodec.ID);
        Object progressive = ref.getProperty(PayloadCodec.PROGRESSIVE);
        codecs.add((Long) ref.getProperty(Constants.SERVICE_ID), bundleId(ref), id instanceof String ? (String) id : null, ranking(ref),
                owner(ref), codec, Boolean.TRUE.equals(progressive) || "true".equals(progressive));
        AcceptGate g = gate;
        if (g != null) {
            g.check();
        }
    }

    void updatedCodec(PayloadCodec codec, ServiceReference<PayloadCodec> ref) {
        codecs.remove((Long) ref.getProperty(Constants.SERVICE_ID));
        bindCodec(codec, ref);
    }

    void unbindCodec(PayloadCodec codec, ServiceReference<PayloadCodec> ref) {
        codecs.remove((Long) ref.getProperty(Constants.SERVICE_ID));
    }

    /**
     * Starts the listener. The configuration is typed by {@link ListenerConfiguration} (its metatype is
     * published), and read here from its properties, so that a value that does not parse is reported and
     * replaced by its default, and the command line's framework properties go on top
     * ({@link ListenerSettings#from}).
     */
    @Activate
    void activate(BundleContext ctx, Map<String, Object> config) throws Exception {
        this.context = ctx;
        List<String> problems = new ArrayList<>();
        ListenerSettings limits;
        try {
            String data = ctx.getProperty("meshport.data");
            limits = ListenerSettings.from(config, new Function<String, String>() {
                @Override
                public String apply(String name) {
                    return ctx.getProperty(name);
                }
            }, problems,
                    data != null ? java.nio.file.Paths.get(data) : ctx.getDataFile("").toPath());
        } catch (IllegalArgumentException e) {
            logger.error("the listener cannot start: {}", e.getMessage());
            throw e;
        }
        for (String p : problems) {
            logger.warn("listener configuration: {}", p);
        }
        ctx.addBundleListener(uninstalls);
        exported = trackExports(ctx);
        SessionStore s = store;
        SocketServer srv = new SocketServer(limits, new Supplier<SessionStore>() {
            @Override
            public SessionStore get() {
                return s;
            }
        }, codecs, exports, log);
        if (sockets != null) {
            srv.borrowSocketsFrom(sockets);
        }
        Object servedBefore = handOver == null ? null : handOver.take(AcceptGate.SERVED).orElse(null);
        if (handOver != null) {
            srv.uploads.adopt(handOver.take(Uploads.HAND_OVER).orElse(null));
        }
        AcceptGate g = new AcceptGate(limits, servedBefore, codecs, exports, log, new Runnable() { // not a lambda: see DaemonThreads
            @Override
            public void run() {
                serve(srv, false);
            }
        });
        boolean ready = g.ready(); // a listener update finds everything there: no waiting, no thread
        try {
            srv.start(ready);
        } catch (Exception e) {
            logger.error("the listener cannot start: {}", e.getMessage());
            exported.close();
            ctx.removeBundleListener(uninstalls);
            throw e;
        }
        requested = new InetSocketAddress(limits.bindAddress, limits.port);
        if (limits.generatedTokenFile != null) {
            logger.warn("no token is configured and the listener binds {}: clients must send the token kept in {} (readable by"
                    + " this user only)", limits.bindAddress.getHostAddress(), limits.generatedTokenFile);
        }
        synchronized (this) {
            server = srv;
            gate = g;
        }
        if (ready) {
            serve(srv, true);
        } else {
            g.startWaiting();
        }
    }

    /**
     * Accepts clients, registers the status and says where: at once from {@link #activate}, else from the
     * gate's thread once what is required is served.
     *
     * @param accepting the server accepts already (it started so)
     */
    private void serve(SocketServer srv, boolean accepting) {
        synchronized (this) {
            if (server != srv || status != null) {
                return; // stopped meanwhile
            }
            if (!accepting) {
                srv.acceptConnections();
            }
            status = context.registerService(ListenerStatus.class, this, null);
        }
        InetSocketAddress a = srv.address();
        logger.info("listening on {}:{}{}{}", a.getAddress().getHostAddress(), a.getPort(), srv.limits.tls != null ? " with TLS" : "",
                srv.limits.tokenRequired() ? " (token required)" : "");
    }

    /**
     * Follows the services exported to remote callers: any service with the property
     * {@value ExportedService#PROPERTY}, whatever its interfaces (a DS reference would need one).
     */
    private ServiceTracker<Object, Object> trackExports(BundleContext ctx) throws InvalidSyntaxException {
        ServiceTracker<Object, Object> t = new ServiceTracker<>(ctx, ctx.createFilter("(" + ExportedService.PROPERTY + "=*)"), null) {
            @Override
            public Object addingService(ServiceReference<Object> ref) {
                Object service = ctx.getService(ref);
                if (service != null) {
                    exports.add((Long) ref.getProperty(Constants.SERVICE_ID), bundleId(ref), ref.getProperty(ExportedService.PROPERTY),
                            ranking(ref), owner(ref), service, interfaces(ref));
                    AcceptGate g = gate;
                    if (g != null) {
                        g.check();
                    }
                }
                return service;
            }

            @Override
            public void modifiedService(ServiceReference<Object> ref, Object service) {
                exports.remove((Long) ref.getProperty(Constants.SERVICE_ID));
                exports.add((Long) ref.getProperty(Constants.SERVICE_ID), bundleId(ref), ref.getProperty(ExportedService.PROPERTY),
                        ranking(ref), owner(ref), service, interfaces(ref));
            }

            @Override
            public void removedService(ServiceReference<Object> ref, Object service) {
                exports.remove((Long) ref.getProperty(Constants.SERVICE_ID));
                ctx.ungetService(ref);
            }
        };
        t.open(true);
        return t;
    }

    /** @return the interfaces a service is registered under, loaded as the service's own bundle sees them */
    private List<Class<?>> interfaces(ServiceReference<?> ref) {
        List<Class<?>> out = new ArrayList<>();
        Bundle b = ref.getBundle();
        Object names = ref.getProperty(Constants.OBJECTCLASS);
        if (b != null && names instanceof String[]) {
            for (String n : (String[]) names) {
                try {
                    out.add(b.loadClass(n));
                } catch (ClassNotFoundException e) {
                    log.warn("the exported service '" + ref.getProperty(ExportedService.PROPERTY) + "' names the type " + n
                            + ", which its bundle cannot load; its methods are not callable", null);
                }
            }
        }
        return out;
    }

    private static int ranking(ServiceReference<?> ref) {
        Object r = ref.getProperty(Constants.SERVICE_RANKING);
        return r instanceof Integer ? (Integer) r : 0;
    }

    private static long bundleId(ServiceReference<?> ref) {
        Bundle b = ref.getBundle();
        return b == null ? Whiteboard.NO_BUNDLE : b.getBundleId();
    }

    private static String owner(ServiceReference<?> ref) {
        Bundle b = ref.getBundle();
        return b == null ? "?" : b.getSymbolicName() + " " + b.getVersion();
    }

    @Deactivate
    void deactivate(int reason) {
        SocketServer srv;
        ServiceRegistration<ListenerStatus> reg;
        AcceptGate g;
        synchronized (this) {
            srv = server;
            server = null;
            reg = status;
            status = null;
            g = gate;
            gate = null;
        }
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        boolean hostStopping = system != null && (system.getState() & (Bundle.STOPPING | Bundle.RESOLVED)) != 0;
        if (reg != null) {
            try {
                reg.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
            if (handOver != null && !hostStopping) {
                // Before the exports go below: the next listener of this host waits for these and no more.
                handOver.deposit(AcceptGate.SERVED, AcceptGate.served(codecs, exports));
            }
        }
        if (g != null) {
            g.close();
        }
        if (exported != null) {
            exported.close();
        }
        try {
            context.removeBundleListener(uninstalls);
        } catch (IllegalStateException e) {
            // the bundle stops: its listeners go with it
        }
        if (srv == null) {
            return;
        }
        String bye = hostStopping ? "the host is shutting down" : "the listener is restarting; reconnect";
        int byes = srv.stop(bye, 5000);
        // After the requests received were answered: an upload in progress goes on with the next listener.
        if (handOver != null && !hostStopping) {
            handOver.deposit(Uploads.HAND_OVER, srv.uploads.handOver());
        } else {
            srv.uploads.clear();
        }
        InetSocketAddress a = srv.address();
        boolean moving = reason == ComponentConstants.DEACTIVATION_REASON_CONFIGURATION_MODIFIED
                || reason == ComponentConstants.DEACTIVATION_REASON_CONFIGURATION_DELETED;
        if (sockets != null && (moving || hostStopping)) {
            sockets.release(requested); // the next listener may listen elsewhere: let the port go
        }
        // One line for the whole stop: Felix Log looks up each entry's call site, a measurable part of a
        // hot swap, and a line per client would not tell an operator more.
        logger.info("{} listening on {}:{}{}", moving || hostStopping || sockets == null ? "stopped" : "paused (the port stays bound)",
                a.getAddress().getHostAddress(), a.getPort(), byes == 0 ? "" : "; said bye to " + byes + (byes == 1 ? " client: " : " clients: ") + bye);
    }

    @Override
    public InetSocketAddress address() {
        SocketServer srv = server;
        return srv == null ? null : srv.address();
    }

    @Override
    public int openConnections() {
        SocketServer srv = server;
        return srv == null ? 0 : srv.openConnections();
    }

    @Override
    public boolean acceptsToken(String candidate) {
        SocketServer srv = server;
        return srv != null && srv.limits.tokenMatches(candidate);
    }

    @Override
    public boolean tokenRequired() {
        SocketServer srv = server;
        return srv != null && srv.limits.tokenRequired();
    }
}
