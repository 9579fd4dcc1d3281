package io.meshport.session.impl;

import java.util.function.Consumer;
import java.util.function.Supplier;

import org.osgi.service.log.Logger;

/** Where the session store reports: the log service's logger when there is one, or lines given to a consumer (tools, tests). */
final class StoreLog {
    private final Supplier<Logger> logger;
    private final Consumer<String> lines;

    StoreLog(Supplier<Logger> logger) {
        this.logger = logger;
        this.lines = null;
    }

    /** @param lines receives each message as a line starting with its level (tools, tests) */
    StoreLog(Consumer<String> lines) {
        this.logger = () -> null;
        this.lines = lines;
    }

    void info(String message) {
        if (lines != null) {
            lines.accept("INFO " + message);
        }
        Logger l = logger.get();
        if (l != null) {
            l.info("{}", message);
        }
    }

    void warn(String message) {
        if (lines != null) {
            lines.accept("WARN " + message);
        }
        Logger l = logger.get();
        if (l != null) {
            l.warn("{}", message);
        }
    }

    void error(String message) {
        if (lines != null) {
            lines.accept("ERROR " + message);
        }
        Logger l = logger.get();
        if (l != null) {
            l.error("{}", message);
        }
    }

    void warn(String message, Throwable t) {
        if (lines != null) {
            lines.accept("WARN " + message + ": " + t);
        }
        Logger l = logger.get();
        if (l != null) {
            l.warn("{}: {}", message, t.toString(), t);
        }
    }
}
