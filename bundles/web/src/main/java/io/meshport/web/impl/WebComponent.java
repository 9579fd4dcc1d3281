package io.meshport.web.impl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;
import org.osgi.util.tracker.ServiceTracker;

import io.meshport.listener.ListenerStatus;
import io.meshport.node.NodeGraph;
import io.meshport.session.SessionStore;
import io.meshport.web.WebStatus;

/**
 * The page's component. It reads its settings (PID {@value WebSettings#PID}, with the command line's
 * framework properties {@code meshport.web.*} on top), starts an Apache Felix HTTP Jetty instance of
 * its own through a factory configuration of {@code org.apache.felix.http} (so that it never shares a
 * port or a context with what an embedding application serves), and registers the page's servlets and
 * its token filter on the Servlet Whiteboard, targeted at that instance only. Once they are there it
 * registers {@link WebStatus} and logs {@code page served at http://ADDR:PORT/}.
 *
 * <p>The session store, the listener and the node graph are dynamic references: when one of them is
 * updated, the page keeps running, its requests answer 503 meanwhile, and the pages' event streams
 * reconnect to the new store by themselves.
 */
@Component(service = {}, immediate = true, configurationPid = WebSettings.PID)
@org.osgi.service.metatype.annotations.Designate(ocd = WebMetatype.class)
public final class WebComponent {
    /** The factory PID of Felix HTTP's Jetty instances. */
    static final String FELIX_HTTP_FACTORY = "org.apache.felix.http";
    /** The runtime property naming this component's instance (set through Felix's runtime.init. prefix). */
    static final String INSTANCE_PROPERTY = "meshport.web.instance";
    /** How long Jetty may take to serve before the component says it did not. */
    static final long START_TIMEOUT_S = 10;

    @Reference(service = LoggerFactory.class)
    private volatile Logger logger;

    @Reference
    private ConfigurationAdmin configAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile NodeGraph graph;

    private volatile ListenerStatus listener;
    private volatile SessionStore store;

    private final String instance = UUID.randomUUID().toString();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private WebSettings settings;
    private SessionFeed feed;
    private BundleContext context;
    private Configuration jetty;
    private ServiceTracker<Object, Object> runtimes;
    private ScheduledExecutorService timer;
    private boolean started;
    private boolean stopped;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindStore(SessionStore s) {
        store = s;
        SessionFeed f = feedOrNull();
        if (f != null) {
            f.attach(s);
        }
    }

    void unbindStore(SessionStore s) {
        if (store == s) {
            store = null;
        }
        SessionFeed f = feedOrNull();
        if (f != null) {
            f.detach(s);
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindListener(ListenerStatus l) {
        listener = l;
        maybeStart(); // a bind beyond loopback waits for the listener to say whether there is a token
    }

    void unbindListener(ListenerStatus l) {
        if (listener == l) {
            listener = null;
        }
    }

    private synchronized SessionFeed feedOrNull() {
        return feed;
    }

    @Activate
    void activate(BundleContext ctx, Map<String, Object> config) {
        List<String> problems = new ArrayList<>();
        WebSettings s;
        try {
            s = WebSettings.from(config, ctx::getProperty, problems);
        } catch (IllegalArgumentException e) {
            logger.error("the page cannot be served: {}", e.getMessage());
            throw e;
        }
        for (String p : problems) {
            logger.warn("web configuration: {}", p);
        }
        synchronized (this) {
            context = ctx;
            settings = s;
            if (!s.enabled) {
                logger.info("the web page is off (meshport.web.enabled=false)");
                return;
            }
            feed = new SessionFeed(s.maxStreams);
            SessionStore st = store;
            if (st != null) {
                feed.attach(st);
            }
        }
        maybeStart();
    }

    /** Starts Jetty once it is safe: on loopback at once, beyond it once the listener says there is a token. */
    private synchronized void maybeStart() {
        if (settings == null || !settings.enabled || started || stopped) {
            return;
        }
        ListenerStatus l = listener;
        if (!settings.bindAddress.isLoopbackAddress() && l == null) {
            logger.info("the page waits for the socket listener: it binds beyond loopback only with the socket's token");
            return;
        }
        String unsafe = settings.unsafeBind(l != null && l.tokenRequired());
        if (unsafe != null) {
            logger.error("{}", unsafe);
            return;
        }
        started = true;
        try {
            runtimes = trackRuntime();
            jetty = configAdmin.getFactoryConfiguration(FELIX_HTTP_FACTORY, "meshport-web", "?");
            jetty.update(jettyProperties());
        } catch (IOException | InvalidSyntaxException e) {
            logger.error("the page cannot be served: its HTTP server could not be configured: {}", e.toString());
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "meshport-web-start-check");
            t.setDaemon(true);
            return t;
        });
        timer.schedule(this::checkServing, START_TIMEOUT_S, TimeUnit.SECONDS);
    }

    private Dictionary<String, Object> jettyProperties() {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("org.osgi.service.http.port", Integer.toString(settings.port)); // 0: Felix picks a free one and reports it
        p.put("org.apache.felix.http.host", settings.bindAddress.getHostAddress());
        p.put("org.apache.felix.http.enable", "true");
        p.put("org.apache.felix.https.enable", "false");
        p.put("org.apache.felix.http.name", "meshport-web");
        p.put("org.apache.felix.http.jetty.sendServerHeader", "false");
        p.put("org.apache.felix.http.runtime.init." + INSTANCE_PROPERTY, instance);
        return p;
    }

    private ServiceTracker<Object, Object> trackRuntime() throws InvalidSyntaxException {
        String filter = "(&(objectClass=org.osgi.service.servlet.runtime.HttpServiceRuntime)(" + INSTANCE_PROPERTY + "=" + instance + "))";
        ServiceTracker<Object, Object> t = new ServiceTracker<>(context, context.createFilter(filter), null) {
            @Override
            public Object addingService(ServiceReference<Object> ref) {
                serve(ref);
                return ref;
            }

            @Override
            public void removedService(ServiceReference<Object> ref, Object service) {
                withdraw();
            }
        };
        t.open(true);
        return t;
    }

    /** The Jetty instance is up: put the page on it. */
    private synchronized void serve(ServiceReference<?> runtime) {
        if (stopped) {
            return;
        }
        withdrawLocked();
        Object port = runtime.getProperty("org.osgi.service.http.port");
        String host = settings.bindAddress.getHostAddress();
        String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/";
        String target = "(" + INSTANCE_PROPERTY + "=" + instance + ")";
        String threeVersion = context.getBundle().getHeaders().get("Meshport-Three-Version");
        PageServlet page = new PageServlet(threeVersion == null ? "dev" : threeVersion);
        register(Filter.class, new TokenFilter(() -> listener, page.contentSecurityPolicy(),
                new PageHosts(settings.bindAddress, settings.bindText)), target, "filter", "/*");
        register(Servlet.class, page, target, "servlet", "/");
        register(Servlet.class, new MeshServlet(() -> store), target, "servlet", "/api/mesh");
        register(Servlet.class, new EntryServlet(() -> store), target, "servlet", "/api/entry");
        register(Servlet.class, new EventsServlet(feed), target, "servlet", "/api/events");
        register(Servlet.class, new NodesServlet(() -> graph), target, "servlet", "/api/nodes", "/api/nodes/*");
        ListenerStatus l = listener;
        boolean token = l != null && l.tokenRequired();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(WebStatus.URL_PROPERTY, url);
        registrations.add(context.registerService(WebStatus.class, new WebStatus() {
            @Override
            public String url() {
                return url;
            }

            @Override
            public boolean tokenRequired() {
                ListenerStatus now = listener;
                return now == null || now.tokenRequired();
            }
        }, props));
        logger.info("page served at {} ({})", url, token ? "the host's token required" : "no token: loopback only");
    }

    private void register(Class<?> type, Object service, String target, String kind, String... patterns) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_TARGET, target);
        p.put(kind.equals("filter") ? HttpWhiteboardConstants.HTTP_WHITEBOARD_FILTER_PATTERN : HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN,
                patterns.length == 1 ? patterns[0] : patterns);
        p.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_SELECT,
                "(" + HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME + "=" + HttpWhiteboardConstants.HTTP_WHITEBOARD_DEFAULT_CONTEXT_NAME + ")");
        registrations.add(context.registerService(type.getName(), service, p));
    }

    private synchronized void withdraw() {
        withdrawLocked();
    }

    private void withdrawLocked() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
        registrations.clear();
    }

    private synchronized void checkServing() {
        if (!stopped && registrations.isEmpty()) {
            logger.error("the page is not served on {}:{} after {} s: the HTTP server did not start (is the port in use? see"
                    + " Felix HTTP's message above)", settings.bindAddress.getHostAddress(), settings.port, START_TIMEOUT_S);
        }
    }

    @Deactivate
    void deactivate() {
        Configuration c;
        synchronized (this) {
            stopped = true;
            withdrawLocked();
            if (runtimes != null) {
                runtimes.close();
            }
            if (timer != null) {
                timer.shutdownNow();
            }
            if (feed != null) {
                feed.close(); // the streams' threads return, so that Jetty can stop
            }
            c = jetty;
            jetty = null;
        }
        if (c != null) {
            try {
                c.delete(); // stops the Jetty instance and frees the port
            } catch (IOException | IllegalStateException e) {
                logger.warn("the page's HTTP server configuration could not be removed: {}", e.toString());
            }
        }
    }
}
