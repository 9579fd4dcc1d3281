package io.meshport.listener.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.meshport.protocol.ErrorCode;
import io.meshport.session.SessionChange;
import io.meshport.session.SessionStore;

/**
 * One client connection. Reading and interest changes happen on the selector thread; requests are
 * handled one at a time, in order, on a worker; replies are written by whichever thread queues them
 * when the socket takes them at once, else by the selector thread when it becomes writable. Events
 * from the session are only queued by the session's thread and written by the selector thread, so a
 * slow client never holds up a write to the session.
 */
final class Connection {
    // Why reading is paused (selector thread only); reading runs only when none applies.
    static final int PAUSE_PENDING = 1;
    static final int PAUSE_OUTBOUND = 2;
    static final int PAUSE_BUDGET = 4;
    static final int PAUSE_EOF = 8;
    static final int PAUSE_STOPPING = 16;
    /** A frame too large for a connection that has not authenticated waits for the answer to its hello. */
    static final int PAUSE_AUTH = 32;

    static final int MAX_WATCHES = 1024;
    private static final long LINGER_MS = 2000;

    enum State { OPEN, CLOSING, CLOSED }

    /** A connection-level failure found by the selector thread, handled in order with the requests. */
    static final class Fatal {
        final ErrorCode code;
        final String message;

        Fatal(ErrorCode code, String message) {
            this.code = code;
            this.message = message;
        }
    }

    /** A frame queued for writing. */
    private static final class OutFrame {
        final ByteBuffer[] buffers;
        final boolean event;

        OutFrame(ByteBuffer[] buffers, boolean event) {
            this.buffers = buffers;
            this.event = event;
        }
    }

    final long id;
    final SocketChannel channel;
    final Transport transport;
    final String remote;
    /** The client's address, for the per-address limit. */
    final java.net.InetAddress address;
    final FrameDecoder decoder;
    final long connectedAt;
    private final SocketServer server;
    SelectionKey key;

    private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    private int pause;                 // selector thread
    private boolean discarding;        // selector thread: input is read and dropped
    private boolean eof;               // selector thread
    private boolean outputShut;        // selector thread
    private long closingDeadline;      // selector thread
    private long frameStartedAt;       // selector thread
    private long roomWaitSince;        // selector thread: since when the next frame waits for room, or 0
    private boolean spoke;             // selector thread: a whole frame has arrived

    private final Object outLock = new Object();
    private final ArrayDeque<OutFrame> out = new ArrayDeque<>();
    private long outBytes;
    private int outEvents;
    private long lastWriteProgress;
    private boolean writePending;      // the selector thread has been asked to finish writing

    volatile State state = State.OPEN;
    volatile boolean authenticated;
    volatile String client = "";
    volatile long lastActivity;
    volatile boolean stopping;
    private final Map<Long, Watch> watches = new ConcurrentHashMap<>();
    private volatile ArrivingFrame arriving; // a large frame decoded while it arrives, until it is handled
    private final AtomicLong nextWatch = new AtomicLong();

    Connection(long id, SocketChannel channel, Transport transport, String remote, java.net.InetAddress address, SocketServer server) {
        this.id = id;
        this.channel = channel;
        this.transport = transport;
        this.remote = remote;
        this.address = address;
        this.server = server;
        this.decoder = new FrameDecoder(server.limits.maxFrameBytes, server.room, server.frames);
        this.decoder.largeBodies = drainTask; // each Task passes large bodies on to largeBodyStarted
        if (server.limits.tokenRequired()) {
            decoder.limitBeforeAuth(server.limits.maxFrameBytesBeforeHello);
        }
        this.connectedAt = System.currentTimeMillis();
        this.lastActivity = connectedAt;
    }

    /**
     * The connection's tasks for the selector thread and the workers. One class rather than a lambda each:
     * a revision of this bundle that an update has just installed links each lambda on its first use, and
     * these first uses fall in the hot swap's gap, while the clients wait (issue 5's measure). The recurring
     * ones are made once, so handling a request allocates none.
     */
    private final class Task implements Runnable, FrameDecoder.LargeBodies {
        static final int DRAIN = 0;
        static final int CHECK_FINISHED = 1;
        static final int AFTER_QUEUED = 2;
        static final int RESUME_PENDING = 3;
        static final int LINGER = 4;
        static final int CLOSE = 5;

        private final int what;
        private final String why;

        Task(int what, String why) {
            this.what = what;
            this.why = why;
        }

        @Override
        public void run() {
            switch (what) {
                case DRAIN -> drain();
                case CHECK_FINISHED -> checkFinished();
                case AFTER_QUEUED -> afterQueued();
                case RESUME_PENDING -> resumePending();
                case LINGER -> linger();
                default -> close(why);
            }
        }

        @Override
        public ArrivingFrame started(byte[] body) {
            return largeBodyStarted(body);
        }
    }

    private final Task drainTask = new Task(Task.DRAIN, null);
    private final Task checkFinishedTask = new Task(Task.CHECK_FINISHED, null);
    private final Task afterQueuedTask = new Task(Task.AFTER_QUEUED, null);
    private final Task resumePendingTask = new Task(Task.RESUME_PENDING, null);

    /** @return a name for logs */
    String describe() {
        return "client " + id + " (" + remote + (client.isEmpty() ? "" : ", " + client) + ")";
    }

    // ---------------------------------------------------------------- reading (selector thread)

    void onReadable() {
        try {
            if (discarding) {
                discard();
                return;
            }
            if (authenticated) {
                decoder.limitBeforeAuth(0);
            }
            while (pause == 0 && state == State.OPEN) {
                FrameDecoder.Event ev = decoder.poll(transport);
                switch (ev) {
                    case FRAME:
                        lastActivity = System.currentTimeMillis();
                        spoke = true;
                        roomWaitSince = 0;
                        enqueue(decoder.takeFrame());
                        break;
                    case REFUSED:
                        lastActivity = System.currentTimeMillis();
                        spoke = true;
                        roomWaitSince = 0;
                        enqueue(decoder.takeRefused());
                        break;
                    case NEED_MORE:
                    case YIELD:
                        trackFrameStart();
                        if (transport.wantsWrite()) {
                            updateInterest(); // a TLS handshake has records the socket did not take yet
                        }
                        if (ev == FrameDecoder.Event.YIELD && transport.bufferedInput()) {
                            server.post(this::onReadable); // TLS holds the rest: the selector will not report it
                        }
                        return;
                    case WAIT_BUDGET:
                        frameStartedAt = 0;
                        if (roomWaitSince == 0) {
                            roomWaitSince = System.currentTimeMillis();
                        }
                        setPause(PAUSE_BUDGET, true);
                        server.awaitBudget(this, decoder.waitedAtReleases());
                        return;
                    case BEFORE_AUTH:
                        if (authenticated) { // its hello was answered while this frame's length was read
                            decoder.limitBeforeAuth(0);
                            break;
                        }
                        if (pending.get() > 0) {
                            setPause(PAUSE_AUTH, true); // a hello (or what is refused as none) is being answered
                            return;
                        }
                        enqueueFatal(new Fatal(ErrorCode.UNAUTHORIZED, "this host needs a token: say hello with it before"
                                + " sending frames above " + server.limits.maxFrameBytesBeforeHello + " bytes (this one is "
                                + decoder.rejectedLength() + ")"));
                        return;
                    case EOF:
                        eof = true;
                        setPause(PAUSE_EOF, true);
                        checkFinished();
                        return;
                    case EMPTY_FRAME:
                        enqueueFatal(new Fatal(ErrorCode.BAD_FRAME, "the frame's length is 0; a frame holds one CBOR map"));
                        return;
                    default: // TOO_LARGE
                        enqueueFatal(new Fatal(ErrorCode.FRAME_TOO_LARGE, "the frame is " + decoder.rejectedLength()
                                + " bytes; this host accepts at most " + server.limits.maxFrameBytes));
                        return;
                }
            }
        } catch (IOException e) {
            close("read failed: " + e.getMessage());
        }
    }

    /**
     * Selector thread: a frame of {@link PreDecoder#MIN_FRAME_BYTES} or more has begun to arrive. Its
     * decode starts at once if it will be the next request handled (nothing else pending) and the
     * connection may write (authenticated, or no token needed).
     *
     * @return the frame to tell about the bytes that arrive, or null
     */
    private ArrivingFrame largeBodyStarted(byte[] body) {
        if (state != State.OPEN || discarding || stopping || pending.get() != 0 || arriving != null
                || (server.limits.tokenRequired() && !authenticated)) {
            return null;
        }
        ArrivingFrame a = server.preDecoder.start(body);
        arriving = a;
        return a;
    }

    /**
     * @param frame a frame being handled
     * @return its decode begun while it arrived, or null
     */
    ArrivingFrame arrivingFor(byte[] frame) {
        ArrivingFrame a = arriving;
        return a != null && a.frame == frame ? a : null;
    }

    private void trackFrameStart() {
        if (decoder.inFrame() && !decoder.awaitingBudget()) {
            if (frameStartedAt == 0) {
                frameStartedAt = System.currentTimeMillis();
            }
        } else {
            frameStartedAt = 0;
        }
    }

    private void enqueue(Object item) {
        inbox.add(item);
        if (pending.incrementAndGet() >= server.limits.maxPendingRequests) {
            setPause(PAUSE_PENDING, true);
        }
        schedule();
    }

    private void enqueueFatal(Fatal fatal) {
        // Requests read before this one are answered first; nothing after it is read.
        discarding = true;
        updateInterest();
        enqueue(fatal);
    }

    private void discard() throws IOException {
        ByteBuffer scratch = server.scratch;
        for (int i = 0; i < 64; i++) {
            scratch.clear();
            int n = transport.read(scratch);
            if (n < 0) {
                eof = true;
                if (outputShut) {
                    close(null);
                } else {
                    checkFinished();
                }
                return;
            }
            if (n == 0) {
                return;
            }
        }
    }

    void setPause(int reason, boolean on) {
        int before = pause;
        pause = on ? pause | reason : pause & ~reason;
        if (before != pause) {
            updateInterest();
            if (pause == 0 && state == State.OPEN && !discarding) {
                onReadable(); // bytes may already be buffered in the decoder
            }
        }
    }

    void resumeAfterBudget() {
        if (state == State.OPEN) {
            setPause(PAUSE_BUDGET, false);
        }
    }

    /** Selector thread: requests were answered, so reading may go on (and a frame waiting for a hello's answer be judged). */
    private void resumePending() {
        if (pending.get() == 0) {
            setPause(PAUSE_AUTH, false);
        }
        setPause(PAUSE_PENDING, false);
    }

    private void updateInterest() {
        if (key == null || !key.isValid()) {
            return;
        }
        int ops = 0;
        if ((pause == 0 && state == State.OPEN) || discarding) {
            ops |= SelectionKey.OP_READ;
        }
        synchronized (outLock) {
            if (writePending && !out.isEmpty() || transport.wantsWrite()) {
                ops |= SelectionKey.OP_WRITE;
            }
        }
        key.interestOps(ops);
    }

    // ---------------------------------------------------------------- handling (worker)

    void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            server.execute(drainTask);
        }
    }

    private void drain() {
        int handled = 0;
        while (true) {
            Object item = inbox.poll();
            if (item == null) {
                scheduled.set(false);
                if (inbox.isEmpty() || !scheduled.compareAndSet(false, true)) {
                    server.post(checkFinishedTask);
                    return;
                }
                continue;
            }
            java.util.concurrent.CompletableFuture<Void> later = null;
            try {
                if (state == State.OPEN) {
                    if (item instanceof FrameRoom.Held) {
                        later = server.handler.handle(this, ((FrameRoom.Held) item).frame);
                    } else if (item instanceof FrameDecoder.Refused) {
                        server.handler.refused(this, (FrameDecoder.Refused) item);
                    } else {
                        Fatal f = (Fatal) item;
                        closeAfter(Replies.error(null, f.code, f.message, null), f.code.name() + ": " + f.message);
                    }
                }
            } catch (Throwable t) {
                server.log.error("unexpected failure handling a request of " + describe(), t);
            } finally {
                if (later == null) {
                    finished(item);
                }
            }
            if (later != null) {
                // A call runs on its own thread: this connection stays scheduled (so its next request
                // waits, and replies keep their order) while this worker goes to other connections.
                later.whenComplete((v, t) -> {
                    finished(item);
                    server.execute(drainTask);
                });
                return;
            }
            if (++handled >= 32) {
                server.execute(drainTask); // let other connections' requests run
                return;
            }
        }
    }

    private void finished(Object item) {
        if (item instanceof FrameRoom.Held) {
            FrameRoom.Held held = (FrameRoom.Held) item;
            byte[] frame = held.frame;
            server.releaseRoom(held);
            ArrivingFrame a = arrivingFor(frame);
            if (a != null) {
                arriving = null;
                a.abandon(); // its decode, if still running, reads this array: it is not reused
            } else {
                server.frames.give(frame); // answered: neither the handler nor a codec holds it any more
            }
        }
        int p = pending.decrementAndGet();
        if (p == server.limits.maxPendingRequests - 1 || p == 0) {
            server.post(resumePendingTask);
        }
    }

    /**
     * Selector thread.
     *
     * @return true when the connection has proven itself: authenticated on a host with a token, or sent
     *         a whole request on one without
     */
    boolean proven() {
        return server.limits.tokenRequired() ? authenticated : spoke;
    }

    /** @return true when requests have been received and not yet answered */
    boolean busy() {
        return pending.get() > 0;
    }

    // ---------------------------------------------------------------- writing

    /**
     * Queues a reply and writes what the socket takes now.
     *
     * @param frame the frame
     */
    void send(ByteBuffer[] frame) {
        boolean needSelector = false;
        synchronized (outLock) {
            if (state == State.CLOSED) {
                return;
            }
            add(new OutFrame(frame, false));
            if (!writePending) {
                try {
                    if (!flushLocked()) {
                        writePending = true;
                        needSelector = true;
                    }
                } catch (IOException e) {
                    server.post(new Task(Task.CLOSE, "write failed: " + e.getMessage()));
                    return;
                }
            }
            if (outBytes > ServerLimits.OUTBOUND_HIGH_WATER) {
                needSelector = true;
            }
        }
        if (needSelector) {
            server.post(afterQueuedTask);
        }
    }

    /**
     * Queues a watch event; the selector thread writes it. A client that leaves too many unread
     * loses its connection rather than the host's memory.
     *
     * @param frame the event frame
     */
    void sendEvent(ByteBuffer[] frame) {
        synchronized (outLock) {
            if (state == State.CLOSED) {
                return;
            }
            if (outEvents >= server.limits.maxQueuedEvents) {
                if (state == State.OPEN) {
                    state = State.CLOSING;
                    server.log.warn(describe() + " left " + outEvents + " watch events unread; closing it", null);
                    server.post(new Task(Task.CLOSE, "too slow reading events"));
                }
                return;
            }
            add(new OutFrame(frame, true));
            if (writePending) {
                return;
            }
            writePending = true;
        }
        server.post(afterQueuedTask);
    }

    private void add(OutFrame f) {
        if (out.isEmpty()) {
            lastWriteProgress = System.currentTimeMillis();
        }
        out.add(f);
        outBytes += Replies.length(f.buffers);
        if (f.event) {
            outEvents++;
        }
    }

    /** Selector thread: write what is queued, then set interest and back-pressure. */
    private void afterQueued() {
        if (state == State.CLOSED) {
            return;
        }
        boolean done;
        long bytes;
        IOException failed = null;
        synchronized (outLock) {
            try {
                done = flushLocked();
            } catch (IOException e) {
                done = false;
                failed = e;
            }
            writePending = !done;
            bytes = outBytes;
        }
        if (failed != null) {
            // Closed outside the lock: closing ends the watches, which waits for the session's write lock,
            // while a writer holding that lock may be waiting for this one to queue an event.
            close("write failed: " + failed.getMessage());
            return;
        }
        if (bytes > ServerLimits.OUTBOUND_HIGH_WATER) {
            setPause(PAUSE_OUTBOUND, true);
        } else if (bytes < ServerLimits.OUTBOUND_LOW_WATER) {
            setPause(PAUSE_OUTBOUND, false);
        }
        updateInterest();
        if (done) {
            checkFinished();
        }
    }

    void onWritable() {
        afterQueued();
    }

    /**
     * Writes queued buffers until the socket stops taking them. Heap buffers are written in slices of
     * at most 1 MiB: the JDK copies each write through a temporary direct buffer of that size.
     *
     * @return true when everything queued was written
     */
    private boolean flushLocked() throws IOException {
        ByteBuffer[] batch = new ByteBuffer[32];
        while (!out.isEmpty()) {
            int n = 0;
            long total = 0;
            for (OutFrame f : out) {
                for (ByteBuffer b : f.buffers) {
                    if (!b.hasRemaining()) {
                        continue;
                    }
                    int take = (int) Math.min(b.remaining(), FrameDecoder.MAX_READ_BYTES - total);
                    ByteBuffer slice = b.duplicate();
                    slice.limit(slice.position() + take);
                    batch[n++] = slice;
                    total += take;
                    if (n == batch.length || total >= FrameDecoder.MAX_READ_BYTES) {
                        break;
                    }
                }
                if (n == batch.length || total >= FrameDecoder.MAX_READ_BYTES) {
                    break;
                }
            }
            long written = transport.write(batch, 0, n);
            if (written > 0) {
                lastWriteProgress = System.currentTimeMillis();
            }
            // Advance the queued buffers by what was written, dropping finished frames.
            long left = written;
            while (!out.isEmpty()) {
                OutFrame f = out.peek();
                for (ByteBuffer b : f.buffers) {
                    int step = (int) Math.min(b.remaining(), left);
                    b.position(b.position() + step);
                    left -= step;
                }
                if (!done(f)) {
                    break;
                }
                out.poll();
                if (f.event) {
                    outEvents--;
                }
            }
            outBytes -= written;
            if (written < total) {
                return false;
            }
        }
        return transport.flush();
    }

    private static boolean done(OutFrame f) {
        for (ByteBuffer b : f.buffers) {
            if (b.hasRemaining()) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- closing

    /**
     * Sends a last frame, then closes once it is written (the client's further input is read and
     * dropped, so that it sees the frame rather than a reset).
     *
     * @param lastFrame the frame to send, e.g. an error or bye
     * @param why for the log
     */
    void closeAfter(ByteBuffer[] lastFrame, String why) {
        closeAfter(lastFrame, why, true);
    }

    /**
     * @param logged false when the caller reports the closing of many connections in one line (a stop)
     * @return true when this connection was open and is now closing
     */
    boolean closeAfter(ByteBuffer[] lastFrame, String why, boolean logged) {
        if (state != State.OPEN) {
            return false;
        }
        send(lastFrame);
        state = State.CLOSING;
        if (logged) {
            server.logLimit.info("connection closed", "closing " + describe() + ": " + why);
        } else {
            server.log.debug("closing " + describe() + ": " + why);
        }
        server.post(new Task(Task.LINGER, null));
        return true;
    }

    /** Selector thread: after the last frame is queued, reads are only discarded until it is written. */
    private void linger() {
        discarding = true;
        closingDeadline = System.currentTimeMillis() + LINGER_MS;
        updateInterest();
        checkFinished();
    }

    /** Selector thread: close when there is nothing more to do. */
    void checkFinished() {
        if (state == State.CLOSED) {
            return;
        }
        boolean outEmpty;
        synchronized (outLock) {
            outEmpty = out.isEmpty();
        }
        if (state == State.CLOSING && outEmpty && !outputShut) {
            outputShut = true;
            try {
                transport.shutdownOutput();
            } catch (IOException e) {
                close(null);
                return;
            }
            if (eof) {
                close(null);
            }
            return;
        }
        if (state == State.OPEN && eof && pending.get() == 0 && outEmpty) {
            close(null);
        }
    }

    /**
     * Selector thread: checks the timeouts of this connection.
     *
     * @param now the time
     */
    void checkTimeouts(long now) {
        ServerLimits l = server.limits;
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.CLOSING) {
            if (closingDeadline > 0 && now > closingDeadline) {
                close(null);
            }
            return;
        }
        boolean stuck;
        synchronized (outLock) {
            stuck = !out.isEmpty() && now - lastWriteProgress > l.writeTimeoutMs;
        }
        if (stuck) { // closed outside the lock, as in afterQueued
            server.logLimit.warn("write timeout", describe() + " read nothing of its replies for " + l.writeTimeoutMs / 1000 + " s; closing it");
            close("write timeout");
            return;
        }
        if (transport.handshaking() && now - connectedAt > l.authTimeoutMs) {
            close("TLS handshake not finished within " + l.authTimeoutMs / 1000 + " s");
            return;
        }
        if (l.tokenRequired() && !authenticated && now - connectedAt > l.authTimeoutMs) {
            closeAfter(Replies.error(null, ErrorCode.UNAUTHORIZED, "no hello with the token within "
                    + l.authTimeoutMs / 1000 + " s", null), "no authentication in time");
            return;
        }
        if (!spoke && roomWaitSince == 0 && now - connectedAt > l.authTimeoutMs) {
            // Before its first request a connection has the short timeout: idle sockets and half headers
            // must not hold the host's connection slots for the idle or frame timeout.
            closeAfter(Replies.bye("no request within " + l.authTimeoutMs / 1000 + " s of connecting"), "no first request in time");
            return;
        }
        if (frameStartedAt > 0 && now - frameStartedAt > l.frameTimeoutMs) {
            closeAfter(Replies.bye("a frame took longer than " + l.frameTimeoutMs / 1000 + " s to arrive"), "frame timeout");
            return;
        }
        if (roomWaitSince > 0 && now - roomWaitSince > l.roomWaitMs && decoder.refuseWaiting("the host had no room for this "
                + "frame for " + l.roomWaitMs / 1000 + " s (other large frames are being received); try again later")) {
            roomWaitSince = 0;
            setPause(PAUSE_BUDGET, false); // its body is read and dropped, and the request answered OVERLOADED
            return;
        }
        if (!busy() && !decoder.inFrame() && watches.isEmpty() && !stopping && now - lastActivity > l.idleTimeoutMs) {
            closeAfter(Replies.bye("idle for " + l.idleTimeoutMs / 1000 + " s"), "idle");
        }
    }

    /**
     * Selector thread: closes the socket now and lets go of everything the connection holds.
     *
     * @param why for the log, or null
     */
    void close(String why) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (why != null) {
            server.logLimit.info("connection closed", "closed " + describe() + ": " + why);
        }
        if (key != null) {
            key.cancel();
        }
        try {
            transport.close();
        } catch (IOException e) {
            // closing anyway
        }
        FrameRoom.Held partial = decoder.release();
        if (partial != null) {
            server.releaseRoom(partial); // through the server, so that connections waiting for room wake up
        }
        ArrivingFrame a = arriving;
        if (a != null) {
            a.abandon();
        }
        for (Watch w : watches.values()) {
            w.subscription.close();
        }
        watches.clear();
        synchronized (outLock) {
            out.clear();
            outBytes = 0;
            outEvents = 0;
        }
        Object item;
        while ((item = inbox.poll()) != null) {
            finished(item);
        }
        server.closed(this);
    }

    // ---------------------------------------------------------------- watches

    /**
     * Subscribes to changes under a prefix and answers the request; events for the watch are held
     * back until its reply is queued, so a client never sees an event for a watch it does not know.
     *
     * @param requestId the id of the watch request, or null
     * @param prefix the key prefix
     * @param store the session
     */
    void watch(Long requestId, String prefix, SessionStore store) {
        if (watches.size() >= MAX_WATCHES) {
            throw new io.meshport.protocol.MeshportException(ErrorCode.OVERLOADED,
                    "this connection already has " + MAX_WATCHES + " watches; unwatch some first");
        }
        long wid = nextWatch.incrementAndGet();
        Watch w = new Watch(wid);
        w.subscription = store.subscribe(prefix, w::changed);
        watches.put(wid, w);
        if (requestId != null) {
            send(Replies.ok(requestId, Map.of("watch", wid)));
        }
        w.ready();
    }

    /**
     * @param watchId a watch of this connection
     * @return true when it existed and was ended
     */
    boolean unwatch(long watchId) {
        Watch w = watches.remove(watchId);
        if (w == null) {
            return false;
        }
        w.subscription.close();
        return true;
    }

    /** One watch: forwards the session's changes as events. */
    private final class Watch {
        final long watchId;
        SessionStore.Subscription subscription;
        private List<SessionChange> early = new ArrayList<>();

        Watch(long watchId) {
            this.watchId = watchId;
        }

        synchronized void changed(SessionChange change) {
            if (early != null) {
                early.add(change);
            } else {
                sendEvent(Replies.event(watchId, change));
            }
        }

        synchronized void ready() {
            for (SessionChange c : early) {
                sendEvent(Replies.event(watchId, c));
            }
            early = null;
        }
    }
}
