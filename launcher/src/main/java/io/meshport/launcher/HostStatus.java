package io.meshport.launcher;

import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;

/**
 * What a running host's listener and page say of themselves ({@code ListenerStatus}, {@code WebStatus}),
 * looked up in its framework by name and called by reflection: the launcher's class path has its own
 * copy of the API, which is not the class space of the host's bundles. Also waits for them to come up.
 */
final class HostStatus {
    private static final String LISTENER_STATUS = "io.meshport.listener.ListenerStatus";
    private static final String WEB_STATUS = "io.meshport.web.WebStatus";

    private final Framework framework;

    /** @param framework the host's framework, started or not */
    HostStatus(Framework framework) {
        this.framework = framework;
    }

    /** @return true while the framework is starting or running */
    boolean running() {
        return (framework.getState() & (Bundle.STARTING | Bundle.ACTIVE)) != 0;
    }

    /**
     * Waits for the listener to accept connections.
     *
     * @param timeoutMs how long to wait
     * @return where it listens, or null when the host was stopped meanwhile (from the shell, say)
     * @throws IllegalStateException when it did not start in time
     */
    InetSocketAddress awaitListener(long timeoutMs) {
        if (!running()) {
            return null;
        }
        BundleContext ctx = framework.getBundleContext();
        // The status's registration wakes the wait at once; the poll below is what decides.
        CountDownLatch up = new CountDownLatch(1);
        ServiceListener l = e -> {
            if (e.getType() == ServiceEvent.REGISTERED) {
                up.countDown();
            }
        };
        try {
            ctx.addServiceListener(l, "(" + Constants.OBJECTCLASS + "=" + LISTENER_STATUS + ")");
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        try {
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (true) {
                InetSocketAddress a;
                try {
                    a = listenerAddress();
                } catch (IllegalStateException e) {
                    if (!running()) {
                        return null; // stopped while we waited
                    }
                    throw e;
                }
                if (a != null) {
                    return a;
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new IllegalStateException("the listener did not start within " + timeoutMs + " ms; see the log above");
                }
                up.await(Math.min(left, 100), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } finally {
            try {
                ctx.removeServiceListener(l);
            } catch (IllegalStateException e) {
                // the framework stopped
            }
        }
    }

    /** @return where the listener listens now, or null when it is not running */
    InetSocketAddress listenerAddress() {
        BundleContext ctx = framework.getBundleContext();
        if (ctx == null) {
            return null;
        }
        // getAll...: the launcher's class path has its own copy of the API, so the framework would
        // hide the reference from the system bundle as "not assignable".
        ServiceReference<?>[] refs;
        try {
            refs = ctx.getAllServiceReferences(LISTENER_STATUS, null);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (refs == null || refs.length == 0) {
            return null;
        }
        ServiceReference<?> ref = refs[0];
        Object svc = ctx.getService(ref);
        try {
            if (svc == null) {
                return null;
            }
            // The service's interface lives in the framework's class space, not the launcher's.
            Method m = ref.getBundle().loadClass(LISTENER_STATUS).getMethod("address");
            return (InetSocketAddress) m.invoke(svc);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot ask the listener where it listens: " + e, e);
        } finally {
            ctx.ungetService(ref);
        }
    }

    /**
     * Asks the listener whether a token is the host's, without learning the host's token.
     *
     * @param candidate a token, or null to ask whether one is needed at all
     * @return for null: whether a token is required; else whether the listener accepts it
     */
    boolean listenerToken(String candidate) {
        BundleContext ctx = framework.getBundleContext();
        try {
            ServiceReference<?>[] refs = ctx == null ? null : ctx.getAllServiceReferences(LISTENER_STATUS, null);
            if (refs == null || refs.length == 0) {
                return false;
            }
            Object svc = ctx.getService(refs[0]);
            try {
                Class<?> api = refs[0].getBundle().loadClass(LISTENER_STATUS);
                return candidate == null ? (Boolean) api.getMethod("tokenRequired").invoke(svc)
                        : (Boolean) api.getMethod("acceptsToken", String.class).invoke(svc, candidate);
            } finally {
                ctx.ungetService(refs[0]);
            }
        } catch (ReflectiveOperationException | org.osgi.framework.InvalidSyntaxException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Waits for the web page to be served.
     *
     * @param timeoutMs how long to wait
     * @return its address (no token in it), or null when the host stopped or the page did not come up
     *         in time (its bundle logs why)
     */
    String awaitWeb(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (running()) {
            String url = webUrl();
            if (url != null || System.currentTimeMillis() >= deadline) {
                return url;
            }
            Thread.sleep(20);
        }
        return null;
    }

    /** @return where the web page is served now (no token in it), or null */
    String webUrl() {
        BundleContext ctx = framework.getBundleContext();
        if (ctx == null) {
            return null;
        }
        try {
            // The page publishes its address as a service property: no call, so no reflection either.
            ServiceReference<?>[] refs = ctx.getAllServiceReferences(WEB_STATUS, null);
            return refs == null || refs.length == 0 ? null : (String) refs[0].getProperty("meshport.web.url");
        } catch (org.osgi.framework.InvalidSyntaxException | IllegalStateException e) {
            return null;
        }
    }
}
