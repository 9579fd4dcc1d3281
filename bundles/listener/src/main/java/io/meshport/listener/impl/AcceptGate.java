package io.meshport.listener.impl;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.meshport.support.Log;

/**
 * What a starting listener waits for before it accepts clients: the codec ids and exported service names
 * its configuration requires ({@code requiredCodecs}, {@code requiredServices}). The bundles of a host
 * start in no fixed order, and a client that connects the moment the port opens must find the whole host,
 * not a part of it; meanwhile clients wait in the listening socket's backlog. The gate opens once all are
 * served, or at the time limit anyway, saying which are missing. A listener that restarts in a running
 * host (an update, a new configuration) waits only for what its predecessor served, which it finds
 * there: it opens at once, with no thread of its own, and never waits for a codec removed before it.
 */
final class AcceptGate implements Runnable {
    /** The {@code HandOver} name under which a stopping listener leaves what it served, for its successor. */
    static final String SERVED = "io.meshport.listener.served";

    private final List<String> codecs;
    private final List<String> services;
    private final long timeoutMs;
    private final CodecRegistry codecRegistry;
    private final ExportRegistry exportRegistry;
    private final Log log;
    private final Runnable open;
    /** The thread waiting for what is missing, if any; guarded by this. */
    private Thread waiter;
    /** Opened, or closed without opening; guarded by this. */
    private boolean done;

    /**
     * @param limits the required codecs and services and how long to wait for them
     * @param servedBefore what the predecessor of this listener served ({@link #served}), or null at the host's start
     * @param codecRegistry the codecs served
     * @param exportRegistry the services exported
     * @param log where to say what is awaited and what is missing
     * @param open accepts clients, from the gate's thread: run once at most, never while a lock of this gate is held
     */
    AcceptGate(ListenerSettings limits, Object servedBefore, CodecRegistry codecRegistry, ExportRegistry exportRegistry, Log log,
            Runnable open) {
        this.codecs = servedBefore == null ? limits.requiredCodecs : alsoServedBefore(limits.requiredCodecs, servedBefore, "codecs");
        this.services = servedBefore == null ? limits.requiredServices : alsoServedBefore(limits.requiredServices, servedBefore, "services");
        this.timeoutMs = limits.requiredTimeoutMs;
        this.codecRegistry = codecRegistry;
        this.exportRegistry = exportRegistry;
        this.log = log;
        this.open = open;
    }

    /**
     * @return what a listener serves now, for its successor: JDK types only, as a hand-over between two
     *         revisions of this bundle must be
     */
    static Map<String, List<String>> served(CodecRegistry codecRegistry, ExportRegistry exportRegistry) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("codecs", codecRegistry.ids());
        m.put("services", exportRegistry.names());
        return m;
    }

    private static List<String> alsoServedBefore(List<String> required, Object servedBefore, String kind) {
        Object before = servedBefore instanceof Map ? ((Map<?, ?>) servedBefore).get(kind) : null;
        List<String> out = new ArrayList<>();
        for (String r : required) {
            if (before instanceof Collection && ((Collection<?>) before).contains(r)) {
                out.add(r);
            }
        }
        return out;
    }

    /** @return what is required and not served now, for people ({@code codec 'ply'}, {@code service 'nodes'}) */
    List<String> missing() {
        List<String> out = new ArrayList<>();
        for (String c : codecs) {
            if (codecRegistry.get(c) == null) {
                out.add("codec '" + c + "'");
            }
        }
        for (String s : services) {
            if (exportRegistry.get(s) == null) {
                out.add("service '" + s + "'");
            }
        }
        return out;
    }

    /**
     * @return true when nothing is missing (or nothing is to be waited for): the caller accepts clients
     *         itself, now, and the gate is done; else the caller {@linkplain #startWaiting() waits}
     */
    boolean ready() {
        if (timeoutMs > 0 && !missing().isEmpty()) {
            return false;
        }
        synchronized (this) {
            done = true;
        }
        return true;
    }

    /** Waits, on a thread of its own, until nothing is missing or the time limit, then opens (once the server runs). */
    void startWaiting() {
        // Debug only: at a host's start this is the rule, not news; the time limit's error says what never came.
        log.debug("the port is bound; clients are accepted once these are served (at most " + timeoutMs / 1000 + " s): "
                + String.join(", ", missing()));
        Thread t = new Thread(this, "meshport-listener-gate");
        t.setDaemon(true);
        synchronized (this) {
            waiter = t;
        }
        t.start();
    }

    /** A codec or a service was added: the gate opens if nothing is missing any more. */
    synchronized void check() {
        notifyAll();
    }

    @Override
    public void run() {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        List<String> missing;
        synchronized (this) {
            while (true) {
                if (done) {
                    return; // closed
                }
                missing = missing();
                long left = deadline - System.nanoTime();
                if (missing.isEmpty() || left <= 0) {
                    done = true;
                    break;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
        if (!missing.isEmpty()) {
            log.error("accepting clients although the host is not whole: after " + timeoutMs / 1000 + " s still missing "
                    + String.join(", ", missing) + " (the listener's requiredCodecs/requiredServices); clients asking for them get"
                    + " NO_CODEC or NO_SERVICE until they come", null);
        }
        open.run();
    }

    /** The listener stops: the gate opens nothing any more, and its thread ends. */
    void close() {
        Thread t;
        synchronized (this) {
            done = true;
            notifyAll();
            t = waiter;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(1000); // at most the opening under way, which gives up when it finds the listener stopped
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
