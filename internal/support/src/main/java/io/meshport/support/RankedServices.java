package io.meshport.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Whiteboard services that claim names (codec ids, node type names), and which one serves each name:
 * the highest service ranking, then the oldest service (lowest service id), as OSGi orders services.
 * A name claimed more than once is logged, saying who serves it. Lookups read an immutable snapshot;
 * registrations rebuild it and return the names whose serving service changed.
 *
 * @param <T> what a registration carries
 */
public final class RankedServices<T> {
    /**
     * One service.
     *
     * @param serviceId its service id
     * @param name the name it claims
     * @param ranking its service ranking
     * @param provider the bundle providing it, for people
     * @param value what it carries
     * @param <T> the carried type
     */
    public record Entry<T>(long serviceId, String name, int ranking, String provider, T value) {
        boolean beats(Entry<?> o) {
            return ranking != o.ranking ? ranking > o.ranking : serviceId < o.serviceId;
        }
    }

    private final String what;
    private final Log log;
    private final Map<Long, Entry<T>> entries = new HashMap<>();
    private volatile Map<String, Entry<T>> byName = Collections.emptyMap();
    /** When each name that is not served now was served last (System.nanoTime), guarded by this. */
    private final Map<String, Long> lastServed = new HashMap<>();
    /** How long after a name stopped being served it counts as "being updated". */
    static final long RECENT_NANOS = 10_000_000_000L;

    /**
     * @param what what the names are, for the conflict message (e.g. "codec id")
     * @param log where conflicts are reported
     */
    public RankedServices(String what, Log log) {
        this.what = what;
        this.log = log;
    }

    /** @return the names whose serving service changed */
    public synchronized Set<String> add(Entry<T> e) {
        entries.put(e.serviceId(), e);
        Set<String> changed = rebuild();
        notifyAll(); // callers waiting for a name that was being updated
        return changed;
    }

    /** @return the names whose serving service changed (none if the service was not here) */
    public synchronized Set<String> remove(long serviceId) {
        return entries.remove(serviceId) == null ? Set.of() : rebuild();
    }

    private Set<String> rebuild() {
        Map<String, Entry<T>> winners = new TreeMap<>();
        Map<String, List<Entry<T>>> claims = new HashMap<>();
        for (Entry<T> e : entries.values()) {
            // No lambda here: the listener rebuilds these as a freshly updated revision starts, where each
            // lambda's first use is linked while clients wait.
            List<Entry<T>> claimed = claims.get(e.name());
            if (claimed == null) {
                claimed = new ArrayList<>();
                claims.put(e.name(), claimed);
            }
            claimed.add(e);
            Entry<T> w = winners.get(e.name());
            if (w == null || e.beats(w)) {
                winners.put(e.name(), e);
            }
        }
        for (Map.Entry<String, List<Entry<T>>> c : claims.entrySet()) {
            if (c.getValue().size() > 1) {
                Entry<T> w = winners.get(c.getKey());
                StringBuilder s = new StringBuilder(what + " '" + c.getKey() + "' is claimed by ");
                for (Entry<T> e : c.getValue()) {
                    s.append(e.provider()).append(" (ranking ").append(e.ranking()).append(", service ").append(e.serviceId()).append("), ");
                }
                s.append("the one from ").append(w.provider()).append(" with ranking ").append(w.ranking()).append(" serves it");
                log.warn(s.toString(), null);
            }
        }
        Map<String, Entry<T>> old = byName;
        Set<String> changed = new HashSet<>();
        for (String n : old.keySet()) {
            if (winners.get(n) != old.get(n)) {
                changed.add(n);
            }
            if (!winners.containsKey(n)) {
                lastServed.put(n, System.nanoTime());
            }
        }
        lastServed.keySet().removeAll(winners.keySet());
        for (String n : winners.keySet()) {
            if (old.get(n) != winners.get(n)) {
                changed.add(n);
            }
        }
        byName = Collections.unmodifiableMap(winners);
        return changed;
    }

    /** @return the entry serving a name, or null */
    public Entry<T> get(String name) {
        return byName.get(name);
    }

    /**
     * The entry serving a name; when none does but one did a moment ago (its bundle is being updated),
     * waits a bounded time for its successor, so that a request arriving during a hot swap is served
     * rather than refused. A name never served, or gone for longer, is answered at once.
     *
     * @param name the name
     * @param maxWaitMillis the longest wait
     * @return the entry, or null
     */
    public Entry<T> await(String name, long maxWaitMillis) {
        Entry<T> e = byName.get(name);
        if (e != null) {
            return e;
        }
        long deadline = System.nanoTime() + maxWaitMillis * 1_000_000;
        synchronized (this) {
            while (true) {
                e = byName.get(name);
                Long gone = lastServed.get(name);
                long now = System.nanoTime();
                if (e != null || gone == null || now - gone > RECENT_NANOS || now >= deadline) {
                    return e;
                }
                try {
                    wait(Math.max(1, (deadline - now) / 1_000_000));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
    }

    /**
     * Says that a name no service serves will not be served again soon: the bundle whose service served it
     * last was uninstalled, not updated. Callers {@linkplain #await waiting} for it get null at once, and so
     * do later ones, until a service claims it again.
     *
     * @param name the name
     */
    public synchronized void departed(String name) {
        if (!byName.containsKey(name) && lastServed.remove(name) != null) {
            notifyAll();
        }
    }

    /** @return the entries serving each name, sorted by name */
    public List<Entry<T>> all() {
        return new ArrayList<>(byName.values());
    }

    /** @return the names served, sorted */
    public List<String> names() {
        return new ArrayList<>(byName.keySet());
    }
}
