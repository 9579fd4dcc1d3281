package io.meshport.listener.impl;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the listener's daemon threads, numbered after a prefix ({@code meshport-worker-1}, ...). A class
 * rather than a lambda per pool: a freshly updated revision of this bundle links each lambda on its first
 * use, and the pools are made while the clients wait for the listener to come back.
 */
final class DaemonThreads implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger made = new AtomicInteger();

    DaemonThreads(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(r, prefix + made.incrementAndGet());
        t.setDaemon(true);
        return t;
    }
}
