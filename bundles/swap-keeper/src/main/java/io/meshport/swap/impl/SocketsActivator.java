package io.meshport.swap.impl;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.osgi.annotation.bundle.Header;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.log.LoggerFactory;

import io.meshport.swap.ListeningSockets;

/**
 * Provides the kept listening sockets ({@link ListeningSockets}) in a way that survives this bundle
 * being stopped: they are registered under the framework's own context, not this bundle's, so an
 * operator's {@code stop} of the keeper (which nothing can refuse) leaves the listener its port, bound
 * and accepting, instead of taking it away (a listener rebinding a port of its own would find it taken,
 * or, configured with port 0, get another). The registration is made once, found again when the
 * keeper starts again, and lasts as long as the framework; the sockets close when the host stops.
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class SocketsActivator implements BundleActivator {
    /** Marks the registration this bundle made, to find it again. */
    static final String KEPT = "meshport.swap.keeper";
    private static final String FILTER = "(" + KEPT + "=true)";

    @Override
    public void start(BundleContext context) throws InvalidSyntaxException {
        BundleContext framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).getBundleContext();
        if (framework.getServiceReferences(ListeningSockets.class.getName(), FILTER) != null) {
            return; // left by an earlier start of this bundle, and still holding the listener's port
        }
        ListeningSocketsImpl sockets = new ListeningSocketsImpl();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(KEPT, Boolean.TRUE);
        framework.registerService(ListeningSockets.class, sockets, props);
        Bundle keeper = context.getBundle();
        framework.addBundleListener(new SynchronousBundleListener() {
            @Override
            public void bundleChanged(BundleEvent event) {
                // The host stops. A running keeper closes the sockets when it is stopped in turn, after the
                // listener (see stop); one an operator stopped before will not, so they close now.
                if (event.getType() == BundleEvent.STOPPING && event.getBundle().getBundleId() == 0
                        && keeper.getState() != Bundle.ACTIVE) {
                    sockets.closeAll();
                }
            }
        });
    }

    @Override
    public void stop(BundleContext context) throws InvalidSyntaxException {
        ServiceReference<?>[] refs = context.getServiceReferences(ListeningSockets.class.getName(), FILTER);
        Object kept = refs == null ? null : context.getService(refs[0]);
        // (Not this class's when an earlier revision of this bundle registered it: nothing to do then.)
        ListeningSocketsImpl sockets = kept instanceof ListeningSocketsImpl ? (ListeningSocketsImpl) kept : null;
        if (kept != null) {
            context.ungetService(refs[0]);
        }
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        if ((system.getState() & (Bundle.STOPPING | Bundle.RESOLVED)) != 0) {
            if (sockets != null) {
                sockets.closeAll(); // the host stops: after the listener, which stopped before this bundle
            }
            return;
        }
        List<String> ports = sockets == null ? List.of() : sockets.ports();
        warn(context, "the swap keeper stops; the listening " + (ports.isEmpty() ? "sockets it keeps stay"
                : (ports.size() == 1 ? "port " : "ports ") + String.join(", ", ports) + " it keeps stays")
                + " bound with the framework, so the listener keeps serving it; what the keeper hands over in memory"
                + " (HandOver) and its commands are gone until it is started again");
    }

    private static void warn(BundleContext context, String message) {
        ServiceReference<LoggerFactory> ref = context.getServiceReference(LoggerFactory.class);
        LoggerFactory f = ref == null ? null : context.getService(ref);
        if (f == null) {
            System.err.println("meshport: " + message); // no log service: the console still hears it
            return;
        }
        try {
            f.getLogger(SocketsActivator.class.getName()).warn("{}", message);
        } finally {
            context.ungetService(ref);
        }
    }
}
