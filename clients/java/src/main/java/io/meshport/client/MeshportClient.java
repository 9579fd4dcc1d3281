package io.meshport.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.meshport.mesh.Mesh;
import io.meshport.wire.Cbor;
import io.meshport.wire.CborWriter;
import io.meshport.wire.mesh.MeshCborWriter;

/**
 * A connection to a Meshport host. Thread safe: any number of threads may send requests; each call
 * has an {@code ...Async} form returning a future, so many requests can be in flight at once
 * (pipelining), and replies come back in the order sent. Blocking calls wait at most the options'
 * request timeout.
 *
 * <p>Errors the host reports are thrown as {@link MeshportClientException} carrying the protocol's
 * error code; a lost connection as {@link UncheckedIOException}. Watch events are delivered on one
 * event thread per client, in order.
 *
 * <pre>{@code
 * try (MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", 18830))) {
 *     c.put("geo/tri", mesh);
 *     Mesh back = c.getMesh("geo/tri").mesh();
 * }
 * }</pre>
 */
public final class MeshportClient implements AutoCloseable {
    // The facade: each method writes its request (Envelopes) and says how to read its reply (Replies).
    // Connection sends it and routes the reply; Link is one socket, Requests the table of requests
    // waiting, Reconnector makes a new link after one ends, Watches keeps the watches.
    private final ClientOptions options;
    private final SpareArrays spareArrays = new SpareArrays();
    private final Connection connection;

    private MeshportClient(ClientOptions options) {
        this.options = options;
        this.connection = new Connection(options, spareArrays);
    }

    /**
     * Connects to the default port on this machine.
     *
     * @return the client, after a successful hello
     */
    public static MeshportClient connect() {
        return connect(ClientOptions.local());
    }

    /**
     * @param host host name or address
     * @param port TCP port
     * @return the client, after a successful hello
     */
    public static MeshportClient connect(String host, int port) {
        return connect(ClientOptions.of(host, port));
    }

    /**
     * Connects and says hello (with the token, if any).
     *
     * @param options where and how
     * @return the client
     * @throws UncheckedIOException when the host cannot be reached
     * @throws MeshportClientException when the host refuses the hello (e.g. {@code UNAUTHORIZED})
     */
    public static MeshportClient connect(ClientOptions options) {
        MeshportClient c = new MeshportClient(options);
        try {
            c.connection.connect();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
        }
        return c;
    }

    /** @return what the host said in hello (the latest hello, after a reconnect) */
    public HostInfo hostInfo() {
        return connection.hostInfo();
    }

    /** @return the options this client was made with */
    public ClientOptions options() {
        return options;
    }

    /** @return true until the client is closed, or gives up reconnecting */
    public boolean isOpen() {
        return connection.isOpen();
    }

    // ------------------------------------------------------------------ ops

    /** @return the host's clock, epoch milliseconds */
    public long ping() {
        return await(pingAsync());
    }

    /** @return the host's clock, epoch milliseconds */
    public CompletableFuture<Long> pingAsync() {
        long id = connection.nextId();
        return connection.send(id, "ping", Envelopes.ping(id), List.of(), Replies::time);
    }

    /** @param text printed on the host's console */
    public void print(String text) {
        long id = connection.nextId();
        await(connection.send(id, "print", Envelopes.print(id, text), List.of(), Replies::nothing));
    }

    /**
     * Puts a mesh (codec {@code mesh}, arrays as little-endian typed arrays).
     *
     * @param key the key
     * @param mesh the mesh
     * @return the result
     */
    public PutResult put(String key, Mesh mesh) {
        return await(putAsync(key, mesh, -1));
    }

    /**
     * Puts a mesh if the key is at {@code ifVersion} (0: absent).
     *
     * @param key the key
     * @param mesh the mesh
     * @param ifVersion the version the key must be at
     * @return the result
     */
    public PutResult put(String key, Mesh mesh, long ifVersion) {
        return await(putAsync(key, mesh, ifVersion));
    }

    /**
     * @param key the key
     * @param mesh the mesh
     * @param ifVersion the version the key must be at, or -1 for any
     * @return the result, later
     */
    public CompletableFuture<PutResult> putAsync(String key, Mesh mesh, long ifVersion) {
        // The arrays are converted while they are written: no 36 MB buffer for a 1,000,000-point mesh
        // first, and the first bytes leave at once. A built mesh never changes, so a resend after a
        // reconnect converts them again from the same arrays.
        List<Object> parts = MeshCborWriter.encodeLazily(mesh);
        return putParts(key, "mesh", parts, parts, ifVersion, null);
    }

    /**
     * Replaces the positions of the mesh stored at {@code key}, which must be at version {@code base}
     * and have as many points; its faces, other attributes, name and meta are kept.
     *
     * @param key the key
     * @param base the version being updated
     * @param positions {@code x y z} per point
     * @return the result
     */
    public PutResult updatePositions(String key, long base, float[] positions) {
        return await(updatePositionsAsync(key, base, positions));
    }

    /**
     * @param key the key
     * @param base the version being updated
     * @param positions {@code x y z} per point
     * @return the result, later
     */
    public CompletableFuture<PutResult> updatePositionsAsync(String key, long base, float[] positions) {
        // Converted now, so the caller may change its array at once; into an array that an answered
        // update of the same size gave back, so that streaming does not allocate a new one each time.
        List<ByteBuffer> parts = MeshCborWriter.encodePositionsUpdate(base, FloatBuffer.wrap(positions),
                spareArrays.take(4 * positions.length));
        return putParts(key, "mesh", parts, parts, -1, parts.get(parts.size() - 1).array());
    }

    /**
     * Puts a plain value with codec {@code cbor}: maps, lists, strings, numbers, booleans, null,
     * {@code byte[]}.
     *
     * @param key the key
     * @param value the value
     * @return the result
     */
    public PutResult putCbor(String key, Object value) {
        List<ByteBuffer> item = List.of(new CborWriter().value(value).toByteBuffer());
        return await(putParts(key, "cbor", item, item, -1, null));
    }

    /**
     * Puts bytes with codec {@code bytes}.
     *
     * @param key the key
     * @param bytes the bytes
     * @return the result
     */
    public PutResult putBytes(String key, byte[] bytes) {
        return put(key, "bytes", bytes, -1);
    }

    /**
     * Puts a payload as a byte string body, for any codec (for example a PLY file with codec
     * {@code ply}).
     *
     * @param key the key
     * @param codec the codec id
     * @param payload the payload bytes
     * @param ifVersion the version the key must be at, or -1 for any
     * @return the result
     */
    public PutResult put(String key, String codec, byte[] payload, long ifVersion) {
        CborWriter h = new CborWriter(16).header(Cbor.MAJOR_BYTES, payload.length);
        return await(putParts(key, codec, List.of(h.toByteBuffer(), ByteBuffer.wrap(payload)), List.of(ByteBuffer.wrap(payload)),
                ifVersion, null));
    }

    /**
     * @param body the put's body parts
     * @param payload what the codec gets of them (the body, or a byte string body's content): an upload's bytes
     * @param reusable an array of the body that an update may fill again once this is answered, or null
     */
    private CompletableFuture<PutResult> putParts(String key, String codec, List<?> body, List<?> payload, long ifVersion,
            byte[] reusable) {
        PayloadParts parts = new PayloadParts(payload);
        long frameBytes = parts.length() + 256 + key.length(); // the envelope is a few dozen bytes
        if (Uploader.wanted(connection.hostInfo(), options, parts.length(), frameBytes)) {
            return new Uploader(connection, options.uploadProgress()).upload(key, codec, parts, ifVersion);
        }
        long id = connection.nextId();
        CborWriter envelope = Envelopes.put(id, key, codec, connection.token(id), ifVersion);
        return connection.send(id, "put", envelope, body, Replies::putResult, reusable, true);
    }

    /**
     * Gets a mesh (codec {@code mesh}).
     *
     * @param key the key
     * @return the entry
     */
    public MeshEntry getMesh(String key) {
        return await(getMeshAsync(key));
    }

    /**
     * @param key the key
     * @return the entry, later
     */
    public CompletableFuture<MeshEntry> getMeshAsync(String key) {
        long id = connection.nextId();
        return connection.send(id, "get", Envelopes.get(id, key, "mesh"), List.of(), Replies::meshEntry);
    }

    /**
     * Gets a value with the codec it was put with, decoded as plain Java values.
     *
     * @param key the key
     * @return the entry
     */
    public Entry get(String key) {
        return get(key, null);
    }

    /**
     * Gets a value through a given codec, decoded as plain Java values.
     *
     * @param key the key
     * @param codec the codec id, or null for the one it was put with
     * @return the entry
     */
    public Entry get(String key, String codec) {
        long id = connection.nextId();
        return await(connection.send(id, "get", Envelopes.get(id, key, codec), List.of(), Replies::entry));
    }

    /**
     * @param key the key to delete
     * @return the version of the delete
     */
    public long delete(String key) {
        return delete(key, -1);
    }

    /**
     * @param key the key to delete
     * @param ifVersion the version it must be at, or -1 for any
     * @return the version of the delete
     */
    public long delete(String key, long ifVersion) {
        long id = connection.nextId();
        return await(connection.send(id, "delete", Envelopes.delete(id, key, connection.token(id), ifVersion), List.of(),
                Replies::version));
    }

    /**
     * @param prefix a plain key prefix, empty for all
     * @return the entries under it, sorted by key
     */
    public List<EntryInfo> list(String prefix) {
        long id = connection.nextId();
        return await(connection.send(id, "list", Envelopes.list(id, prefix), List.of(), Replies::entries));
    }

    /**
     * Watches the keys under a prefix. The watch lasts across reconnects, and catches up after one:
     * the keys under the prefix that changed while the client was away come as events too (one per
     * key, at its current version; a key deleted meanwhile as a delete with version 0, its version
     * being unknown), before any later event, all in version order. To know what changed, the watch
     * lists the prefix when it starts and again after each reconnect.
     *
     * @param prefix a plain key prefix
     * @param listener receives the changes, in version order, on the client's event thread
     * @return the watch; closing it unwatches
     */
    public Watch watch(String prefix, Consumer<WatchEvent> listener) {
        return new Watch(connection.watches, connection.watches.start(prefix, listener));
    }

    /**
     * Calls a method of a service the host exports, with plain arguments (numbers, text, booleans,
     * null, lists, maps, records, enums, meshes).
     *
     * @param service the exported name, e.g. {@code "nodes"}
     * @param method the method
     * @param args its arguments
     * @return the result as plain values: maps, lists, {@code Long}, {@code Double}, text, booleans,
     *         null ({@link #service(String, Class)} gives typed results)
     * @throws MeshportClientException {@code NO_SERVICE}, {@code NO_METHOD}, {@code BAD_ARGS},
     *         {@code CALL_FAILED}, or whatever the method failed with
     */
    public Object call(String service, String method, Object... args) {
        return await(callAsync(service, method, args));
    }

    /**
     * @param service the exported name
     * @param method the method
     * @param args its arguments
     * @return the result as plain values, later
     */
    public CompletableFuture<Object> callAsync(String service, String method, Object... args) {
        return callAsync(service, method, args, Object.class);
    }

    /** Sends a call; its result is read as {@code resultType} on the reader thread. */
    CompletableFuture<Object> callAsync(String service, String method, Object[] args, java.lang.reflect.Type resultType) {
        long id = connection.nextId();
        List<?> argParts = Envelopes.callArgs(args);
        return connection.send(id, "call", Envelopes.call(id, service, method), argParts, Replies.callResult(resultType));
    }

    /**
     * A typed proxy of a service the host exports: calling a method of {@code type} calls the host,
     * and its result comes back as the method's return type (records, enums, lists, maps, meshes).
     * Results are values, so {@code equals}, {@code hashCode} and {@code toString} work on them as on
     * local objects; the proxy itself equals another proxy of the same service, type and client.
     * Errors are {@link MeshportClientException}s carrying the protocol code.
     *
     * @param <T> the interface
     * @param name the exported name, e.g. {@code "nodes"}
     * @param type the interface the service is exported with, e.g. {@code NodeGraph.class}
     * @return the proxy; each call waits at most the client's request timeout
     */
    public <T> T service(String name, Class<T> type) {
        return service(name, type, options.requestTimeout());
    }

    /**
     * @param <T> the interface
     * @param name the exported name
     * @param type the interface
     * @param timeout how long each call of this proxy waits for its reply
     * @return the proxy
     */
    public <T> T service(String name, Class<T> type, java.time.Duration timeout) {
        return ServiceProxy.create(this, name, type, timeout);
    }

    /** Waits for a reply at most {@code timeout}. */
    <T> T await(CompletableFuture<T> f, java.time.Duration timeout) {
        return Requests.await(f, timeout.toMillis());
    }

    private <T> T await(CompletableFuture<T> f) {
        return Requests.await(f, options.requestTimeout().toMillis());
    }

    /** Closes the connection; requests still waiting fail. */
    @Override
    public void close() {
        connection.close();
    }
}
