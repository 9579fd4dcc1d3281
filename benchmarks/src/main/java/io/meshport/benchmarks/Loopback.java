package io.meshport.benchmarks;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborMessage;

/**
 * The baseline most benchmarks are set against: a plain loopback TCP server that does the least a
 * server can do with a frame. It reads the length prefix, reads the body into a new {@code byte[]} of
 * that length (as the host does), and answers with a small fixed frame of the size of a put's reply.
 * One thread per connection, blocking {@code java.net} sockets: what any Java program gets from the
 * machine without trying.
 */
final class Loopback implements AutoCloseable {
    /** Body bytes of the baseline's reply: about what a put's reply holds. */
    static final int REPLY_BYTES = 128;
    static volatile int sink;

    private final ServerSocket server;
    private final List<Socket> accepted = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;

    Loopback() throws IOException {
        server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "plain-loopback-accept");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
                s.setTcpNoDelay(true);
            } catch (IOException e) {
                return; // closed
            }
            accepted.add(s);
            Thread t = new Thread(() -> serve(s), "plain-loopback-" + accepted.size());
            t.setDaemon(true);
            t.start();
        }
    }

    private static void serve(Socket s) {
        byte[] reply = new byte[4 + REPLY_BYTES];
        ByteBuffer.wrap(reply).putInt(REPLY_BYTES);
        try (s) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 64 * 1024));
            OutputStream out = s.getOutputStream();
            while (true) {
                int len;
                try {
                    len = in.readInt();
                } catch (EOFException e) {
                    return;
                }
                byte[] body = new byte[len];
                in.readFully(body);
                sink += body[len - 1];
                out.write(reply);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        synchronized (accepted) {
            for (Socket s : accepted) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }

    /**
     * A blocking client connection sending whole frames and reading whole frames: to the baseline
     * server, or to a Meshport host (a naive client, as a script would write it).
     */
    static final class Conn implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final DataInputStream in;

        Conn(int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            socket.setSoTimeout(120_000); // a benchmark never waits forever
            out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
        }

        void send(byte[] frame) throws IOException {
            out.write(frame);
            out.flush();
        }

        byte[] reply() throws IOException {
            int len = in.readInt();
            byte[] b = new byte[len];
            in.readFully(b);
            return b;
        }

        byte[] call(byte[] frame) throws IOException {
            send(frame);
            return reply();
        }

        /**
         * Sends a request frame to a Meshport host and checks that its reply says ok.
         *
         * @throws IllegalStateException with the host's error otherwise
         */
        void callOk(byte[] frame) throws IOException {
            byte[] r = call(frame);
            try {
                CborMessage m = CborMessage.parse(r, 0, r.length);
                if (!m.bool("ok", true)) {
                    throw new IllegalStateException("the host refused: " + m.value("error"));
                }
            } catch (CborFormatException e) {
                throw new IllegalStateException("unreadable reply: " + e.getMessage());
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
