package io.meshport.support;

import java.util.function.Supplier;

import org.osgi.service.log.Logger;

/** Where a component's workings report what happens; components route it to the OSGi log. */
public interface Log {
    void info(String message);

    /** Detail that is usually not wanted (one line per client at a stop); dropped unless the log wants it. */
    default void debug(String message) {
    }

    void warn(String message, Throwable cause);

    void error(String message, Throwable cause);

    /** A log for tests and tools: standard error. */
    Log STDERR = new Log() {
        @Override
        public void info(String message) {
            System.err.println("INFO  " + message);
        }

        @Override
        public void warn(String message, Throwable cause) {
            System.err.println("WARN  " + message + (cause == null ? "" : " (" + cause + ")"));
        }

        @Override
        public void error(String message, Throwable cause) {
            System.err.println("ERROR " + message);
            if (cause != null) {
                cause.printStackTrace();
            }
        }
    };

    /**
     * @param logger gives the component's OSGi logger, or null while it has none (reports are then dropped)
     * @return a log writing to it; messages are passed as arguments, never as format strings
     */
    static Log osgi(Supplier<Logger> logger) {
        return new Log() {
            @Override
            public void info(String message) {
                Logger l = logger.get();
                if (l != null) {
                    l.info("{}", message);
                }
            }

            @Override
            public void debug(String message) {
                Logger l = logger.get();
                if (l != null && l.isDebugEnabled()) {
                    l.debug("{}", message);
                }
            }

            @Override
            public void warn(String message, Throwable cause) {
                Logger l = logger.get();
                if (l != null) {
                    if (cause == null) {
                        l.warn("{}", message);
                    } else {
                        l.warn("{}", message, cause);
                    }
                }
            }

            @Override
            public void error(String message, Throwable cause) {
                Logger l = logger.get();
                if (l != null) {
                    if (cause == null) {
                        l.error("{}", message);
                    } else {
                        l.error("{}", message, cause);
                    }
                }
            }
        };
    }
}
