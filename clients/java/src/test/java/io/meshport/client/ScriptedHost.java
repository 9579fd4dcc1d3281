package io.meshport.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborMessage;
import io.meshport.wire.CborValues;
import io.meshport.wire.CborWriter;
import io.meshport.wire.Frames;

/**
 * A fake host for the client's unit tests: a real socket on 127.0.0.1 that plays one script per
 * connection, in the order connections come, on a thread of its own. A script says exactly what the
 * host reads and writes ({@link Conn#expect}, {@link Conn#reply}, ...), with the project's CBOR writer
 * and reader. Every read waits at most {@link #READ_TIMEOUT}; a script that fails, a connection beyond
 * the scripts, or a script left unfinished fails the test when the host is closed.
 */
final class ScriptedHost implements AutoCloseable {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    /** What the host does on one connection. */
    @FunctionalInterface
    interface Script {
        void play(Conn c) throws Exception;
    }

    /** A request as the host read it. */
    record Request(long id, String op, Map<?, ?> fields, byte[] frame, CborMessage message) {
        Object get(String field) {
            return fields.get(field);
        }
    }

    private final ServerSocket server;
    private final Script[] scripts;
    private final CountDownLatch done;
    private final List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile Conn current;

    ScriptedHost(Script... scripts) throws IOException {
        this.server = new ServerSocket();
        this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.scripts = scripts;
        this.done = new CountDownLatch(scripts.length);
        this.thread = new Thread(this::serve, "scripted-host");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** @return options for a client of this host: short timeouts, so that a failing test fails soon */
    ClientOptions options() {
        return ClientOptions.of("127.0.0.1", server.getLocalPort()).withConnectTimeout(Duration.ofSeconds(5))
                .withRequestTimeout(Duration.ofSeconds(10));
    }

    /** Refuses connections from now on: the port is closed. */
    void stopAccepting() throws IOException {
        server.close();
    }

    /** Waits for every script to finish, then closes; throws what went wrong on the host's side. */
    @Override
    public void close() throws Exception {
        boolean finished = done.await(READ_TIMEOUT.toMillis() + 5000, TimeUnit.MILLISECONDS);
        server.close();
        Conn c = current;
        if (c != null) {
            c.close();
        }
        thread.join(5000);
        if (!finished) {
            failures.add(0, new AssertionError(done.getCount() + " of " + scripts.length + " scripts did not finish"));
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("the scripted host: " + failures.get(0), failures.get(0));
            failures.subList(1, failures.size()).forEach(e::addSuppressed);
            throw e;
        }
    }

    private void serve() {
        for (int i = 0; ; i++) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (i >= scripts.length) {
                failures.add(new AssertionError("connection " + (i + 1) + " came, but only " + scripts.length + " were scripted"));
                closeQuietly(s);
                continue;
            }
            try (Conn c = new Conn(this, s, i + 1)) {
                current = c;
                scripts[i].play(c);
            } catch (Throwable t) {
                failures.add(new AssertionError("connection " + (i + 1) + ": " + t, t));
            } finally {
                current = null;
                done.countDown();
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** The host's end of one connection. */
    static final class Conn implements AutoCloseable {
        final int number;
        private final ScriptedHost host;
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;

        Conn(ScriptedHost host, Socket socket, int number) throws IOException {
            this.host = host;
            this.socket = socket;
            this.number = number;
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            socket.setTcpNoDelay(true);
            this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            this.out = socket.getOutputStream();
        }

        /** @return the next request, whatever its op */
        Request next() throws IOException, CborFormatException {
            int len;
            try {
                len = in.readInt();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no request within " + READ_TIMEOUT.toSeconds() + " s", e);
            } catch (EOFException e) {
                throw new AssertionError("the client closed the connection instead of sending a request", e);
            }
            byte[] frame = new byte[len];
            in.readFully(frame);
            CborMessage m = CborMessage.parse(frame, 0, frame.length);
            Map<?, ?> fields = (Map<?, ?>) CborValues.decode(frame);
            return new Request(m.has("id") ? m.uint("id", true, 0) : -1, m.text("op", true), fields, frame, m);
        }

        /** @return the next request, which must be {@code op} */
        Request expect(String op) throws IOException, CborFormatException {
            Request r = next();
            assertEquals(op, r.op(), "connection " + number + ": the next request's op (" + r.fields() + ")");
            return r;
        }

        /** Reads a hello and answers it. */
        Request hello() throws IOException, CborFormatException {
            Request r = expect("hello");
            answerHello(r, "test-session", 1L << 28);
            return r;
        }

        void answerHello(Request hello, String session, long maxFrameBytes) throws IOException {
            reply(hello, Map.of("server", "meshport", "protocol", 1, "session", session, "codecs", List.of("mesh", "cbor", "bytes"),
                    "services", List.of("nodes"), "maxFrameBytes", maxFrameBytes));
        }

        /** Answers a request with {@code result} (plain values, written with {@link CborWriter#value}). */
        void reply(Request r, Object result) throws IOException {
            send(new CborWriter().mapHeader(3).text("id").uint(r.id()).text("ok").bool(true).text("result").value(result));
        }

        /** Answers a request with {@code result}, an encoded CBOR item written as it is. */
        void replyRaw(Request r, byte[] result) throws IOException {
            send(new CborWriter().mapHeader(3).text("id").uint(r.id()).text("ok").bool(true).text("result").raw(result, 0,
                    result.length));
        }

        /** Answers a request with an error. */
        void error(Request r, String code, String message, Map<String, ?> detail) throws IOException {
            send(new CborWriter().mapHeader(3).text("id").uint(r.id()).text("ok").bool(false).text("error")
                    .value(detail == null ? Map.of("code", code, "message", message)
                            : Map.of("code", code, "message", message, "detail", detail)));
        }

        /** Sends a message of the host's own, e.g. an event, {@code bye}, or an error without id. */
        void message(Map<String, ?> message) throws IOException {
            send(new CborWriter().value(message));
        }

        void bye(String reason) throws IOException {
            message(Map.of("op", "bye", "reason", reason));
        }

        void event(long watch, String key, long version, String change) throws IOException {
            message(Map.of("op", "event", "watch", watch, "key", key, "version", version, "change", change));
        }

        /** Writes bytes as they are: a frame cut short, or several frames in one write. */
        void raw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Waits until the client closes its end, reading and dropping what it still sends. */
        void expectClosed() throws IOException {
            try {
                while (in.read() >= 0) {
                    // dropped
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the client did not close the connection within " + READ_TIMEOUT.toSeconds() + " s", e);
            }
        }

        /** Closes the host's port: the client's reconnects are refused from now on. */
        void stopAccepting() throws IOException {
            host.stopAccepting();
        }

        @Override
        public void close() {
            closeQuietly(socket);
        }

        private void send(CborWriter message) throws IOException {
            raw(frame(message));
        }
    }

    /** @return the message as a frame: its 4-byte length, then its bytes */
    static byte[] frame(CborWriter message) {
        byte[] body = message.toByteArray();
        ByteBuffer header = Frames.header(body.length);
        ByteArrayOutputStream b = new ByteArrayOutputStream(4 + body.length);
        b.write(header.array(), 0, 4);
        b.write(body, 0, body.length);
        return b.toByteArray();
    }
}
