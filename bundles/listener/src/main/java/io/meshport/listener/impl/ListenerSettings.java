package io.meshport.listener.impl;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

import io.meshport.listener.ListenerConfiguration;
import io.meshport.protocol.Protocol;
import io.meshport.support.SettingValues;

/**
 * Every setting and limit of the listener in one validated value, with named defaults. A value is
 * taken from the framework property {@code meshport.listener.<name>} (the launcher's command line),
 * else from the configuration, else the default; an invalid value is reported and replaced by its
 * default, so a typo never keeps the host from listening. The exceptions are the bind address and
 * the token, where guessing would be unsafe: a problem with those stops the listener.
 */
final class ListenerSettings {
    static final int DEFAULT_MAX_CONNECTIONS = 1024;
    static final int DEFAULT_IDLE_TIMEOUT_S = 300;
    static final int DEFAULT_FRAME_TIMEOUT_S = 60;
    static final int DEFAULT_AUTH_TIMEOUT_S = 10;
    static final int DEFAULT_WRITE_TIMEOUT_S = 60;
    static final int DEFAULT_MAX_PENDING = 256;
    static final int DEFAULT_MAX_QUEUED_EVENTS = 10_000;
    static final int DEFAULT_MAX_CONCURRENT_CALLS = 64;
    /** What a hello needs and then some: frames before a hello with the token are at most this long. */
    static final long DEFAULT_MAX_FRAME_BYTES_BEFORE_HELLO = 64 * 1024;
    static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;
    static final int DEFAULT_ROOM_WAIT_S = 10;
    /** Java's array limit: an upload is held in one array. */
    static final long MAX_UPLOAD_BYTES = Integer.MAX_VALUE - 8;
    static final int DEFAULT_MAX_OPEN_UPLOADS = 64;
    static final int DEFAULT_UPLOAD_IDLE_S = 600;
    /** The built-in codecs (bundle io.meshport.codecs): a host without them cannot take a mesh. */
    static final List<String> DEFAULT_REQUIRED_CODECS = List.of("mesh", "cbor", "bytes");
    static final int DEFAULT_REQUIRED_TIMEOUT_S = 30;
    /** Replies queued beyond this many bytes pause reading from that client (back-pressure). */
    static final long OUTBOUND_HIGH_WATER = 8L * 1024 * 1024;
    /** ... and reading resumes once the queue is below this. */
    static final long OUTBOUND_LOW_WATER = 1024L * 1024;
    /** What a required codec id may be: one word (the separators of the list are commas and spaces). */
    private static final Pattern CODEC_ID = Pattern.compile("[^,\\s]+");

    final InetAddress bindAddress;
    final int port;
    final long maxFrameBytes;
    final byte[] token; // UTF-8, null when none
    final boolean allowInsecureBind;
    final int maxConnections;
    /** Connections open at once from one address. */
    final int maxConnectionsPerAddress;
    /** The largest frame a connection may send before its hello with the token (when a token is required). */
    final long maxFrameBytesBeforeHello;
    /** How long a frame may wait for room before it is refused ({@code OVERLOADED}). */
    final long roomWaitMs;
    final long maxUploadBytes;
    final int maxOpenUploads;
    final long uploadIdleMs;
    final long idleTimeoutMs;
    final long frameTimeoutMs;
    final long authTimeoutMs;
    final long writeTimeoutMs;
    final int maxPendingRequests;
    final int maxQueuedEvents;
    final long maxInFlightBytes;
    final int workerThreads;
    final int maxConcurrentCalls;
    /** Codec ids that must be served before the listener accepts clients. */
    final List<String> requiredCodecs;
    /** Exported service names that must be served before the listener accepts clients. */
    final List<String> requiredServices;
    /** How long the listener waits for those before it accepts clients anyway. */
    final long requiredTimeoutMs;
    /** The TLS identity, or null to speak plain TCP. */
    final SSLContext tls;
    /** Where a token was generated for this run, or null when the token was configured (or there is none). */
    final Path generatedTokenFile;

    private ListenerSettings(Builder b) {
        this.bindAddress = b.bindAddress;
        this.port = b.port;
        this.maxFrameBytes = b.maxFrameBytes;
        this.token = b.token;
        this.allowInsecureBind = b.allowInsecureBind;
        this.maxConnections = b.maxConnections;
        this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
        this.maxFrameBytesBeforeHello = b.maxFrameBytesBeforeHello;
        this.roomWaitMs = b.roomWaitMs;
        this.maxUploadBytes = b.maxUploadBytes;
        this.maxOpenUploads = b.maxOpenUploads;
        this.uploadIdleMs = b.uploadIdleMs;
        this.idleTimeoutMs = b.idleTimeoutMs;
        this.frameTimeoutMs = b.frameTimeoutMs;
        this.authTimeoutMs = b.authTimeoutMs;
        this.writeTimeoutMs = b.writeTimeoutMs;
        this.maxPendingRequests = b.maxPendingRequests;
        this.maxQueuedEvents = b.maxQueuedEvents;
        this.maxInFlightBytes = b.maxInFlightBytes;
        this.workerThreads = b.workerThreads;
        this.maxConcurrentCalls = b.maxConcurrentCalls;
        this.requiredCodecs = List.copyOf(b.requiredCodecs);
        this.requiredServices = List.copyOf(b.requiredServices);
        this.requiredTimeoutMs = b.requiredTimeoutMs;
        this.tls = b.tls;
        this.generatedTokenFile = b.generatedTokenFile;
    }

    /** @return a builder with every default, for tests and embedding */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the settings.
     *
     * @param config configuration properties (Config Admin), may be empty
     * @param frameworkProperty looks up a framework property, null when unset
     * @param problems receives one sentence per invalid value that was replaced by its default
     * @param tokenDir where to generate a token file when the listener binds beyond loopback and none
     *        is configured; null to never generate one
     * @return the settings
     * @throws IllegalArgumentException when the bind address, the token or the TLS identity cannot be used
     */
    static ListenerSettings from(Map<String, ?> config, Function<String, String> frameworkProperty, List<String> problems, Path tokenDir) {
        Source s = new Source(config, frameworkProperty, problems);
        Builder b = new Builder();
        String bind = s.text("bindAddress", Protocol.DEFAULT_BIND);
        try {
            b.bindAddress = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bindAddress '" + bind + "' is not an address of this machine: " + e.getMessage());
        }
        b.port = (int) s.number("port", Protocol.DEFAULT_PORT, 0, 65535);
        b.maxFrameBytes = s.number("maxFrameBytes", Protocol.DEFAULT_MAX_FRAME_BYTES, 1, Integer.MAX_VALUE - 16);
        b.allowInsecureBind = Boolean.parseBoolean(s.text("allowInsecureBind", "false"));
        b.maxConnections = (int) s.number("maxConnections", DEFAULT_MAX_CONNECTIONS, 1, 1_000_000);
        b.maxConnectionsPerAddress = (int) s.number("maxConnectionsPerAddress", DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, 1, 1_000_000);
        b.maxFrameBytesBeforeHello = s.number("maxFrameBytesBeforeHello", DEFAULT_MAX_FRAME_BYTES_BEFORE_HELLO, 256, Integer.MAX_VALUE - 16);
        b.roomWaitMs = 1000 * s.number("roomWaitSeconds", DEFAULT_ROOM_WAIT_S, 1, 3600);
        b.maxUploadBytes = s.number("maxUploadBytes", MAX_UPLOAD_BYTES, 1, MAX_UPLOAD_BYTES);
        b.maxOpenUploads = (int) s.number("maxOpenUploads", DEFAULT_MAX_OPEN_UPLOADS, 1, 100_000);
        b.uploadIdleMs = 1000 * s.number("uploadIdleSeconds", DEFAULT_UPLOAD_IDLE_S, 1, 86_400 * 7);
        b.idleTimeoutMs = 1000 * s.number("idleTimeoutSeconds", DEFAULT_IDLE_TIMEOUT_S, 1, 86_400 * 7);
        b.frameTimeoutMs = 1000 * s.number("frameTimeoutSeconds", DEFAULT_FRAME_TIMEOUT_S, 1, 86_400);
        b.authTimeoutMs = 1000 * s.number("authTimeoutSeconds", DEFAULT_AUTH_TIMEOUT_S, 1, 3600);
        b.writeTimeoutMs = 1000 * s.number("writeTimeoutSeconds", DEFAULT_WRITE_TIMEOUT_S, 1, 86_400);
        b.maxPendingRequests = (int) s.number("maxPendingRequests", DEFAULT_MAX_PENDING, 1, 1_000_000);
        b.maxQueuedEvents = (int) s.number("maxQueuedEvents", DEFAULT_MAX_QUEUED_EVENTS, 1, 100_000_000);
        b.maxInFlightBytes = s.number("maxInFlightBytes", 0, 0, Long.MAX_VALUE);
        b.workerThreads = (int) s.number("workerThreads", 0, 0, 1024);
        b.maxConcurrentCalls = (int) s.number("maxConcurrentCalls", DEFAULT_MAX_CONCURRENT_CALLS, 1, 10_000);
        b.requiredCodecs = s.names("requiredCodecs", DEFAULT_REQUIRED_CODECS, CODEC_ID, "codec id");
        b.requiredServices = s.names("requiredServices", List.of(), ExportRegistry.NAME, "service name");
        b.requiredTimeoutMs = 1000 * s.number("requiredTimeoutSeconds", DEFAULT_REQUIRED_TIMEOUT_S, 0, 3600);
        String token = s.text("token", "");
        String tokenFile = s.text("tokenFile", "");
        if (token.isEmpty() && !tokenFile.isEmpty()) {
            token = TokenFile.read(Paths.get(tokenFile));
        }
        b.token = token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
        if (b.token == null && !b.bindAddress.isLoopbackAddress() && !b.allowInsecureBind && tokenDir != null) {
            b.generatedTokenFile = tokenDir.resolve("token");
            b.token = TokenFile.readOrCreate(b.generatedTokenFile).getBytes(StandardCharsets.UTF_8);
        }
        String keyStore = s.text("tlsKeyStore", "");
        String cert = s.text("tlsCertificate", "");
        String key = s.text("tlsPrivateKey", "");
        if (!keyStore.isEmpty() && (!cert.isEmpty() || !key.isEmpty())) {
            throw new IllegalArgumentException("tlsKeyStore and tlsCertificate/tlsPrivateKey are both set; give one TLS identity");
        }
        if (!keyStore.isEmpty()) {
            b.tls = TlsContexts.fromPkcs12(Paths.get(keyStore), s.text("tlsKeyStorePassword", ""));
        } else if (!cert.isEmpty() || !key.isEmpty()) {
            if (cert.isEmpty() || key.isEmpty()) {
                throw new IllegalArgumentException("TLS from PEM files needs both tlsCertificate and tlsPrivateKey");
            }
            b.tls = TlsContexts.fromPem(Paths.get(cert), Paths.get(key));
        }
        return b.build();
    }

    /** @return true when clients must present a token */
    boolean tokenRequired() {
        return token != null;
    }

    /** @return true when no token is required or the candidate is it; in constant time */
    boolean tokenMatches(String candidate) {
        if (token == null) {
            return true;
        }
        if (candidate == null) {
            return false;
        }
        // Digests have equal length whatever the token, so the comparison takes the same time.
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] a = sha.digest(candidate.getBytes(StandardCharsets.UTF_8));
            byte[] b = sha.digest(token);
            return MessageDigest.isEqual(a, b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the in-flight budget in bytes, never below one frame of the largest size */
    long effectiveInFlightBytes() {
        long v = maxInFlightBytes > 0 ? maxInFlightBytes : Runtime.getRuntime().maxMemory() / 4;
        return Math.max(v, maxFrameBytes);
    }

    /** @return the number of request workers */
    int effectiveWorkers() {
        return workerThreads > 0 ? workerThreads : Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    }

    /**
     * @throws IllegalStateException when binding a non-loopback address without a token and without
     *         explicit permission
     */
    void checkBindIsSafe() {
        if (!bindAddress.isLoopbackAddress() && token == null && !allowInsecureBind) {
            throw new IllegalStateException("refusing to listen on " + bindAddress.getHostAddress()
                    + " without a token: anyone who can reach it could read and change the session. Set a token "
                    + "(token or tokenFile, or --token-file), or allowInsecureBind=true to accept the risk.");
        }
    }

    /** Builds limits from defaults. */
    static final class Builder {
        InetAddress bindAddress = InetAddress.getLoopbackAddress();
        int port = 0;
        long maxFrameBytes = Protocol.DEFAULT_MAX_FRAME_BYTES;
        byte[] token;
        boolean allowInsecureBind;
        int maxConnections = DEFAULT_MAX_CONNECTIONS;
        int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
        long maxFrameBytesBeforeHello = DEFAULT_MAX_FRAME_BYTES_BEFORE_HELLO;
        long roomWaitMs = DEFAULT_ROOM_WAIT_S * 1000L;
        long maxUploadBytes = MAX_UPLOAD_BYTES;
        int maxOpenUploads = DEFAULT_MAX_OPEN_UPLOADS;
        long uploadIdleMs = DEFAULT_UPLOAD_IDLE_S * 1000L;
        long idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_S * 1000L;
        long frameTimeoutMs = DEFAULT_FRAME_TIMEOUT_S * 1000L;
        long authTimeoutMs = DEFAULT_AUTH_TIMEOUT_S * 1000L;
        long writeTimeoutMs = DEFAULT_WRITE_TIMEOUT_S * 1000L;
        int maxPendingRequests = DEFAULT_MAX_PENDING;
        int maxQueuedEvents = DEFAULT_MAX_QUEUED_EVENTS;
        long maxInFlightBytes;
        int workerThreads;
        int maxConcurrentCalls = DEFAULT_MAX_CONCURRENT_CALLS;
        // Nothing required by default here: tests and embedders bring their own codecs.
        List<String> requiredCodecs = List.of();
        List<String> requiredServices = List.of();
        long requiredTimeoutMs = DEFAULT_REQUIRED_TIMEOUT_S * 1000L;
        SSLContext tls;
        Path generatedTokenFile;

        Builder token(String t) {
            token = t == null ? null : t.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        ListenerSettings build() {
            return new ListenerSettings(this);
        }
    }

    /** Looks values up in the framework properties, then the configuration. */
    private static final class Source {
        private final Map<String, ?> config;
        private final Function<String, String> framework;
        private final List<String> problems;

        Source(Map<String, ?> config, Function<String, String> framework, List<String> problems) {
            this.config = config;
            this.framework = framework;
            this.problems = problems;
        }

        private Object raw(String name) {
            String fw = framework.apply(ListenerConfiguration.FRAMEWORK_PROPERTY_PREFIX + name);
            if (fw != null && !fw.isEmpty()) {
                return fw;
            }
            return config.get(name);
        }

        String text(String name, String dflt) {
            Object v = raw(name);
            return v == null ? dflt : String.valueOf(v).trim();
        }

        long number(String name, long dflt, long min, long max) {
            return SettingValues.number(raw(name), name, dflt, min, max, problems);
        }

        /**
         * A list of names: an array or collection (a typed configuration), or a text of names separated by
         * commas or spaces (a .cfg file, the command line); an empty text for none. A name that cannot be
         * one is reported and left out.
         */
        List<String> names(String name, List<String> dflt, Pattern valid, String what) {
            Object v = raw(name);
            if (v == null) {
                return dflt;
            }
            List<String> items = new ArrayList<>();
            if (v instanceof String[]) {
                items.addAll(Arrays.asList((String[]) v));
            } else if (v instanceof Collection) {
                for (Object o : (Collection<?>) v) {
                    items.add(String.valueOf(o));
                }
            } else {
                items.addAll(Arrays.asList(String.valueOf(v).split("[,\\s]+")));
            }
            List<String> out = new ArrayList<>();
            for (String item : items) {
                String n = item.trim();
                if (n.isEmpty() || out.contains(n)) {
                    continue;
                }
                if (valid.matcher(n).matches()) {
                    out.add(n);
                } else {
                    problems.add(name + ": '" + n + "' is not a " + what + "; it is left out");
                }
            }
            return out;
        }
    }
}
