package io.meshport.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

import io.meshport.wire.CborFormatException;

/**
 * One TCP (or TLS) connection to the host: writes request frames, and reads the host's frames on a
 * reader thread of its own, handing each to a {@link Receiver}. A client makes a new link after a
 * {@code bye} or a broken connection; a link is never used again once it ended.
 *
 * <p>Threads: {@link #write} and {@link #flush} are called only by a thread holding the client's write
 * lock (see {@link Connection}); before the reader starts, the thread opening the link reads the
 * hello's reply with {@link #readFrame} itself. After {@link #startReading} only the reader thread
 * reads. {@link #close} may come from any thread, any number of times.
 */
final class Link {
    /** What the reader thread does with what it reads. */
    interface Receiver {
        /**
         * A frame arrived (reader thread).
         *
         * @return the reason when the host said bye (the link then ends), else null
         * @throws FrameError when the host reports a frame-level error: it closes the connection, and
         *         sending the same frames again would only get the same answer
         */
        String received(Link link, byte[] frame) throws CborFormatException;

        /** The link ended (a bye, the host closing, a broken or unreadable connection); reader thread. */
        void ended(Link link, String why);

        /** The host closed the link after a frame-level error; reader thread. */
        void failed(Link link, String why);
    }

    /** A frame-level error from the host: it closes the connection, and resending would repeat it. */
    static final class FrameError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FrameError(String message) {
            super(message);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final Thread reader;
    /** Converts a WireArray's values into the socket stream; only the thread holding the write lock uses it. */
    private final byte[] scratch = new byte[128 * 1024];
    private volatile boolean dead;
    /** What the host said in reply to this link's hello; set before the reader starts. */
    HostInfo host;

    Link(Socket socket, Receiver receiver) throws IOException {
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
        this.reader = new Thread(() -> readLoop(receiver), "meshport-client-reader");
        this.reader.setDaemon(true);
    }

    /** Writes a frame into the link's buffer; {@link #flush} sends what is buffered. */
    void write(RequestFrame frame) throws IOException {
        frame.writeTo(out, scratch);
    }

    void flush() throws IOException {
        out.flush();
    }

    /** @return the next frame's body, read on the calling thread */
    byte[] readFrame() throws IOException {
        long len = in.readInt() & 0xffffffffL;
        byte[] frame = new byte[(int) len];
        in.readFully(frame);
        return frame;
    }

    /** @return false once the link was closed */
    boolean isLive() {
        return !dead;
    }

    void startReading() {
        reader.start();
    }

    /** Waits at most {@code ms} for the reader thread to end. */
    void join(long ms) throws InterruptedException {
        reader.join(ms);
    }

    void close() {
        dead = true;
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private void readLoop(Receiver receiver) {
        String why = "the host closed the connection";
        try {
            while (true) {
                String bye = receiver.received(this, readFrame());
                if (bye != null) {
                    why = bye;
                    break;
                }
            }
        } catch (FrameError e) {
            close();
            receiver.failed(this, "the host closed the connection after a frame-level error: " + e.getMessage());
            return;
        } catch (EOFException e) {
            // closed by the host
        } catch (IOException e) {
            why = "connection lost: " + e.getMessage();
        } catch (RuntimeException | CborFormatException e) {
            why = "unreadable reply from the host: " + e;
        }
        receiver.ended(this, why);
    }
}
