package io.meshport.listener.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;

/**
 * The bytes of one connection, plain or through TLS: frames are read and written as plaintext here,
 * whatever travels on the socket. Non-blocking, used by the selector thread (reads) and by whoever
 * holds the connection's output lock (writes).
 */
interface Transport extends ReadableByteChannel {
    /**
     * Writes what the socket takes now.
     *
     * @return plaintext bytes taken (fewer than offered when the socket is full)
     */
    long write(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /**
     * Pushes out bytes the transport holds itself (TLS records already encrypted).
     *
     * @return true when nothing is left waiting for the socket
     */
    boolean flush() throws IOException;

    /** @return true when the transport has bytes of its own to write (handshake, records) and needs OP_WRITE */
    boolean wantsWrite();

    /** @return true while a TLS handshake is not done */
    boolean handshaking();

    /** @return true when input waits inside the transport (TLS records), where the selector cannot see it */
    boolean bufferedInput();

    /** Ends the output side (after a TLS close_notify). */
    void shutdownOutput() throws IOException;

    /** The plain transport: the socket itself. */
    static Transport plain(SocketChannel ch) {
        return new Transport() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                return ch.read(dst);
            }

            @Override
            public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
                return ch.write(srcs, offset, length);
            }

            @Override
            public boolean flush() {
                return true;
            }

            @Override
            public boolean wantsWrite() {
                return false;
            }

            @Override
            public boolean handshaking() {
                return false;
            }

            @Override
            public boolean bufferedInput() {
                return false;
            }

            @Override
            public void shutdownOutput() throws IOException {
                ch.shutdownOutput();
            }

            @Override
            public boolean isOpen() {
                return ch.isOpen();
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }
}
