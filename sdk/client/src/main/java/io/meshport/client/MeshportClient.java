package io.meshport.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.meshport.mesh.Mesh;
import io.meshport.mesh.MeshReader;
import io.meshport.protocol.MeshportException;
import io.meshport.protocol.Protocol;
import io.meshport.wire.Cbor;
import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborMessage;
import io.meshport.wire.CborValues;
import io.meshport.wire.CborWriter;
import io.meshport.wire.Frames;
import io.meshport.wire.WireArray;
import io.meshport.wire.call.CallValues;
import io.meshport.wire.mesh.MeshCborReader;
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
    private static final MeshCborReader MESH_READER = new MeshCborReader();
    /** Meshes in call arguments and results: written and read in bulk, as put and get do. */
    static final CallValues.Meshes MESHES = new CallValues.Meshes() {
        @Override
        public Mesh read(byte[] b, int off, int len) {
            return MESH_READER.read(b, off, len, MeshReader.NO_BASE);
        }

        @Override
        public List<ByteBuffer> write(Mesh mesh) {
            return MeshCborWriter.encode(mesh);
        }
    };

    private final ClientOptions options;
    private final Object writeLock = new Object();
    private final AtomicLong ids = new AtomicLong();
    /** Tags this client's writes, so that the host applies a resent write once: {@code clientTag:requestId}. */
    private final String clientTag = java.util.UUID.randomUUID().toString();
    private final Map<Long, Pending<?>> pending = new ConcurrentHashMap<>();
    private final SpareArrays spareArrays = new SpareArrays();
    private final Map<Long, WatchState> watchers = new ConcurrentHashMap<>();
    private final ExecutorService events;
    private volatile Link link;
    private volatile String closedBecause;
    private volatile HostInfo hostInfo;
    private boolean reconnecting; // guarded by this

    /** A request waiting for its reply: how to read the result, and its frame, to send again after a reconnect. */
    private static final class Pending<T> {
        final CompletableFuture<T> future = new CompletableFuture<>();
        final ResultParser<T> parser;
        final String op;
        final Object[] frame; // ByteBuffers and WireArrays
        final byte[] reusable; // an array of the frame that the next positions update may fill once this is answered

        Pending(String op, ResultParser<T> parser, Object[] frame, byte[] reusable) {
            this.op = op;
            this.parser = parser;
            this.frame = frame;
            this.reusable = reusable;
        }
    }

    /**
     * A watch of this client: survives reconnects (the host gives it a new id each time), and catches up
     * afterwards on what changed under its prefix while the client was away.
     */
    static final class WatchState {
        final String prefix;
        final Consumer<WatchEvent> listener;
        volatile long hostId;
        volatile boolean closed;
        /** Reader thread only: each key under the prefix at the version this watch last knew it. */
        final Map<String, Long> known = new HashMap<>();
        /** Reader thread only: the events held while a catch-up after a reconnect is under way, else null. */
        List<WatchEvent> held;

        /** Reader thread: what an event delivered tells of its key. */
        void saw(WatchEvent ev) {
            if (ev.isDelete()) {
                known.remove(ev.key());
            } else {
                known.put(ev.key(), ev.version());
            }
        }

        WatchState(String prefix, Consumer<WatchEvent> listener) {
            this.prefix = prefix;
            this.listener = listener;
        }
    }

    /** Reads a reply's result; runs on the reader thread. */
    @FunctionalInterface
    private interface ResultParser<T> {
        T parse(byte[] frame, int resultStart, int resultEnd) throws CborFormatException;
    }

    /** One connection to the host; a client makes a new one after a bye or a broken connection. */
    private final class Link {
        final Socket socket;
        final OutputStream out;
        final DataInputStream in;
        final Thread reader;
        volatile boolean dead;

        Link(Socket socket) throws IOException {
            this.socket = socket;
            this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
            this.reader = new Thread(() -> readLoop(this), "meshport-client-reader");
            this.reader.setDaemon(true);
        }

        /** Converts a WireArray's values into the socket stream; only the thread holding writeLock writes. */
        private final byte[] scratch = new byte[128 * 1024];

        void write(Object[] frame) throws IOException {
            for (Object part : frame) {
                if (part instanceof WireArray) {
                    ((WireArray) part).writeTo(out, scratch);
                    continue;
                }
                ByteBuffer b = (ByteBuffer) part;
                if (b.hasArray()) {
                    out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
                } else {
                    byte[] copy = new byte[b.remaining()];
                    b.duplicate().get(copy);
                    out.write(copy);
                }
            }
        }

        byte[] readFrame() throws IOException {
            long len = in.readInt() & 0xffffffffL;
            byte[] frame = new byte[(int) len];
            in.readFully(frame);
            return frame;
        }

        void close() {
            dead = true;
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private MeshportClient(ClientOptions options) {
        this.options = options;
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "meshport-client-events");
            t.setDaemon(true);
            return t;
        });
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
            c.link = c.open(null);
        } catch (IOException e) {
            c.events.shutdown();
            throw new UncheckedIOException("cannot connect to " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            c.events.shutdown();
            throw e;
        }
        c.link.reader.start();
        return c;
    }

    /**
     * Opens a connection and says hello on it, before its reader starts.
     *
     * @param afterHello writes more frames right behind the hello, before its reply is read, or null
     * @throws IOException when the host cannot be reached or the connection breaks
     * @throws MeshportClientException when the host refuses the hello
     */
    private Link open(FrameWriter afterHello) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(options.host(), options.port()), (int) options.connectTimeout().toMillis());
            s.setSoTimeout((int) options.connectTimeout().toMillis()); // the handshake and hello count as connecting
            if (options.tlsSettings() != null) {
                s = options.tlsSettings().wrap(s, options.host(), options.port());
            }
            Link l = new Link(s);
            hostInfo = hello(l, afterHello);
            s.setSoTimeout(0);
            return l;
        } catch (IOException | RuntimeException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw e;
        }
    }

    /** @return what the host said in hello (the latest hello, after a reconnect) */
    public HostInfo hostInfo() {
        return hostInfo;
    }

    /** @return the options this client was made with */
    public ClientOptions options() {
        return options;
    }

    /** @return true until the client is closed, or gives up reconnecting */
    public boolean isOpen() {
        return closedBecause == null;
    }

    // ------------------------------------------------------------------ ops

    /** Writes frames on a connection being opened. */
    @FunctionalInterface
    private interface FrameWriter {
        void writeTo(Link l) throws IOException;
    }

    /**
     * Says hello on a new connection and reads the answer directly (its reader is not running yet).
     *
     * @param afterHello writes more frames right behind the hello (the host answers in order, and
     *        applies none of them if the hello fails), or null
     */
    private HostInfo hello(Link l, FrameWriter afterHello) throws IOException {
        CborWriter w = new CborWriter();
        long id = ids.incrementAndGet();
        int n = 4 + (options.token() != null ? 1 : 0);
        w.mapHeader(n).text("op").text("hello").text("id").uint(id).text("version").uint(Protocol.VERSION)
                .text("client").text(options.clientName());
        if (options.token() != null) {
            w.text("token").text(options.token());
        }
        l.write(frame(w, List.of()));
        if (afterHello != null) {
            afterHello.writeTo(l);
        }
        l.out.flush();
        while (true) {
            byte[] f = l.readFrame();
            try {
                CborMessage m = CborMessage.parse(f, 0, f.length);
                if (m.has("op")) {
                    if ("bye".equals(m.text("op", true))) {
                        throw new IOException("the host said bye: " + m.text("reason", false));
                    }
                    continue; // nothing else can come before the hello's reply
                }
                if (!m.bool("ok", false)) {
                    throw errorOf(m);
                }
                Map<?, ?> r = (Map<?, ?>) CborValues.decode(f, m.valueStart("result"), m.valueEnd("result"));
                return new HostInfo((String) r.get("server"), ((Number) r.get("protocol")).intValue(), (String) r.get("session"),
                        strings(r.get("codecs")), strings(r.get("services")), ((Number) r.get("maxFrameBytes")).longValue());
            } catch (CborFormatException e) {
                throw new IOException("unreadable hello reply: " + e.getMessage(), e);
            }
        }
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List) {
            for (Object x : (List<?>) o) {
                out.add(String.valueOf(x));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** @return the host's clock, epoch milliseconds */
    public long ping() {
        return await(pingAsync());
    }

    /** @return the host's clock, epoch milliseconds */
    public CompletableFuture<Long> pingAsync() {
        long id = ids.incrementAndGet();
        CborWriter w = new CborWriter(32).mapHeader(2).text("op").text("ping").text("id").uint(id);
        return send(id, "ping", w, List.of(), (f, s, e) -> ((Number) ((Map<?, ?>) CborValues.decode(f, s, e)).get("time")).longValue());
    }

    /** @param text printed on the host's console */
    public void print(String text) {
        long id = ids.incrementAndGet();
        CborWriter w = new CborWriter(32).mapHeader(3).text("op").text("print").text("id").uint(id).text("text").text(text);
        await(send(id, "print", w, List.of(), (f, s, e) -> null));
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
        return putParts(key, "mesh", MeshCborWriter.encodeLazily(mesh), ifVersion);
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
        return putParts(key, "mesh", parts, -1, parts.get(parts.size() - 1).array());
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
        return await(putParts(key, "cbor", List.of(new CborWriter().value(value).toByteBuffer()), -1));
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
        return await(putParts(key, codec, List.of(h.toByteBuffer(), ByteBuffer.wrap(payload)), ifVersion));
    }

    private CompletableFuture<PutResult> putParts(String key, String codec, List<?> body, long ifVersion) {
        return putParts(key, codec, body, ifVersion, null);
    }

    private CompletableFuture<PutResult> putParts(String key, String codec, List<?> body, long ifVersion, byte[] reusable) {
        long id = ids.incrementAndGet();
        CborWriter w = new CborWriter(128 + key.length());
        w.mapHeader(ifVersion >= 0 ? 7 : 6).text("op").text("put").text("id").uint(id).text("key").text(key)
                .text("codec").text(codec).text("requestToken").text(requestToken(id));
        if (ifVersion >= 0) {
            w.text("ifVersion").uint(ifVersion);
        }
        w.text("body");
        return send(id, "put", w, body, (f, s, e) -> {
            Map<?, ?> r = (Map<?, ?>) CborValues.decode(f, s, e);
            return new PutResult((String) r.get("key"), ((Number) r.get("version")).longValue(), (String) r.get("kind"),
                    stringKeys(r.get("summary")));
        }, reusable);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stringKeys(Object o) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (o instanceof Map) {
            ((Map<Object, Object>) o).forEach((k, v) -> m.put(String.valueOf(k), v));
        }
        return Collections.unmodifiableMap(m);
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
        return getRequest(key, "mesh", (f, s, e) -> {
            CborMessage r = CborMessage.parse(f, s, e - s);
            int b = r.valueStart("body");
            Mesh mesh = MESH_READER.read(f, b, r.valueEnd("body") - b, MeshReader.NO_BASE);
            return new MeshEntry(r.text("key", true), r.uint("version", true, 0), mesh);
        });
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
        return await(getRequest(key, codec, (f, s, e) -> {
            CborMessage r = CborMessage.parse(f, s, e - s);
            return new Entry(r.text("key", true), r.uint("version", true, 0), r.text("codec", true), r.value("body"));
        }));
    }

    private <T> CompletableFuture<T> getRequest(String key, String codec, ResultParser<T> parser) {
        long id = ids.incrementAndGet();
        CborWriter w = new CborWriter(64 + key.length());
        w.mapHeader(codec == null ? 3 : 4).text("op").text("get").text("id").uint(id).text("key").text(key);
        if (codec != null) {
            w.text("codec").text(codec);
        }
        return send(id, "get", w, List.of(), parser);
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
        long id = ids.incrementAndGet();
        CborWriter w = new CborWriter(128 + key.length());
        w.mapHeader(ifVersion >= 0 ? 5 : 4).text("op").text("delete").text("id").uint(id).text("key").text(key)
                .text("requestToken").text(requestToken(id));
        if (ifVersion >= 0) {
            w.text("ifVersion").uint(ifVersion);
        }
        return await(send(id, "delete", w, List.of(), (f, s, e) -> CborMessage.parse(f, s, e - s).uint("version", true, 0)));
    }

    /**
     * @param prefix a plain key prefix, empty for all
     * @return the entries under it, sorted by key
     */
    public List<EntryInfo> list(String prefix) {
        long id = ids.incrementAndGet();
        CborWriter w = new CborWriter(64).mapHeader(3).text("op").text("list").text("id").uint(id).text("prefix").text(prefix);
        return await(send(id, "list", w, List.of(), (f, s, e) -> {
            List<EntryInfo> rows = new ArrayList<>();
            for (Object o : (List<?>) CborValues.decode(f, s, e)) {
                Map<?, ?> m = (Map<?, ?>) o;
                rows.add(new EntryInfo((String) m.get("key"), ((Number) m.get("version")).longValue(), (String) m.get("kind"),
                        (String) m.get("codec"), ((Number) m.get("bytes")).longValue(), ((Number) m.get("updated")).longValue()));
            }
            return rows;
        }));
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
        WatchState state = new WatchState(prefix, listener);
        // Both sent at once: the host answers in order, so the watch is registered before the listing
        // comes, and watch() takes one round trip.
        CompletableFuture<Long> watched = watchAsync(state, false);
        CompletableFuture<Object> listed = listForWatch(state, false);
        await(watched);
        await(listed);
        return new Watch(this, state);
    }

    /**
     * @param renewal true after a reconnect: the watch's events are then held until its catch-up
     *        (listForWatch) has delivered what changed meanwhile
     */
    private CompletableFuture<Long> watchAsync(WatchState state, boolean renewal) {
        long id = ids.incrementAndGet();
        CborWriter w = new CborWriter(64).mapHeader(3).text("op").text("watch").text("id").uint(id).text("prefix").text(state.prefix);
        return send(id, "watch", w, List.of(), (f, s, e) -> {
            long wid = CborMessage.parse(f, s, e - s).uint("watch", true, 0);
            state.hostId = wid;
            if (renewal && state.held == null) {
                state.held = new ArrayList<>();
            }
            watchers.put(wid, state); // on the reader thread, before any event of this watch is read
            return wid;
        });
    }

    /**
     * Lists a watch's prefix: when the watch starts, to know its keys' versions; after a reconnect,
     * to deliver what changed while the client was away (catchUp).
     */
    private CompletableFuture<Object> listForWatch(WatchState state, boolean catchUp) {
        long id = ids.incrementAndGet();
        CborWriter w = new CborWriter(64).mapHeader(3).text("op").text("list").text("id").uint(id).text("prefix").text(state.prefix);
        CompletableFuture<Object> f = send(id, "list", w, List.of(), (fr, s, e) -> {
            Map<String, Long> listed = new HashMap<>();
            for (Object o : (List<?>) CborValues.decode(fr, s, e)) {
                Map<?, ?> m = (Map<?, ?>) o;
                listed.put((String) m.get("key"), ((Number) m.get("version")).longValue());
            }
            if (catchUp) {
                catchUp(state, listed);
            } else {
                for (Map.Entry<String, Long> k : listed.entrySet()) {
                    state.known.merge(k.getKey(), k.getValue(), Math::max); // an event may have told of a newer one
                }
            }
            return null;
        });
        if (catchUp) {
            f.whenComplete((v, t) -> {
                if (t != null) {
                    deliverHeld(state); // an error reply (on the reader thread), or the client closing
                }
            });
        }
        return f;
    }

    /**
     * Reader thread, after a reconnect: delivers, in version order, what changed under the prefix while
     * the client was away (from the listing against what the watch knew) with the events held since the
     * watch was renewed, each change once.
     */
    private void catchUp(WatchState state, Map<String, Long> listed) {
        List<WatchEvent> held = state.held == null ? List.of() : state.held;
        state.held = null;
        if (state.closed) {
            return;
        }
        Map<String, Long> heldPut = new HashMap<>();
        Set<String> heldDeleted = new HashSet<>();
        for (WatchEvent ev : held) {
            if (ev.isDelete()) {
                heldDeleted.add(ev.key());
            } else {
                heldPut.merge(ev.key(), ev.version(), Math::max);
            }
        }
        List<WatchEvent> out = new ArrayList<>(held);
        for (Map.Entry<String, Long> k : listed.entrySet()) {
            Long before = state.known.get(k.getKey());
            Long told = heldPut.get(k.getKey());
            if ((before == null || k.getValue() > before) && (told == null || k.getValue() > told)) {
                out.add(new WatchEvent(state.hostId, k.getKey(), k.getValue(), "put"));
            }
        }
        for (String key : state.known.keySet()) {
            if (!listed.containsKey(key) && !heldDeleted.contains(key)) {
                out.add(new WatchEvent(state.hostId, key, 0, "delete"));
            }
        }
        out.sort(java.util.Comparator.comparingLong(WatchEvent::version));
        state.known.clear();
        state.known.putAll(listed);
        for (WatchEvent ev : out) {
            deliver(state, ev);
        }
    }

    /** The catch-up's listing failed: the events held meanwhile go out as they came. */
    private void deliverHeld(WatchState state) {
        List<WatchEvent> held = state.held;
        state.held = null;
        if (held != null && !state.closed) {
            for (WatchEvent ev : held) {
                state.saw(ev);
                deliver(state, ev);
            }
        }
    }

    private void deliver(WatchState w, WatchEvent ev) {
        try {
            events.execute(() -> {
                if (!w.closed) {
                    w.listener.accept(ev);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the client is closed: nobody listens any more
        }
    }

    void unwatch(WatchState state) {
        state.closed = true;
        watchers.remove(state.hostId);
        if (!isOpen()) {
            return;
        }
        long id = ids.incrementAndGet();
        CborWriter w = new CborWriter(32).mapHeader(3).text("op").text("unwatch").text("id").uint(id).text("watch").uint(state.hostId);
        try {
            await(send(id, "unwatch", w, List.of(), (f, s, e) -> null));
        } catch (MeshportClientException e) {
            // NOT_FOUND: the connection it was made on is gone, and it with it
        }
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
        long id = ids.incrementAndGet();
        CallValues.Out argsOut = new CallValues.Out();
        Object[] a = args == null ? new Object[0] : args;
        argsOut.writer().arrayHeader(a.length);
        for (Object arg : a) {
            CallValues.write(argsOut, arg, MESHES);
        }
        CborWriter w = new CborWriter(64 + service.length() + method.length());
        w.mapHeader(5).text("op").text("call").text("id").uint(id).text("service").text(service).text("method").text(method)
                .text("args");
        return send(id, "call", w, argsOut.parts(), (f, s, e) -> CallValues.read(f, s, e, resultType, MESHES));
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
        return awaitMillis(f, timeout.toMillis());
    }

    // ------------------------------------------------------------------ plumbing

    /** @return the token that makes a write apply once, however often it is sent */
    private String requestToken(long id) {
        return clientTag + ":" + id;
    }

    private static Object[] frame(CborWriter envelope, List<?> tail) {
        long length = envelope.size();
        for (Object part : tail) {
            length += part instanceof WireArray ? ((WireArray) part).byteLength() : ((ByteBuffer) part).remaining();
        }
        Object[] frame = new Object[2 + tail.size()];
        frame[0] = Frames.header(length);
        frame[1] = envelope.toByteBuffer();
        for (int i = 0; i < tail.size(); i++) {
            Object part = tail.get(i);
            frame[2 + i] = part instanceof ByteBuffer ? ((ByteBuffer) part).duplicate() : part;
        }
        return frame;
    }

    /** @return the frame's length in bytes, its 4-byte header included */
    private static long length(Object[] frame) {
        long n = 0;
        for (Object part : frame) {
            n += part instanceof WireArray ? ((WireArray) part).byteLength() : ((ByteBuffer) part).remaining();
        }
        return n;
    }

    private <T> CompletableFuture<T> send(long id, String op, CborWriter envelope, List<?> tail, ResultParser<T> parser) {
        return send(id, op, envelope, tail, parser, null);
    }

    private <T> CompletableFuture<T> send(long id, String op, CborWriter envelope, List<?> tail, ResultParser<T> parser,
            byte[] reusable) {
        Object[] frame;
        try {
            frame = frame(envelope, tail);
        } catch (IllegalArgumentException e) { // too large for a frame
            CompletableFuture<T> f = new CompletableFuture<>();
            f.completeExceptionally(e);
            return f;
        }
        Pending<T> p = new Pending<>(op, parser, frame, reusable);
        long length = length(frame) - 4;
        HostInfo host = hostInfo;
        if (host != null && length > host.maxFrameBytes()) {
            // Sent, it would cost the connection; resent after a reconnect, it would cost it again.
            p.future.completeExceptionally(new MeshportClientException("FRAME_TOO_LARGE", "this " + op + " is " + length
                    + " bytes; the host accepts frames of at most " + host.maxFrameBytes(), null));
            return p.future;
        }
        String closed = closedBecause;
        if (closed != null) {
            p.future.completeExceptionally(new UncheckedIOException(new IOException("the connection is closed: " + closed)));
            return p.future;
        }
        pending.put(id, p);
        synchronized (writeLock) {
            Link l = link;
            if (l != null && !l.dead) { // else a reconnect is under way: it sends every request still waiting
                try {
                    l.write(dup(frame));
                    l.out.flush();
                } catch (IOException e) {
                    lost(l, "write failed: " + e.getMessage());
                }
            }
        }
        return p.future;
    }

    private static Object[] dup(Object[] frame) {
        Object[] copy = new Object[frame.length];
        for (int i = 0; i < frame.length; i++) {
            copy[i] = frame[i] instanceof ByteBuffer ? ((ByteBuffer) frame[i]).duplicate() : frame[i]; // WireArrays are immutable
        }
        return copy;
    }

    private void readLoop(Link l) {
        String why = "the host closed the connection";
        try {
            while (true) {
                String bye = dispatch(l.readFrame());
                if (bye != null) {
                    why = bye;
                    break;
                }
            }
        } catch (FrameError e) {
            // Sending the same frames again would only get the same answer: this is the end.
            l.close();
            shutdown("the host closed the connection after a frame-level error: " + e.getMessage());
            return;
        } catch (EOFException e) {
            // closed by the host
        } catch (IOException e) {
            why = "connection lost: " + e.getMessage();
        } catch (RuntimeException | CborFormatException e) {
            why = "unreadable reply from the host: " + e;
        }
        lost(l, why);
    }

    /** @return the reason when the host said bye or closes after a frame-level error, else null */
    private String dispatch(byte[] frame) throws CborFormatException {
        CborMessage m = CborMessage.parse(frame, 0, frame.length);
        if (m.has("op")) {
            String op = m.text("op", true);
            if ("event".equals(op)) {
                WatchState w = watchers.get(m.uint("watch", true, 0));
                if (w != null && !w.closed) {
                    WatchEvent ev = new WatchEvent(w.hostId, m.text("key", true), m.uint("version", true, 0), m.text("change", true));
                    if (w.held != null) {
                        w.held.add(ev); // delivered with the catch-up after the reconnect
                    } else {
                        w.saw(ev);
                        deliver(w, ev);
                    }
                }
            } else if ("bye".equals(op)) {
                return "the host said bye: " + m.text("reason", false);
            }
            return null;
        }
        boolean ok = m.bool("ok", false);
        if (!m.has("id")) {
            throw new FrameError(errorOf(m).getMessage()); // the host closes the connection after it
        }
        Pending<?> p = pending.remove(m.uint("id", true, 0));
        if (p == null) {
            return null; // a reply nobody waits for any more
        }
        if (p.reusable != null) {
            // Answered, so the host has read the whole frame: it was written and will not be resent.
            spareArrays.give(p.reusable);
        }
        if (ok) {
            complete(p, frame, m);
        } else {
            p.future.completeExceptionally(errorOf(m));
        }
        return null;
    }

    /** A frame-level error from the host: it closes the connection, and resending would repeat it. */
    private static final class FrameError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FrameError(String message) {
            super(message);
        }
    }

    private static <T> void complete(Pending<T> p, byte[] frame, CborMessage m) {
        try {
            T value = p.parser.parse(frame, m.valueStart("result"), m.valueEnd("result"));
            p.future.complete(value);
        } catch (CborFormatException | RuntimeException e) {
            p.future.completeExceptionally(e instanceof MeshportException ? e
                    : new IllegalStateException("unreadable " + p.op + " reply: " + e.getMessage(), e));
        }
    }

    private static MeshportClientException errorOf(CborMessage m) {
        Object e = m.value("error");
        if (e instanceof Map) {
            Map<?, ?> err = (Map<?, ?>) e;
            Object detail = err.get("detail");
            return new MeshportClientException(String.valueOf(err.get("code")), String.valueOf(err.get("message")),
                    detail instanceof Map ? stringKeys(detail) : null);
        }
        return new MeshportClientException("INTERNAL", "an error reply without an error map", null);
    }

    /**
     * A connection ended (a bye, the host closing, a broken socket). Unless the client is closed, or
     * reconnecting is off, a new connection is made and every request still waiting is sent again:
     * writes carry request tokens, so the host applies none twice.
     */
    private void lost(Link l, String why) {
        l.close();
        synchronized (this) {
            if (link != l || closedBecause != null) {
                return;
            }
            link = null;
            if (options.reconnectTimeout().isZero()) {
                shutdown(why);
                return;
            }
            if (reconnecting) {
                return;
            }
            reconnecting = true;
        }
        Thread t = new Thread(() -> reconnect(why), "meshport-client-reconnect");
        t.setDaemon(true);
        t.start();
    }

    /** How many bytes of waiting requests a reconnect sends behind its hello, before the reply. */
    private static final long PIPELINED_RESEND_BYTES = 64 * 1024;

    private void reconnect(String why) {
        long deadline = System.nanoTime() + options.reconnectTimeout().toNanos();
        long delay = 10;
        String last = why;
        while (closedBecause == null && System.nanoTime() < deadline) {
            Link l;
            // The first requests waiting for a reply are sent right behind the hello, not after its
            // reply: after a hot swap the host answers them together, a round trip sooner. Only as many
            // as the socket's buffers take at once (PIPELINED_RESEND_BYTES), since nothing reads the
            // replies until the hello's has come; the rest follow once the reader runs, in order (by
            // id), as do requests made meanwhile.
            Set<Long> resent = new HashSet<>();
            try {
                l = open(link -> {
                    synchronized (writeLock) {
                        List<Long> waiting = new ArrayList<>(pending.keySet());
                        waiting.sort(null);
                        long bytes = 0;
                        for (Long id : waiting) {
                            Pending<?> p = pending.get(id);
                            if (p == null) {
                                continue;
                            }
                            bytes += length(p.frame);
                            if (bytes > PIPELINED_RESEND_BYTES) {
                                break;
                            }
                            link.write(dup(p.frame));
                            resent.add(id);
                        }
                    }
                });
            } catch (MeshportClientException e) {
                shutdown("reconnecting after '" + why + "': the host refused the hello: " + e.getMessage());
                return;
            } catch (IOException | RuntimeException e) {
                last = e.getMessage();
                sleep(delay);
                delay = Math.min(2 * delay, 250);
                continue;
            }
            l.reader.start();
            synchronized (writeLock) {
                synchronized (this) {
                    if (closedBecause != null) {
                        l.close();
                        return;
                    }
                    link = l;
                    reconnecting = false;
                }
                List<Long> waiting = new ArrayList<>(pending.keySet());
                waiting.sort(null); // in the order they were first sent
                for (WatchState w : new ArrayList<>(watchers.values())) {
                    watchers.remove(w.hostId);
                    if (!w.closed) {
                        watchAsync(w, true); // sent at once on the new connection; its id arrives with the reply
                        listForWatch(w, true); // then what changed while this client was away
                    }
                }
                try {
                    for (Long id : waiting) {
                        Pending<?> p = pending.get(id);
                        if (p != null && !resent.contains(id)) {
                            l.write(dup(p.frame));
                        }
                    }
                    l.out.flush();
                } catch (IOException e) {
                    lost(l, "write failed: " + e.getMessage());
                }
            }
            return;
        }
        shutdown("the connection ended (" + why + ") and no new one could be made within "
                + options.reconnectTimeout().toSeconds() + " s: " + last);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void shutdown(String why) {
        synchronized (this) {
            if (closedBecause == null) {
                closedBecause = why;
            }
        }
        Link l = link;
        if (l != null) {
            l.close();
        }
        UncheckedIOException failure = new UncheckedIOException(new IOException("the connection is closed: " + closedBecause));
        for (Long id : new ArrayList<>(pending.keySet())) {
            Pending<?> p = pending.remove(id);
            if (p != null) {
                p.future.completeExceptionally(failure);
            }
        }
        events.shutdown();
    }

    private <T> T await(CompletableFuture<T> f) {
        return awaitMillis(f, options.requestTimeout().toMillis());
    }

    private <T> T awaitMillis(CompletableFuture<T> f, long ms) {
        try {
            return f.get(ms, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException) {
                throw (RuntimeException) c;
            }
            throw new IllegalStateException(c);
        } catch (TimeoutException e) {
            throw new UncheckedIOException(new SocketTimeoutException("no reply within " + ms + " ms"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while waiting for a reply"));
        }
    }

    /** Closes the connection; requests still waiting fail. */
    @Override
    public void close() {
        shutdown("closed by the client");
        Link l = link;
        if (l != null) {
            try {
                l.reader.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
