package io.meshport.listener.impl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import io.meshport.support.Log;
import io.meshport.support.RankedServices;

/**
 * Named whiteboard services ({@link RankedServices}) that remember which bundle each came from. A request
 * for a name that just lost its service waits a moment for a successor, as for a bundle being updated; once
 * the bundle that served it last turns out uninstalled, nothing will take its place, so waiting requests are
 * answered at once and later ones are not held either.
 *
 * @param <T> what a registration carries
 */
final class Whiteboard<T> {
    /** The bundle of a service added without one (tests): never uninstalled. */
    static final long NO_BUNDLE = -1;

    private final RankedServices<T> services;
    /** The bundle of each service, by service id; guarded by this. */
    private final Map<Long, Long> bundles = new HashMap<>();
    /** For each name no service serves now: the bundle of the service that served it last; guarded by this. */
    private final Map<String, Long> leftWith = new HashMap<>();

    /**
     * @param what what the names are, for messages (e.g. "codec id")
     * @param log where conflicts are reported
     */
    Whiteboard(String what, Log log) {
        this.services = new RankedServices<>(what, log);
    }

    /**
     * @param e the service
     * @param bundleId the id of the bundle providing it, or {@link #NO_BUNDLE}
     */
    synchronized void add(RankedServices.Entry<T> e, long bundleId) {
        bundles.put(e.serviceId(), bundleId);
        leftWith.remove(e.name());
        services.add(e);
    }

    /** @param serviceId the id of a service that left */
    synchronized void remove(long serviceId) {
        Long bundle = bundles.remove(serviceId);
        // No lambda nor stream: a listener update removes and adds these while clients wait (see DaemonThreads).
        for (String name : services.remove(serviceId)) {
            if (services.get(name) == null && bundle != null) {
                leftWith.put(name, bundle);
            }
        }
    }

    /**
     * A bundle was uninstalled: the names its services served last will not come back.
     *
     * @param bundleId its id
     */
    synchronized void uninstalled(long bundleId) {
        List<String> gone = new ArrayList<>();
        for (Iterator<Map.Entry<String, Long>> it = leftWith.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Long> l = it.next();
            if (l.getValue() == bundleId) {
                gone.add(l.getKey());
                it.remove();
            }
        }
        for (String name : gone) {
            services.departed(name);
        }
    }

    /** @return the entry serving a name, or null */
    RankedServices.Entry<T> get(String name) {
        return services.get(name);
    }

    /**
     * @param name a name
     * @param maxWaitMillis the longest wait for a successor when its service left a moment ago
     * @return the entry serving it, or null
     */
    RankedServices.Entry<T> await(String name, long maxWaitMillis) {
        return services.await(name, maxWaitMillis);
    }

    /** @return the names served, sorted */
    List<String> names() {
        return services.names();
    }
}
