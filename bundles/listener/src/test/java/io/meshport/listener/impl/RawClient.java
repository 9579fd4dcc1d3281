package io.meshport.listener.impl;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
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

    static Map<?, ?> error(Map<Object, Object> reply) {
        return (Map<?, ?>) reply.get("error");
    }

    static String code(Map<Object, Object> reply) {
        Map<?, ?> e = error(reply);
        return e == null ? null : (String) e.get("code");
    }
}
