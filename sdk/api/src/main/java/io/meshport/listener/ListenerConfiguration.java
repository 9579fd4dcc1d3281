package io.meshport.listener;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The configuration of the socket listener, Config Admin PID {@value #PID}. Every property has a
 * default; invalid values are reported in the log and replaced by the default. The launcher's command
 * line flags ({@code --port}, {@code --bind}, {@code --token-file}) are given as framework properties
 * {@code meshport.listener.<name>} and take precedence over this configuration.
 */
@ObjectClassDefinition(name = "Meshport listener", description = "The TCP socket through which clients reach the session")
public @interface ListenerConfiguration {
    /** The configuration PID of the listener. */
    String PID = "io.meshport.listener";
    /** The prefix of framework properties that override the configuration (command line flags). */
    String FRAMEWORK_PROPERTY_PREFIX = "meshport.listener.";

    /** @return the address to bind; a non-loopback address requires a token */
    @AttributeDefinition(description = "Address to bind. A non-loopback address needs a token (or allowInsecureBind).")
    String bindAddress() default "127.0.0.1";

    /** @return the TCP port; 0 picks a free one */
    @AttributeDefinition(description = "TCP port; 0 picks a free port")
    int port() default 18830;

    /** @return the largest frame body accepted, in bytes */
    @AttributeDefinition(description = "Largest frame body in bytes")
    long maxFrameBytes() default 256L * 1024 * 1024;

    /** @return the token clients must present in hello; empty for none. Never logged. */
    @AttributeDefinition(type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD,
            description = "Token clients must send in hello; empty for none")
    String token() default "";

    /** @return a file whose only line is the token; used when {@link #token()} is empty */
    @AttributeDefinition(description = "File whose only line is the token")
    String tokenFile() default "";

    /** @return true to allow a non-loopback bind without a token */
    @AttributeDefinition(description = "Allow binding a non-loopback address without a token")
    boolean allowInsecureBind() default false;

    /** @return the most connections served at once; more are accepted and closed at once with bye */
    @AttributeDefinition(description = "Most concurrent connections")
    int maxConnections() default 1024;

    /** @return seconds a connection may stay silent between frames before it is closed */
    @AttributeDefinition(description = "Seconds without a frame before an idle connection is closed")
    int idleTimeoutSeconds() default 300;

    /** @return seconds a started frame may take to arrive completely */
    @AttributeDefinition(description = "Seconds a started frame may take to arrive in full")
    int frameTimeoutSeconds() default 60;

    /** @return seconds a connection may take to authenticate when a token is set */
    @AttributeDefinition(description = "Seconds to send a correct hello when a token is set")
    int authTimeoutSeconds() default 10;

    /** @return seconds a reply may wait for the client to read it before the connection is closed */
    @AttributeDefinition(description = "Seconds a client may leave replies unread before it is closed")
    int writeTimeoutSeconds() default 60;

    /** @return requests received but not yet answered per connection, beyond which reading pauses */
    @AttributeDefinition(description = "Pipelined requests per connection before reading pauses")
    int maxPendingRequests() default 256;

    /** @return watch events a client may leave unread before it is closed as too slow */
    @AttributeDefinition(description = "Unread watch events per connection before it is closed")
    int maxQueuedEvents() default 10000;

    /** @return bytes of frame buffers all connections together may hold; 0 for a quarter of the heap */
    @AttributeDefinition(description = "Bytes of incoming frames held at once, all connections; 0 = a quarter of the heap")
    long maxInFlightBytes() default 0;

    /** @return threads that decode and apply requests; 0 for twice the number of processors, at least 4 */
    @AttributeDefinition(description = "Request worker threads; 0 = 2 x processors, at least 4")
    int workerThreads() default 0;
}
