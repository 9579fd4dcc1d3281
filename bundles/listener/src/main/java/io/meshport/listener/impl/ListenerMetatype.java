package io.meshport.listener.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The listener's configuration as metatype, for configuration tools: the same properties and defaults
 * as {@link io.meshport.listener.ListenerConfiguration}, where they are explained (bnd publishes
 * metatype only for a type in the bundle itself; ListenerSettingsTest keeps the two and the settings
 * used the same).
 */
@ObjectClassDefinition(name = "Meshport socket listener", description = "The TCP port clients push meshes to")
@interface ListenerMetatype {
    /** @return the address to bind; a non-loopback address requires a token */
    @AttributeDefinition(description = "Address to listen on; beyond loopback a token is required")
    String bindAddress() default "127.0.0.1";

    /** @return the TCP port; 0 picks a free one */
    @AttributeDefinition(description = "TCP port, 0 for any free one")
    int port() default 18830;

    /** @return the largest frame body accepted, in bytes */
    @AttributeDefinition(description = "Largest frame body in bytes; larger is FRAME_TOO_LARGE before its body is read")
    long maxFrameBytes() default 256L * 1024 * 1024;

    /** @return the token clients must present in hello; empty for none. Never logged. */
    @AttributeDefinition(type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD,
            description = "Token clients must send in hello; prefer tokenFile (a configured token is visible to whoever reads configurations)")
    String token() default "";

    /** @return a file whose only line is the token; used when {@link #token()} is empty */
    @AttributeDefinition(description = "File whose first line is the token")
    String tokenFile() default "";

    /** @return true to allow a non-loopback bind without a token */
    @AttributeDefinition(description = "Allow a bind beyond loopback without a token (anyone reaching the port can read and change the session)")
    boolean allowInsecureBind() default false;

    /** @return the most connections served at once (the oldest unproven one makes room for a new one, else bye) */
    @AttributeDefinition(description = "Connections served at once")
    int maxConnections() default 1024;

    /** @return the most connections from one client address at once; more get bye */
    @AttributeDefinition(description = "Connections from one client address at once")
    int maxConnectionsPerAddress() default 256;

    /** @return seconds a connection may stay silent between frames before it is closed */
    @AttributeDefinition(description = "Seconds a connection with nothing in flight and no watch may stay silent")
    int idleTimeoutSeconds() default 300;

    /** @return seconds a started frame may take to arrive completely */
    @AttributeDefinition(description = "Seconds a started frame may take to arrive in full")
    int frameTimeoutSeconds() default 60;

    /** @return seconds to authenticate (with a token), to send a first whole request, or to finish a TLS handshake */
    @AttributeDefinition(description = "Seconds to send a correct hello (with a token), a first whole request, or finish a TLS handshake")
    int authTimeoutSeconds() default 10;

    /** @return the largest frame taken before a correct hello, when a token is set */
    @AttributeDefinition(description = "Largest frame in bytes taken before a correct hello, when a token is set")
    long maxFrameBytesBeforeHello() default 64 * 1024;

    /** @return seconds a reply may wait for the client to read it before the connection is closed */
    @AttributeDefinition(description = "Seconds a client may read none of its replies")
    int writeTimeoutSeconds() default 60;

    /** @return requests received but not yet answered per connection, beyond which reading pauses */
    @AttributeDefinition(description = "Pipelined requests per connection before reading from it pauses")
    int maxPendingRequests() default 256;

    /** @return watch events a client may leave unread before it is closed as too slow */
    @AttributeDefinition(description = "Watch events a client may leave unread")
    int maxQueuedEvents() default 10000;

    /** @return bytes of frame buffers all connections together may hold; 0 for a quarter of the heap */
    @AttributeDefinition(description = "Frame bytes all connections may hold at once; 0 = a quarter of the heap")
    long maxInFlightBytes() default 0;

    /** @return seconds a frame may wait for room before it is answered OVERLOADED */
    @AttributeDefinition(description = "Seconds a frame may wait for room before it is answered OVERLOADED")
    int roomWaitSeconds() default 10;

    /** @return the largest upload, in bytes */
    @AttributeDefinition(description = "The largest upload (a payload sent in pieces), in bytes; at most 2147483639 (Java's array limit)")
    long maxUploadBytes() default 2_147_483_639L;

    /** @return uploads open at once */
    @AttributeDefinition(description = "Uploads open at once; beyond it begin gets OVERLOADED")
    int maxOpenUploads() default 64;

    /** @return seconds an upload may go untouched before it is dropped */
    @AttributeDefinition(description = "Seconds an upload may go untouched before it is dropped with its memory")
    int uploadIdleSeconds() default 600;

    /** @return threads that decode and apply requests; 0 for twice the number of processors, at least 4 */
    @AttributeDefinition(description = "Threads that decode and apply requests; 0 = twice the processors, at least 4")
    int workerThreads() default 0;

    /** @return {@code call}s that may run at once (each on a thread of its own); beyond it a call gets OVERLOADED */
    @AttributeDefinition(description = "Remote calls running at once")
    int maxConcurrentCalls() default 64;

    /** @return codec ids that must be served before clients are accepted */
    @AttributeDefinition(description = "Codec ids that must be served before clients are accepted")
    String[] requiredCodecs() default {"mesh", "cbor", "bytes"};

    /** @return exported service names that must be served before clients are accepted */
    @AttributeDefinition(description = "Exported service names that must be served before clients are accepted")
    String[] requiredServices() default {};

    /** @return seconds to wait for the required codecs and services; then clients are accepted anyway */
    @AttributeDefinition(description = "Seconds to wait for the required codecs and services (0: do not wait)")
    int requiredTimeoutSeconds() default 30;

    /** @return a PKCS#12 key store holding the TLS identity; empty for plain TCP */
    @AttributeDefinition(description = "PKCS#12 key store with the TLS identity; empty for plain TCP")
    String tlsKeyStore() default "";

    /** @return the key store's password */
    @AttributeDefinition(type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD, description = "The key store's password")
    String tlsKeyStorePassword() default "";

    /** @return a PEM certificate chain (with {@link #tlsPrivateKey()}), instead of a key store */
    @AttributeDefinition(description = "PEM certificate chain (with tlsPrivateKey), instead of a key store")
    String tlsCertificate() default "";

    /** @return a PEM PKCS#8 private key */
    @AttributeDefinition(description = "PEM PKCS#8 private key")
    String tlsPrivateKey() default "";
}
