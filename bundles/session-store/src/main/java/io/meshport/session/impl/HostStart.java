package io.meshport.session.impl;

import java.util.concurrent.CompletableFuture;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;

/**
 * When the host's bundles have started: the framework reached its start level, or a while after this
 * store started when no start level is being reached (the store's bundle started in a running host).
 * Work that may wait, such as reading a session's values, waits for it so that the bundles get the
 * cores first and the host accepts connections as soon as with an empty session.
 */
final class HostStart {
    private HostStart() {
    }

    /**
     * Begins watching the framework; call it as the store starts, so that no start-level event is missed.
     *
     * @param context the store's bundle context
     * @param latestMillis how long to wait at most
     * @return completed once the bundles have started, or after {@code latestMillis}
     */
    static CompletableFuture<Void> watch(BundleContext context, long latestMillis) {
        CompletableFuture<Void> started = new CompletableFuture<>();
        FrameworkListener listener = event -> {
            if (event.getType() == FrameworkEvent.STARTED || event.getType() == FrameworkEvent.STARTLEVEL_CHANGED) {
                started.complete(null);
            }
        };
        context.addFrameworkListener(listener);
        // Whichever completes it, the listener goes: it has nothing more to do.
        started.whenComplete((v, e) -> {
            try {
                context.removeFrameworkListener(listener);
            } catch (IllegalStateException stopped) {
                // the bundle stopped meanwhile: its listeners are gone anyway
            }
        });
        Thread latest = new Thread(() -> {
            try {
                Thread.sleep(latestMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            started.complete(null);
        }, "meshport-session-host-start");
        latest.setDaemon(true);
        latest.start();
        return started;
    }
}
