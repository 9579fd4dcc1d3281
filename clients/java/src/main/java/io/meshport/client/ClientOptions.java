package io.meshport.client;

import java.time.Duration;
import java.util.Objects;

import io.meshport.protocol.Protocol;

/**
 * How to reach a host. Immutable; the {@code with...} methods return changed copies.
 */
public final class ClientOptions {
    private final String host;
    private final int port;
    private final String token;
    private final String clientName;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final ClientTls tls;
    private final Duration reconnectTimeout;
    private final long uploadThreshold;
    private final UploadProgress uploadProgress;

    private ClientOptions(String host, int port, String token, String clientName, Duration connectTimeout,
            Duration requestTimeout, ClientTls tls, Duration reconnectTimeout, long uploadThreshold, UploadProgress uploadProgress) {
        this.host = Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
        this.port = port;
        this.token = token;
        this.clientName = clientName;
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.tls = tls;
        this.reconnectTimeout = Objects.requireNonNull(reconnectTimeout, "reconnectTimeout");
        this.uploadThreshold = uploadThreshold;
        this.uploadProgress = uploadProgress;
        if (reconnectTimeout.isNegative()) {
            throw new IllegalArgumentException("the reconnect timeout must not be negative, not " + reconnectTimeout);
        }
    }

    /**
     * @param host host name or address
     * @param port TCP port
     * @return options with no token, a 10 s connect timeout and a 60 s request timeout
     */
    public static ClientOptions of(String host, int port) {
        return new ClientOptions(host, port, null, "meshport-java", Duration.ofSeconds(10), Duration.ofSeconds(60), null,
                Duration.ofSeconds(30), 0, null);
    }

    /** @return options for {@code 127.0.0.1} on the default port */
    public static ClientOptions local() {
        return of(Protocol.DEFAULT_BIND, Protocol.DEFAULT_PORT);
    }

    /** @param t the token, or null @return changed options */
    public ClientOptions withToken(String t) {
        return new ClientOptions(host, port, t, clientName, connectTimeout, requestTimeout, tls, reconnectTimeout, uploadThreshold, uploadProgress);
    }

    /** @param name how the client names itself to the host @return changed options */
    public ClientOptions withClientName(String name) {
        return new ClientOptions(host, port, token, name, connectTimeout, requestTimeout, tls, reconnectTimeout, uploadThreshold, uploadProgress);
    }

    /** @param d how long to wait for the connection @return changed options */
    public ClientOptions withConnectTimeout(Duration d) {
        return new ClientOptions(host, port, token, clientName, d, requestTimeout, tls, reconnectTimeout, uploadThreshold, uploadProgress);
    }

    /** @param d how long a blocking call waits for its reply @return changed options */
    public ClientOptions withRequestTimeout(Duration d) {
        return new ClientOptions(host, port, token, clientName, connectTimeout, d, tls, reconnectTimeout, uploadThreshold, uploadProgress);
    }

    /**
     * Speaks TLS, trusting the CAs this JVM trusts, and checking that the host's certificate names
     * the host connected to.
     *
     * @return changed options
     */
    public ClientOptions withTls() {
        return new ClientOptions(host, port, token, clientName, connectTimeout, requestTimeout, ClientTls.system(), reconnectTimeout, uploadThreshold, uploadProgress);
    }

    /**
     * Speaks TLS, trusting the certificates in a PEM file (a private CA, or the host's own certificate),
     * and checking that the host's certificate names the host connected to.
     *
     * @param pemFile the certificates to trust
     * @return changed options
     * @throws IllegalArgumentException when the file holds no readable certificate
     */
    public ClientOptions withTrustedCertificates(java.nio.file.Path pemFile) {
        return new ClientOptions(host, port, token, clientName, connectTimeout, requestTimeout, ClientTls.trusting(pemFile), reconnectTimeout, uploadThreshold, uploadProgress);
    }

    /**
     * Speaks TLS and accepts exactly one host certificate, by its SHA-256 fingerprint (hex, colons
     * allowed, as {@code openssl x509 -noout -fingerprint -sha256} prints it); no CA is involved.
     *
     * @param sha256 the fingerprint
     * @return changed options
     */
    public ClientOptions withPinnedCertificate(String sha256) {
        return new ClientOptions(host, port, token, clientName, connectTimeout, requestTimeout, ClientTls.pinned(sha256), reconnectTimeout, uploadThreshold, uploadProgress);
    }

    /**
     * Speaks TLS with a context of your own (client certificates, other trust stores...).
     *
     * @param context the context
     * @return changed options
     */
    public ClientOptions withTls(javax.net.ssl.SSLContext context) {
        return new ClientOptions(host, port, token, clientName, connectTimeout, requestTimeout, ClientTls.of(context), reconnectTimeout, uploadThreshold, uploadProgress);
    }

    /**
     * How long the client keeps trying to reconnect after a {@code bye} or a broken connection (for
     * example while the host's listener is updated). Meanwhile requests wait; once reconnected, the
     * ones without a reply are sent again (writes carry request tokens, so the host applies each once)
     * and watches are renewed. {@link Duration#ZERO} turns reconnecting off: requests then fail with
     * the connection.
     *
     * @param timeout how long to try (default 30 s)
     * @return changed options
     */
    public ClientOptions withReconnect(Duration timeout) {
        return new ClientOptions(host, port, token, clientName, connectTimeout, requestTimeout, tls, timeout, uploadThreshold, uploadProgress);
    }

    /**
     * Sends a payload larger than {@code bytes} as an upload (docs/protocol.md section 10): in pieces, resumed
     * after a reconnect from what the host holds, with progress reported. Payloads larger than one frame
     * are always uploaded (when the host supports it).
     *
     * @param bytes the payload size above which puts are uploaded; 0 for "above one frame" (the default)
     * @return changed options
     */
    public ClientOptions withUploadThreshold(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("the upload threshold must not be negative, not " + bytes);
        }
        return new ClientOptions(host, port, token, clientName, connectTimeout, requestTimeout, tls, reconnectTimeout, bytes, uploadProgress);
    }

    /** @return the payload size above which puts are uploaded; 0: above one frame */
    public long uploadThreshold() {
        return uploadThreshold;
    }

    /**
     * @param progress told how far each upload got, after each piece the host acknowledged; null for none
     * @return changed options
     */
    public ClientOptions withUploadProgress(UploadProgress progress) {
        return new ClientOptions(host, port, token, clientName, connectTimeout, requestTimeout, tls, reconnectTimeout, uploadThreshold, progress);
    }

    /** @return what is told how far uploads got, or null */
    public UploadProgress uploadProgress() {
        return uploadProgress;
    }

    /** @return how long the client tries to reconnect, zero when it does not */
    public Duration reconnectTimeout() {
        return reconnectTimeout;
    }

    /** @return true when the connection is made with TLS */
    public boolean tls() {
        return tls != null;
    }

    ClientTls tlsSettings() {
        return tls;
    }

    /** @return the host */
    public String host() {
        return host;
    }

    /** @return the port */
    public int port() {
        return port;
    }

    /** @return the token, or null */
    public String token() {
        return token;
    }

    /** @return the client name sent in hello */
    public String clientName() {
        return clientName;
    }

    /** @return the connect timeout */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** @return the request timeout of blocking calls */
    public Duration requestTimeout() {
        return requestTimeout;
    }
}
