package io.meshport.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborMessage;
import io.meshport.wire.CborWriter;

/**
 * The client's connection to its host across links: sends each request on the current link and routes
 * what the link's reader receives (replies to {@link Requests}, events to {@link Watches}, the link's
 * end to the {@link Reconnector}), until the client ends. Owns the parts it wires together.
 *
 * <p>Locking. Two locks, always taken in this order: {@link #writeLock}, then this object's monitor.
 * <ul>
 * <li>{@code writeLock} makes writes to a link whole and ordered: a request is written under it; the
 * reconnector holds it while it writes the first waiting requests behind its hello and while it
 * installs the new link and sends renewals and the other waiting requests, so that nothing is written
 * on a new link ahead of them.
 * <li>This object's monitor guards the transitions of {@link #link} (dropped when it ends, installed
 * after a reconnect) and of {@link #closedBecause}, so that a link ends once and a closed client
 * installs none. Both fields are volatile: readers take no lock.
 * </ul>
 * A request is added to the table before its write is tried: when no live link is there, the
 * reconnect under way sends it (it lists the table after installing the link, under the write lock).
 * Threads: callers send; each link's reader thread routes replies and events and reports its end; the
 * reconnector's thread opens and installs links; any thread may close.
 */
final class Connection implements Link.Receiver {
    final Object writeLock = new Object();
    final Requests requests = new Requests();
    final Watches watches;
    private final ClientOptions options;
    private final SpareArrays spareArrays;
    private final Connector connector;
    private final Reconnector reconnector;
    private volatile Link link;
    private volatile String closedBecause;
    private volatile HostInfo hostInfo;

    Connection(ClientOptions options, SpareArrays spareArrays) {
        this.options = options;
        this.spareArrays = spareArrays;
        this.connector = new Connector(options, requests, this);
        this.watches = new Watches(this, options);
        this.reconnector = new Reconnector(options, this);
    }

    /**
     * Opens the first link and starts its reader.
     *
     * @throws IOException when the host cannot be reached
     * @throws MeshportClientException when the host refuses the hello
     */
    void connect() throws IOException {
        try {
            Link l = open(null);
            link = l;
            l.startReading();
        } catch (IOException | RuntimeException e) {
            watches.shutdown();
            throw e;
        }
    }

    /** Opens a link and says hello on it (see {@link Connector#open}); the hello's answer becomes {@link #hostInfo()}. */
    Link open(Connector.AfterHello afterHello) throws IOException {
        Link l = connector.open(afterHello);
        hostInfo = l.host;
        return l;
    }

    HostInfo hostInfo() {
        return hostInfo;
    }

    boolean isOpen() {
        return closedBecause == null;
    }

    long nextId() {
        return requests.nextId();
    }

    /** @return the token that makes a write apply once, however often it is sent */
    String token(long id) {
        return requests.token(id);
    }

    <T> CompletableFuture<T> send(long id, String op, CborWriter envelope, List<?> body, Replies.Parser<T> parser) {
        return send(id, op, envelope, body, parser, null, true);
    }

    /**
     * Sends a request on the current link only: when that link ends before the reply (or none is live
     * now), it fails with {@link Requests.LinkLost} instead of going again on the next one, for a caller
     * that asks the host what it holds rather than sending everything again.
     */
    <T> CompletableFuture<T> sendOnce(long id, String op, CborWriter envelope, List<?> body, Replies.Parser<T> parser) {
        return send(id, op, envelope, body, parser, null, false);
    }

    /**
     * Sends a request, or leaves it to the reconnect under way.
     *
     * @param id its id, from {@link #nextId()}
     * @param envelope the request map up to its body
     * @param body the parts of its body, may be empty
     * @param parser reads the reply's result, on the reader thread
     * @param reusable an array of the body to hand back to {@link SpareArrays} once answered, or null
     * @param resend whether a reconnect sends it again (see {@link #sendOnce})
     * @return the result, later
     */
    <T> CompletableFuture<T> send(long id, String op, CborWriter envelope, List<?> body, Replies.Parser<T> parser,
            byte[] reusable, boolean resend) {
        RequestFrame frame;
        try {
            frame = RequestFrame.of(envelope, body);
        } catch (IllegalArgumentException e) { // too large for a frame
            CompletableFuture<T> f = new CompletableFuture<>();
            f.completeExceptionally(e);
            return f;
        }
        Requests.Pending<T> p = new Requests.Pending<>(op, parser, frame, reusable, resend);
        long length = frame.length() - 4;
        HostInfo host = hostInfo;
        if (host != null && length > host.maxFrameBytes()) {
            // Sent, it would cost the connection; resent after a reconnect, it would cost it again.
            p.future.completeExceptionally(new MeshportClientException("FRAME_TOO_LARGE", "this " + op + " is " + length
                    + " bytes; the host accepts frames of at most " + host.maxFrameBytes(), null));
            return p.future;
        }
        String closed = closedBecause;
        if (closed != null) {
            p.future.completeExceptionally(closedError(closed));
            return p.future;
        }
        requests.add(id, p);
        if (closedBecause != null) {
            // Closed since the check above, perhaps after the table was failed: fail what is left, this too.
            requests.failAll(closedError(closedBecause));
            return p.future;
        }
        synchronized (writeLock) {
            Link l = link;
            // Not live: a reconnect is under way and sends every request still waiting (or, for one
            // sent once, fails it). Written on it already: the reconnect listed this request before this
            // thread got here. Not in the table: failed meanwhile, with its link.
            if (l == null || !l.isLive()) {
                if (!resend && requests.take(id) == p) {
                    p.future.completeExceptionally(new Requests.LinkLost("no link was live when it was made"));
                }
            } else if (p.writtenOn != l && requests.get(id) == p) {
                try {
                    p.writtenOn = l;
                    l.write(frame);
                    l.flush();
                } catch (IOException e) {
                    reconnector.lost(l, "write failed: " + e.getMessage());
                }
            }
        }
        return p.future;
    }

    @Override
    public String received(Link l, byte[] frame) throws CborFormatException {
        CborMessage m = CborMessage.parse(frame, 0, frame.length);
        if (m.has("op")) {
            String op = m.text("op", true);
            if ("event".equals(op)) {
                watches.onEvent(m);
            } else if ("bye".equals(op)) {
                return "the host said bye: " + m.text("reason", false);
            }
            return null;
        }
        boolean ok = m.bool("ok", false);
        if (!m.has("id")) {
            throw new Link.FrameError(Replies.error(m).getMessage()); // the host closes the connection after it
        }
        Requests.Pending<?> p = requests.take(m.uint("id", true, 0));
        if (p == null) {
            return null; // a reply nobody waits for any more
        }
        if (p.reusable != null) {
            // Answered, so the host has read the whole frame: it was written and will not be resent.
            spareArrays.give(p.reusable);
        }
        p.answer(ok, frame, m);
        return null;
    }

    @Override
    public void ended(Link l, String why) {
        reconnector.lost(l, why);
    }

    @Override
    public void failed(Link l, String why) {
        shutdown(why);
    }

    /**
     * A link ended: forgets it, unless another replaced it already or the client is closed.
     *
     * @return true when it was the current link of an open client (now none)
     */
    synchronized boolean drop(Link l) {
        if (link != l || closedBecause != null) {
            return false;
        }
        link = null;
        return true;
    }

    /**
     * Installs a reconnected link; called holding {@link #writeLock}.
     *
     * @return false when the client was closed meanwhile (the link is then not used)
     */
    synchronized boolean install(Link l) {
        if (closedBecause != null) {
            return false;
        }
        link = l;
        return true;
    }

    /** Ends the client: closes the link, fails every waiting request, stops the event thread. */
    void shutdown(String why) {
        synchronized (this) {
            if (closedBecause == null) {
                closedBecause = why;
            }
        }
        Link l = link;
        if (l != null) {
            l.close();
        }
        requests.failAll(closedError(closedBecause));
        watches.shutdown();
    }

    /** Closes the client and waits a moment for the reader thread to end. */
    void close() {
        shutdown("closed by the client");
        Link l = link;
        if (l != null) {
            try {
                l.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static UncheckedIOException closedError(String why) {
        return new UncheckedIOException(new IOException("the connection is closed: " + why));
    }
}
