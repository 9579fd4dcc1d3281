package io.meshport.listener.impl;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the listener's daemon threads, numbered after a prefix ({@code meshport-worker-1}, ...). A class
 * rather than a lambda per pool: a freshly updated revision of this bundle links each lambda on its first
 * use, and the pools are made while the clients wait for the listener to come back.
 */
final class DaemonThreads implements ThreadFactory, Thread.UncaughtExceptionHandler {
    private final String prefix;
    private final io.meshport.support.Log log;
    private final AtomicInteger made = new AtomicInteger();

    /** @param log where a thread that dies of what its work threw is reported (its pool makes another) */
    DaemonThreads(String prefix, io.meshport.support.Log log) {
        this.prefix = prefix;
        this.log = log;
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(r, prefix + made.incrementAndGet());
        t.setDaemon(true);
        t.setUncaughtExceptionHandler(this);
        return t;
    }

    @Override
    public void uncaughtException(Thread t, Throwable e) {
        log.error("the listener's thread " + t.getName() + " died of " + e + "; its pool starts another", e);
    }
}
