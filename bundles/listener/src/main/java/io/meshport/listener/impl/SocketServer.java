package io.meshport.listener.impl;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.meshport.session.MemoryAccount;
import io.meshport.session.SessionStore;
import io.meshport.support.Log;
import io.meshport.swap.ListeningSockets;

/**
 * The socket server: one selector thread does all socket I/O for every connection, a pool of
 * workers handles requests (each connection's in order), and nothing a client does can block the
 * selector thread. See {@link Connection} for the per-client state machine.
 */
final class SocketServer {
    private static final long TICK_MS = 100;
    private static final long SCAN_MS = 250;

    final ListenerSettings limits;
    final CodecRegistry codecs;
    final ExportRegistry exports;
    final CallDispatcher calls;
    final Log log;
    final InFlightBudget budget;
    final FrameRoom room;
    final FramePool frames = new FramePool();
    final PreDecoder preDecoder;
    final RequestHandler handler;
    final ByteBuffer scratch = ByteBuffer.allocate(64 * 1024); // selector thread: input being discarded
    private final Supplier<SessionStore> store;

    final Map<Long, Connection> connections = new ConcurrentHashMap<>();
    private final Acceptor acceptor = new Acceptor(this);
    final LogLimiter logLimit;
    /** Uploads open in the host (docs/protocol.md section 10); handed from one listener to the next. */
    final Uploads uploads;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Connection> budgetWaiters = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private Selector selector;
    private ServerSocketChannel server;
    private SelectionKey acceptKey;
    private ListeningSockets sockets;
    private ThreadPoolExecutor workers;
    private Thread selectorThread;
    private volatile boolean running;
    volatile boolean accepting;
    private InetSocketAddress address;

    /**
     * @param limits the settings
     * @param store supplies the session (looked up per request, so the store can be replaced)
     * @param codecs the codecs
     * @param exports the services exported to callers
     * @param log where to report
     */
    SocketServer(ListenerSettings limits, Supplier<SessionStore> store, CodecRegistry codecs, ExportRegistry exports, Log log) {
        this.limits = limits;
        this.store = store;
        this.codecs = codecs;
        this.exports = exports;
        this.log = log;
        this.calls = new CallDispatcher(this, limits.maxConcurrentCalls);
        this.preDecoder = new PreDecoder(this);
        this.logLimit = new LogLimiter(log);
        this.uploads = new Uploads(log);
        this.budget = new InFlightBudget(limits.effectiveInFlightBytes());
        this.room = new FrameRoom(budget, new Supplier<MemoryAccount>() { // not a lambda: see DaemonThreads
            @Override
            public MemoryAccount get() {
                SessionStore s = store.get();
                return s == null ? null : s.memory();
            }
        });
        this.handler = new RequestHandler(this);
    }

    /**
     * Binds and starts serving.
     *
     * @throws IOException when the address cannot be bound
     */
    void start() throws IOException {
        start(true);
    }

    /**
     * Binds and starts the selector thread and the workers.
     *
     * @param acceptNow false to leave clients in the listening socket's backlog until {@link #acceptConnections()}
     * @throws IOException when the address cannot be bound
     */
    void start(boolean acceptNow) throws IOException {
        limits.checkBindIsSafe();
        selector = Selector.open();
        InetSocketAddress bind = new InetSocketAddress(limits.bindAddress, limits.port);
        try {
            if (sockets != null) {
                server = sockets.acquire(bind, 1024); // stays bound when this server stops for an update
            } else {
                server = ServerSocketChannel.open();
                server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                server.bind(bind, 1024);
                server.configureBlocking(false);
            }
            acceptKey = server.register(selector, acceptNow ? SelectionKey.OP_ACCEPT : 0);
        } catch (IOException e) {
            if (server != null && sockets == null) {
                server.close();
            }
            selector.close();
            throw new IOException("cannot listen on " + limits.bindAddress.getHostAddress() + ":" + limits.port + ": " + e.getMessage(), e);
        }
        address = (InetSocketAddress) server.getLocalAddress();
        int n = limits.effectiveWorkers();
        workers = new ThreadPoolExecutor(n, n, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), new DaemonThreads("meshport-worker-", log));
        workers.allowCoreThreadTimeOut(true);
        running = true;
        accepting = true;
        selectorThread = new Thread(new Runnable() { // not a lambda: see DaemonThreads
            @Override
            public void run() {
                loop();
            }
        }, "meshport-selector");
        selectorThread.setDaemon(true);
        selectorThread.start();
    }

    /** Starts accepting the clients that wait in the backlog, and later ones (after {@code start(false)}). */
    void acceptConnections() {
        post(new Runnable() { // not a lambda: see DaemonThreads
            @Override
            public void run() {
                if (accepting && acceptKey.isValid()) {
                    acceptKey.interestOps(SelectionKey.OP_ACCEPT);
                }
            }
        });
    }

    /** @return where the server listens */
    InetSocketAddress address() {
        return address;
    }

    /** @return open connections */
    int openConnections() {
        return connections.size();
    }

    SessionStore store() {
        return store.get();
    }

    void execute(Runnable r) {
        try {
            workers.execute(r);
        } catch (RejectedExecutionException e) {
            log.warn("a request arrived while the listener stops; it is dropped", null);
        }
    }

    /** Runs a task on the selector thread. */
    void post(Runnable r) {
        tasks.add(r);
        if (wakeupPending.compareAndSet(false, true)) {
            Selector s = selector;
            if (s != null) {
                s.wakeup();
            }
        }
    }

    /**
     * @param c a connection whose next frame found no room
     * @param seen {@link FrameRoom#releases()} before it looked
     */
    void awaitBudget(Connection c, long seen) {
        budgetWaiters.add(c);
        if (room.releases() != seen) {
            post(resumeWaiters); // room was given back between its look and now
        }
    }

    /** Gives back the room of a frame, waking the connections that wait for room. */
    void releaseRoom(FrameRoom.Held held) {
        room.give(held);
        if (!budgetWaiters.isEmpty()) {
            post(resumeWaiters);
        }
    }

    private final Runnable resumeWaiters = new Runnable() { // not a lambda: see DaemonThreads
        @Override
        public void run() {
            resumeBudgetWaiters();
        }
    };

    private void resumeBudgetWaiters() {
        int n = budgetWaiters.size();
        for (int i = 0; i < n; i++) {
            Connection c = budgetWaiters.poll();
            if (c == null) {
                break;
            }
            c.resumeAfterBudget(); // waits again if there is still no room
        }
    }

    void closed(Connection c) {
        if (connections.remove(c.id) != null) {
            acceptor.closed(c);
        }
    }

    /** Fire-and-forget failures go to the log, at most ten a second, so a misbehaving client cannot flood it. */
    void logRequestFailure(Connection c, String message) {
        logLimit.warn("request failed", c.describe() + ": " + message);
    }

    // ---------------------------------------------------------------- selector thread

    /**
     * The selector thread's loop. Nothing that goes wrong with one connection or one task ends it: the
     * connection is closed, the failure logged, and the loop goes on. An error of the whole loop (the
     * selector failing, the heap running out while it allocates) is logged loudly and the loop starts
     * again, on a new selector if the old one is broken; the listener never goes deaf silently.
     */
    private void loop() {
        long lastScan = System.currentTimeMillis();
        int failuresInARow = 0;
        try {
            while (running) {
                try {
                    lastScan = turn(lastScan);
                    failuresInARow = 0;
                } catch (IOException | java.nio.channels.ClosedSelectorException e) {
                    if (!running) {
                        break;
                    }
                    log.error("the listener's selector failed; serving goes on with a new one", e);
                    renewSelector();
                    failuresInARow++;
                } catch (Throwable t) {
                    if (!running) {
                        break;
                    }
                    failuresInARow++;
                    log.error("the listener's selector thread met " + t + "; it goes on serving (failure " + failuresInARow
                            + " in a row)", t instanceof OutOfMemoryError ? null : t);
                }
                if (failuresInARow > 0) {
                    sleep(Math.min(1000, 10L << Math.min(failuresInARow, 6))); // let the heap or the system recover
                }
            }
        } finally {
            for (Connection c : connections.values()) {
                c.close(null);
            }
            acceptor.closeAll();
            try {
                selector.close();
            } catch (IOException e) {
                // stopping anyway
            }
        }
    }

    /** One turn of the loop: select, run posted tasks, serve what is ready, check timeouts now and then. */
    private long turn(long lastScan) throws IOException {
        selector.select(TICK_MS);
        wakeupPending.set(false);
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException | OutOfMemoryError e) {
                log.error("a task of the listener's selector thread failed", e);
            }
        }
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey k = it.next();
            it.remove();
            try {
                if (!k.isValid()) {
                    continue;
                }
                if (k.isAcceptable()) {
                    acceptor.acceptAll(server, selector);
                    continue;
                }
                Object a = k.attachment();
                if (a instanceof Refusals.Lingering) {
                    acceptor.onReadable((Refusals.Lingering) a, scratch);
                    continue;
                }
                Connection c = (Connection) a;
                if (k.isWritable()) {
                    c.onWritable();
                }
                if (k.isValid() && k.isReadable()) {
                    c.onReadable();
                }
            } catch (java.nio.channels.CancelledKeyException e) {
                // closed while being handled
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                log.error("unexpected failure on the selector thread; the connection it served is closed", e);
                Object a = k.attachment();
                if (a instanceof Connection) {
                    ((Connection) a).close("internal error");
                }
            }
        }
        long now = System.currentTimeMillis();
        if (now - lastScan >= SCAN_MS) {
            for (Connection c : connections.values()) {
                c.checkTimeouts(now);
            }
            acceptor.expire(now);
            uploads.expire(now, limits.uploadIdleMs);
            frames.trim();
            logLimit.flush();
            return now;
        }
        return lastScan;
    }

    /** Moves every channel to a new selector, after the old one failed. */
    private void renewSelector() {
        Selector old = selector;
        try {
            Selector fresh = Selector.open();
            for (SelectionKey k : old.keys()) {
                if (!k.isValid()) {
                    continue;
                }
                SelectionKey nk = k.channel().register(fresh, k.interestOps(), k.attachment());
                if (k.attachment() instanceof Connection) {
                    ((Connection) k.attachment()).key = nk;
                } else if (k == acceptKey) {
                    acceptKey = nk;
                }
            }
            selector = fresh;
            try {
                old.close();
            } catch (IOException e) {
                // it failed already
            }
        } catch (IOException | RuntimeException e) {
            log.error("the listener could not make a new selector; it tries again", e);
        }
    }

    // ---------------------------------------------------------------- stopping

    /**
     * Stops: no new connections; requests already received are answered (within half the timeout);
     * then every client gets {@code bye} and its connection closes once that is written.
     *
     * @param reason the bye reason
     * @param timeoutMs the longest the stop may take
     * @return how many clients were told bye (the caller logs it, with the rest of the stop in the same line)
     */
    int stop(String reason, long timeoutMs) {
        if (!running) {
            return 0;
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        accepting = false;
        java.util.concurrent.CountDownLatch acceptStopped = new java.util.concurrent.CountDownLatch(1);
        // Stopping uses no lambda (nor stream): each revision stops once, so each would be linked here, cold,
        // while the clients wait for the next revision.
        post(new Runnable() {
            @Override
            public void run() {
                closeServer(); // borrowed: only stop accepting; clients connecting meanwhile wait in the backlog
                for (Connection c : connections.values()) {
                    c.stopping = true;
                    c.setPause(ConnectionReader.PAUSE_STOPPING, true);
                }
                acceptStopped.countDown();
            }
        });
        // Accepting runs on the selector thread: until this task has run there, a connection accepted
        // a moment ago may still be on its way into the connections map, and would miss the bye below
        // and hold this stop for its whole timeout.
        try {
            if (!acceptStopped.await(Math.max(1, timeoutMs / 4), TimeUnit.MILLISECONDS)) {
                log.warn("the selector thread did not stop accepting within " + timeoutMs / 4 + " ms", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long answerBy = System.currentTimeMillis() + timeoutMs / 2;
        // Polled every millisecond: while the listener restarts, clients wait, and 10 ms steps showed
        // as 10 to 20 ms more of their wait.
        while (System.currentTimeMillis() < answerBy && anyBusy()) {
            sleep(1);
        }
        calls.stop(Math.max(0, answerBy - System.currentTimeMillis()));
        int byes = 0;
        for (Connection c : connections.values()) {
            // One line for them all: a line per client (with the log's call-site lookup each) was a
            // measurable part of a hot swap with many clients connected.
            if (c.closeAfter(Replies.bye(reason), "stopping: " + reason, false)) {
                byes++;
            }
        }
        while (System.currentTimeMillis() < deadline && !connections.isEmpty()) {
            sleep(1);
        }
        running = false;
        selector.wakeup();
        try {
            selectorThread.join(Math.max(100, deadline - System.currentTimeMillis() + 500));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdown();
        preDecoder.stop();
        try {
            if (!workers.awaitTermination(1, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        closeServer();
        return byes;
    }

    private boolean anyBusy() {
        for (Connection c : connections.values()) {
            if (c.busy()) {
                return true;
            }
        }
        return false;
    }

    /** Stops accepting: closes the server channel, or, when it is borrowed, only lets go of it. */
    private void closeServer() {
        if (sockets != null) {
            acceptKey.cancel();
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /**
     * Borrows the listening channel instead of opening one, so that it stays bound across a restart
     * of this server (call before {@link #start()}).
     *
     * @param keeper keeps the channels
     */
    void borrowSocketsFrom(ListeningSockets keeper) {
        this.sockets = keeper;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
