package io.meshport.nodes.runtime;

/** Where the graph reports what happens; the component routes it to the OSGi log. */
interface GraphLog {
    void info(String message);

    void warn(String message, Throwable cause);

    void error(String message, Throwable cause);

    /** A log for tests and tools: standard error. */
    GraphLog STDERR = new GraphLog() {
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
            System.err.println("ERROR " + message + (cause == null ? "" : " (" + cause + ")"));
        }
    };
}
