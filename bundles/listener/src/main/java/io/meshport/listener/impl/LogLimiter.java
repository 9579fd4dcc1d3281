package io.meshport.listener.impl;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.meshport.support.Log;

/**
 * Bounds the log lines of each cause (connections closed, connections refused, failed requests
 * without an id, prints) to a few a second, so that a client opening thousands of connections or
 * sending thousands of bad frames cannot flood the log; the lines held back are counted and reported
 * in one line per cause and second.
 */
final class LogLimiter {
    /** Lines of one cause logged per second at most, unless the cause says otherwise. */
    static final int LINES_PER_SECOND = 10;
    private static final long WINDOW_MS = 1000;

    private final Log log;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** One cause's current second. */
    private static final class Window {
        long start;
        int logged;
        int held;
    }

    LogLimiter(Log log) {
        this.log = log;
    }

    /** Logs an info line of a cause, unless it has had {@value #LINES_PER_SECOND} this second (then at debug). */
    void info(String cause, String line) {
        if (allow(cause, LINES_PER_SECOND)) {
            log.info(line);
        } else {
            log.debug(line);
        }
    }

    /** Logs a warning of a cause, unless it has had {@value #LINES_PER_SECOND} this second (then at debug). */
    void warn(String cause, String line) {
        if (allow(cause, LINES_PER_SECOND)) {
            log.warn(line, null);
        } else {
            log.debug(line);
        }
    }

    /**
     * @param perSecond the cause's lines per second
     * @return true when a line of the cause may be logged now
     */
    boolean allow(String cause, int perSecond) {
        long now = System.currentTimeMillis();
        Window w = windows.get(cause);
        if (w == null) { // not computeIfAbsent with a lambda: see DaemonThreads
            Window made = new Window();
            w = windows.putIfAbsent(cause, made);
            w = w == null ? made : w;
        }
        int held;
        synchronized (w) {
            if (now - w.start >= WINDOW_MS) {
                held = w.held;
                w.start = now;
                w.logged = 0;
                w.held = 0;
            } else {
                held = 0;
            }
            if (w.logged >= perSecond) {
                w.held++;
                return false;
            }
            w.logged++;
        }
        if (held > 0) {
            log.warn(held + " more '" + cause + "' lines were not logged in one second", null);
        }
        return true;
    }

    /** Reports what was held back in seconds that are over; called now and then (the selector's scan). */
    void flush() {
        long now = System.currentTimeMillis();
        for (Map.Entry<String, Window> e : windows.entrySet()) {
            Window w = e.getValue();
            int held;
            synchronized (w) {
                if (w.held == 0 || now - w.start < WINDOW_MS) {
                    continue;
                }
                held = w.held;
                w.held = 0;
            }
            log.warn(held + " more '" + e.getKey() + "' lines were not logged in one second", null);
        }
    }
}
