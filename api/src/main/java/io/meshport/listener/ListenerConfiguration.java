package io.meshport.listener;

/**
 * The configuration of the socket listener, Config Admin PID {@value #PID} (the listener bundle
 * publishes it as metatype).
 * Every property has a default; an invalid value is reported in the log and replaced by its default
 * (a typo never keeps the host from listening), except the bind address, the token and the TLS
 * identity, where guessing would be unsafe. The launcher's command line flags ({@code --port},
 * {@code --bind}, {@code --token-file}) are given as framework properties
 * {@code meshport.listener.<name>} and take precedence over this configuration.
 *
 * <p>The annotation is the configuration's contract: each element is a property name with its
 * default. docs/security.md says what each limit protects.
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

    /** @return the most connections served at once (the oldest unproven one makes room for a new one, else bye) */
    int maxConnections() default 1024;

    /** @return the most connections from one client address at once; more get bye */
    int maxConnectionsPerAddress() default 256;

    /** @return seconds a connection may stay silent between frames before it is closed */
    int idleTimeoutSeconds() default 300;

    /** @return seconds a started frame may take to arrive completely */
    int frameTimeoutSeconds() default 60;

    /** @return seconds to authenticate (with a token), to send a first whole request, or to finish a TLS handshake */
    int authTimeoutSeconds() default 10;

    /** @return the largest frame taken before a correct hello, when a token is set */
    long maxFrameBytesBeforeHello() default 64 * 1024;

    /** @return seconds a reply may wait for the client to read it before the connection is closed */
    int writeTimeoutSeconds() default 60;

    /** @return requests received but not yet answered per connection, beyond which reading pauses */
    int maxPendingRequests() default 256;

    /** @return watch events a client may leave unread before it is closed as too slow */
    int maxQueuedEvents() default 10000;

    /** @return bytes of frame buffers all connections together may hold; 0 for a quarter of the heap */
    long maxInFlightBytes() default 0;

    /** @return seconds a frame may wait for room before it is answered OVERLOADED */
    int roomWaitSeconds() default 10;

    /**
     * @return the largest upload (a payload sent in pieces), in bytes; at most 2,147,483,639 (Java's array limit)
     * @since 1.3
     */
    long maxUploadBytes() default 2_147_483_639L;

    /**
     * @return uploads open at once; beyond it {@code begin} gets OVERLOADED
     * @since 1.3
     */
    int maxOpenUploads() default 64;

    /**
     * @return seconds an upload may go untouched before it is dropped with its memory
     * @since 1.3
     */
    int uploadIdleSeconds() default 600;

    /** @return threads that decode and apply requests; 0 for twice the number of processors, at least 4 */
    int workerThreads() default 0;

    /** @return {@code call}s that may run at once (each on a thread of its own); beyond it a call gets OVERLOADED */
    int maxConcurrentCalls() default 64;

    /** @return codec ids that must be served before clients are accepted */
    String[] requiredCodecs() default {"mesh", "cbor", "bytes"};

    /** @return exported service names that must be served before clients are accepted */
    String[] requiredServices() default {};

    /** @return seconds to wait for the required codecs and services; then clients are accepted anyway */
    int requiredTimeoutSeconds() default 30;

    /** @return a PKCS#12 key store holding the TLS identity; empty for plain TCP */
    String tlsKeyStore() default "";

    /** @return the key store's password */
    String tlsKeyStorePassword() default "";

    /** @return a PEM certificate chain (with {@link #tlsPrivateKey()}), instead of a key store */
    String tlsCertificate() default "";

    /** @return a PEM PKCS#8 private key */
    String tlsPrivateKey() default "";
}
