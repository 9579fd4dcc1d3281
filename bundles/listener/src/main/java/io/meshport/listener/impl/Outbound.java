package io.meshport.listener.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A connection's frames waiting to be written, and their writing. Replies are queued by the worker
 * that answers and written at once when the socket takes them; events are queued by the session's
 * thread and written by the selector thread, so a slow client never holds up a write to the session.
 * Everything here is guarded by one lock, and nothing is called under it that takes another lock:
 * closing the connection (which ends its watches, and so waits for the session's write lock while a
 * writer holding that lock may wait here to queue an event) is always left to the caller.
 */
final class Outbound {
    /** A frame queued for writing. */
    private static final class OutFrame {
        final ByteBuffer[] buffers;
        final boolean event;

        OutFrame(ByteBuffer[] buffers, boolean event) {
            this.buffers = buffers;
            this.event = event;
        }
    }

    /** What a queueing call asks of the selector thread. */
    enum Then { NOTHING, FINISH_WRITING, CLOSE_WRITE_FAILED, CLOSE_TOO_MANY_EVENTS }

    private final Transport transport;
    private final int maxQueuedEvents;
    private final Object lock = new Object();
    private final ArrayDeque<OutFrame> out = new ArrayDeque<>();
    private final ByteBuffer[] batch = new ByteBuffer[32];
    private long bytes;
    private int events;
    private long lastProgress;
    private boolean writePending; // the selector thread has been asked to finish writing
    private boolean closed;
    private IOException failure;

    Outbound(Transport transport, int maxQueuedEvents) {
        this.transport = transport;
        this.maxQueuedEvents = maxQueuedEvents;
    }

    /**
     * Queues a reply and writes what the socket takes now.
     *
     * @return what the selector thread must do next
     */
    Then reply(ByteBuffer[] frame) {
        synchronized (lock) {
            if (closed) {
                return Then.NOTHING;
            }
            add(new OutFrame(frame, false));
            boolean needSelector = false;
            if (!writePending) {
                try {
                    if (!flushLocked()) {
                        writePending = true;
                        needSelector = true;
                    }
                } catch (IOException e) {
                    failure = e;
                    return Then.CLOSE_WRITE_FAILED;
                }
            }
            return needSelector || bytes > ListenerSettings.OUTBOUND_HIGH_WATER ? Then.FINISH_WRITING : Then.NOTHING;
        }
    }

    /**
     * Queues a watch event for the selector thread to write. A client that leaves too many unread loses
     * its connection rather than the host's memory.
     *
     * @return what the selector thread must do next
     */
    Then event(ByteBuffer[] frame) {
        synchronized (lock) {
            if (closed) {
                return Then.NOTHING;
            }
            if (events >= maxQueuedEvents) {
                return Then.CLOSE_TOO_MANY_EVENTS;
            }
            add(new OutFrame(frame, true));
            if (writePending) {
                return Then.NOTHING;
            }
            writePending = true;
            return Then.FINISH_WRITING;
        }
    }

    /** @return the events queued and not yet written */
    int queuedEvents() {
        synchronized (lock) {
            return events;
        }
    }

    private void add(OutFrame f) {
        if (out.isEmpty()) {
            lastProgress = System.currentTimeMillis();
        }
        out.add(f);
        bytes += Replies.length(f.buffers);
        if (f.event) {
            events++;
        }
    }

    /**
     * Selector thread: writes what is queued until the socket stops taking it.
     *
     * @return true when everything was written
     * @throws IOException when writing fails (the caller closes the connection, outside this lock)
     */
    boolean flush() throws IOException {
        synchronized (lock) {
            boolean done = flushLocked();
            writePending = !done;
            return done;
        }
    }

    /** @return what a failed write that a queueing call met said */
    IOException failure() {
        synchronized (lock) {
            return failure;
        }
    }

    /**
     * Writes queued buffers until the socket stops taking them. Heap buffers are written in slices of
     * at most 1 MiB: the JDK copies each write through a temporary direct buffer of that size.
     *
     * @return true when everything queued was written
     */
    private boolean flushLocked() throws IOException {
        ByteBuffer[] batch = this.batch;
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
            java.util.Arrays.fill(batch, 0, n, null);
            if (written > 0) {
                lastProgress = System.currentTimeMillis();
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
                    events--;
                }
            }
            bytes -= written;
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

    /** @return the bytes queued and not yet written */
    long queuedBytes() {
        synchronized (lock) {
            return bytes;
        }
    }

    /** @return true when nothing waits to be written */
    boolean isEmpty() {
        synchronized (lock) {
            return out.isEmpty();
        }
    }

    /** @return true when the selector thread should watch for the socket becoming writable */
    boolean wantsWrite() {
        synchronized (lock) {
            return writePending && !out.isEmpty();
        }
    }

    /**
     * @param now the time
     * @param timeoutMs the write timeout
     * @return true when frames wait and nothing of them was written for longer than the timeout
     */
    boolean stuck(long now, long timeoutMs) {
        synchronized (lock) {
            return !out.isEmpty() && now - lastProgress > timeoutMs;
        }
    }

    /** Drops everything queued; nothing more is queued (the connection closed). */
    void close() {
        synchronized (lock) {
            closed = true;
            out.clear();
            bytes = 0;
            events = 0;
        }
    }
}
