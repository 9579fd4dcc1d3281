package io.meshport.listener.impl;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.function.Consumer;

import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborValues;
import io.meshport.wire.CborWriter;

/** A client that sends hand-made frames and reads raw replies, to test the protocol itself. */
final class RawClient implements AutoCloseable {
    final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    RawClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
    }

    /** Sends a frame holding these bytes. */
    RawClient frame(byte[] body) throws IOException {
        out.write(ByteBuffer.allocate(4).putInt(body.length).array());
        out.write(body);
        out.flush();
        return this;
    }

    /** Sends a frame holding a map written by {@code fields} (which writes the header too). */
    RawClient send(Consumer<CborWriter> fields) throws IOException {
        CborWriter w = new CborWriter();
        fields.accept(w);
        return frame(w.toByteArray());
    }

    /** Sends raw bytes, no framing. */
    RawClient bytes(byte[] b) throws IOException {
        out.write(b);
        out.flush();
        return this;
    }

    /** Reads one frame and decodes it. */
    @SuppressWarnings("unchecked")
    Map<Object, Object> read() throws IOException {
        int n = in.readInt();
        byte[] b = new byte[n];
        in.readFully(b);
        try {
            return (Map<Object, Object>) CborValues.decode(b);
        } catch (CborFormatException e) {
            throw new IOException(e);
        }
    }

    /** @return true when the host closed the connection (within the socket timeout) */
    boolean closedByHost() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset counts as closed
        }
    }

    /** Reads frames until the host closes, returning the last one (or null). */
    Map<Object, Object> readUntilClosed() throws IOException {
        Map<Object, Object> last = null;
        while (true) {
            try {
                last = read();
            } catch (EOFException e) {
                return last;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    // ---------------------------------------------------------------- helpers added for the protocol tests

    /** A value that is already encoded CBOR, written as it is by {@link #encode}. */
    static final class Enc {
        final byte[] bytes;

        Enc(byte[] bytes) {
            this.bytes = bytes;
        }
    }

    /** Events read while looking for a reply, oldest first. */
    final Deque<Map<Object, Object>> events = new ArrayDeque<>();

    /**
     * Encodes a message: a definite map of text keys and values written by
     * {@link CborWriter#value(Object)} ({@link Enc} values are copied as they are).
     */
    static byte[] encode(Object... kv) {
        if (kv.length % 2 != 0) {
            throw new IllegalArgumentException("key/value pairs expected");
        }
        CborWriter w = new CborWriter();
        w.mapHeader(kv.length / 2);
        for (int i = 0; i < kv.length; i += 2) {
            w.text((String) kv[i]);
            Object v = kv[i + 1];
            if (v instanceof Enc) {
                w.raw(((Enc) v).bytes, 0, ((Enc) v).bytes.length);
            } else {
                w.value(v);
            }
        }
        return w.toByteArray();
    }

    /** @return the bytes of a frame (length prefix and body) */
    static byte[] framed(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    /** Sends a message built by {@link #encode}. */
    RawClient msg(Object... kv) throws IOException {
        return frame(encode(kv));
    }

    /** Sends a message that has an integer "id" and reads the reply to it (events met are kept in {@link #events}). */
    Map<Object, Object> call(Object... kv) throws IOException {
        Long id = null;
        for (int i = 0; i < kv.length; i += 2) {
            if ("id".equals(kv[i])) {
                id = ((Number) kv[i + 1]).longValue();
            }
        }
        if (id == null) {
            throw new IllegalArgumentException("call needs an id");
        }
        msg(kv);
        return reply(id);
    }

    /**
     * Reads frames until the reply with this id; events on the way are kept. Any other frame (a reply
     * with another id, bye, an error without id) is a failure: replies come in order.
     */
    Map<Object, Object> reply(long id) throws IOException {
        for (int i = 0; i < 100_000; i++) {
            Map<Object, Object> f = read();
            if ("event".equals(f.get("op"))) {
                events.add(f);
                continue;
            }
            if (!Long.valueOf(id).equals(f.get("id"))) {
                throw new AssertionError("expected the reply to id " + id + ", got " + f);
            }
            return f;
        }
        throw new AssertionError("no reply to id " + id + " among 100000 frames");
    }

    /** @return the next event: one kept by {@link #reply}, else the next frame, which must be an event */
    Map<Object, Object> event() throws IOException {
        Map<Object, Object> e = events.poll();
        if (e == null) {
            e = read();
        }
        if (!"event".equals(e.get("op"))) {
            throw new AssertionError("expected an event, got " + e);
        }
        return e;
    }

    /** Writes bytes in pieces of {@code chunk} bytes, sleeping {@code sleepMs} between them. */
    RawClient slowly(byte[] b, int chunk, long sleepMs) throws IOException {
        for (int i = 0; i < b.length; i += chunk) {
            out.write(b, i, Math.min(chunk, b.length - i));
            out.flush();
            if (sleepMs > 0) {
                try {
                    Thread.sleep(sleepMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
        }
        return this;
    }

    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }


    static Map<?, ?> error(Map<Object, Object> reply) {
        return (Map<?, ?>) reply.get("error");
    }

    static String code(Map<Object, Object> reply) {
        Map<?, ?> e = error(reply);
        return e == null ? null : (String) e.get("code");
    }
}
