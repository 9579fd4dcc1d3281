package io.meshport.it;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;

/**
 * A socket that sends hand-made frames, encoded with Jackson's CBOR mapper (an encoder independent
 * of Meshport's own), and reads the host's replies.
 */
final class RawFrames implements AutoCloseable {
    static final CBORMapper CBOR = new CBORMapper();

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    RawFrames(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(15_000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
    }

    RawFrames send(Map<String, ?> message) throws IOException {
        return frame(CBOR.writeValueAsBytes(message));
    }

    RawFrames frame(byte[] body) throws IOException {
        return bytes(ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array());
    }

    RawFrames bytes(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
        return this;
    }

    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    Map<String, Object> read() throws IOException {
        int n = in.readInt();
        byte[] b = new byte[n];
        in.readFully(b);
        return CBOR.readValue(b, new TypeReference<Map<String, Object>>() { });
    }

    /** @return true when the host closed the connection (end of stream or reset) before the timeout */
    boolean closedByHost() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (EOFException e) {
            return true;
        } catch (IOException e) {
            return true;
        }
    }

    @SuppressWarnings("unchecked")
    static String code(Map<String, Object> reply) {
        Object e = reply.get("error");
        return e instanceof Map ? (String) ((Map<String, Object>) e).get("code") : null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
