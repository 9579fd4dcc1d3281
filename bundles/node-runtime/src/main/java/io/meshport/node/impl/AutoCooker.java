package io.meshport.node.impl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.meshport.session.SessionChange;
import io.meshport.session.SessionStore;
import io.meshport.support.Log;

/**
 * Re-cooks, on a background thread, the nodes with auto-cook on that read a session key at another
 * version than the one that just came, and the nodes downstream of them.
 *
 * <p>Threads: the session store tells it of each change on the writer's thread, under the store's
 * write lock, and it only queues the change there (with its wave, see {@link Cooker#waveOfChange}).
 * Its one thread, {@code meshport-node-autocook}, takes the changes in order: it finds the nodes to
 * cook under the graph lock, then cooks them under the cook lock, all of one change's in a row, each
 * at most once per wave, so that nodes feeding each other through session keys stop after one round.
 */
final class AutoCooker {
    private final GraphModel model;
    private final Cooker cooker;
    private final Log log;
    private final ExecutorService thread;
    private final SessionStore.Subscription subscription;

    /**
     * Starts following the session.
     *
     * @param store the session
     * @param model the graph
     * @param cooker cooks the nodes; once it is stopping, nothing more is cooked here
     * @param log where to report each cook
     */
    AutoCooker(SessionStore store, GraphModel model, Cooker cooker, Log log) {
        this.model = model;
        this.cooker = cooker;
        this.log = log;
        this.thread = Executors.newSingleThreadExecutor(r -> daemon(r, "meshport-node-autocook"));
        this.subscription = store.subscribe("", this::sessionChanged);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Called by the session store, under its write lock: hands the change to the auto-cook thread. */
    private void sessionChanged(SessionChange change) {
        if (cooker.stopping()) {
            return;
        }
        long wave = cooker.waveOfChange();
        try {
            thread.execute(() -> autoCook(change.key(), change.version(), wave));
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void autoCook(String key, long version, long wave) {
        List<Node> targets;
        synchronized (model.lock) {
            targets = targets(key, version, wave);
        }
        if (targets.isEmpty()) {
            return;
        }
        cooker.exclusively(() -> {
            for (Node n : targets) {
                if (cooker.stopping()) {
                    return;
                }
                synchronized (model.lock) {
                    if (n.lastWave == wave) {
                        continue;
                    }
                }
                try {
                    if (cooker.cookTree(n, wave)) {
                        synchronized (model.lock) {
                            log.info("auto-cooked " + n.path + " after '" + key + "' changed (version " + version + ")"
                                    + (n.error == null ? String.format(Locale.ROOT, " in %.1f ms", n.lastCookMillis)
                                            : ": " + n.error));
                        }
                    }
                } catch (RuntimeException e) {
                    log.error("auto-cook of " + n.path + " failed", e);
                }
            }
        });
    }

    /**
     * @return the nodes with auto-cook on, cooked before and not in this wave yet, that read the key at
     *         another version, then the nodes downstream of them with auto-cook on and cooked before
     *         (graph lock held)
     */
    private List<Node> targets(String key, long version, long wave) {
        Set<Node> hit = new LinkedHashSet<>();
        for (Node n : model.all()) {
            if (n.autoCook && n.stamp != null && n.lastWave != wave) {
                long seen = n.stamp.versionOf(key);
                if (seen >= 0 && seen != version) {
                    hit.add(n);
                }
            }
        }
        if (hit.isEmpty()) {
            return List.of();
        }
        Map<String, List<Node>> readers = new HashMap<>();
        for (Node n : model.all()) {
            for (String p : n.inputs) {
                if (p != null) {
                    readers.computeIfAbsent(p, k -> new ArrayList<>()).add(n);
                }
            }
        }
        Deque<Node> todo = new ArrayDeque<>(hit);
        while (!todo.isEmpty()) {
            for (Node r : readers.getOrDefault(todo.pop().path, List.of())) {
                if (r.autoCook && r.stamp != null && hit.add(r)) {
                    todo.push(r);
                }
            }
        }
        return new ArrayList<>(hit);
    }

    /** Stops following the session, and waits a bounded time for a running cook. */
    void close() {
        subscription.close();
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
