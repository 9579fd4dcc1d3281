package io.meshport.listener;

/**
 * The configuration of the socket listener, Config Admin PID {@value #PID}. Every property has a
 * default; invalid values are reported in the log and replaced by the default. The launcher's command
 * line flags ({@code --port}, {@code --bind}, {@code --token-file}) are given as framework properties
 * {@code meshport.listener.<name>} and take precedence over this configuration.
 *
 * <p>The annotation is the configuration's contract: each element is a property name with its
 * default, and it can be used as a component property type.
 */
public @interface ListenerConfiguration {
    /** The configuration PID of the listener. */
    String PID = "io.meshport.listener";
    /** The prefix of framework properties that override the configuration (command line flags). */
    String FRAMEWORK_PROPERTY_PREFIX = "meshport.listener.";

    /** @return the address to bind; a non-loopback address requires a token */
    String bindAddress() default "127.0.0.1";

    /** @return the TCP port; 0 picks a free one */
    int port() default 18830;

    /** @return the largest frame body accepted, in bytes */
    long maxFrameBytes() default 256L * 1024 * 1024;

    /** @return the token clients must present in hello; empty for none. Never logged. */
    String token() default "";

    /** @return a file whose only line is the token; used when {@link #token()} is empty */
    String tokenFile() default "";

    /** @return true to allow a non-loopback bind without a token */
    boolean allowInsecureBind() default false;

    /** @return the most connections served at once; more are accepted and closed at once with bye */
    int maxConnections() default 1024;

    /** @return seconds a connection may stay silent between frames before it is closed */
    int idleTimeoutSeconds() default 300;

    /** @return seconds a started frame may take to arrive completely */
    int frameTimeoutSeconds() default 60;

    /** @return seconds a connection may take to authenticate when a token is set */
    int authTimeoutSeconds() default 10;

    /** @return seconds a reply may wait for the client to read it before the connection is closed */
    int writeTimeoutSeconds() default 60;

    /** @return requests received but not yet answered per connection, beyond which reading pauses */
    int maxPendingRequests() default 256;

    /** @return watch events a client may leave unread before it is closed as too slow */
    int maxQueuedEvents() default 10000;

    /** @return bytes of frame buffers all connections together may hold; 0 for a quarter of the heap */
    long maxInFlightBytes() default 0;

    /** @return threads that decode and apply requests; 0 for twice the number of processors, at least 4 */
    int workerThreads() default 0;

    /** @return {@code call}s that may run at once (each on a thread of its own); beyond it a call gets OVERLOADED */
    int maxConcurrentCalls() default 64;
}
