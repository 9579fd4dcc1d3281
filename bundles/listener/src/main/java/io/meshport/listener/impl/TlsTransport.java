package io.meshport.listener.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS over a non-blocking socket with an {@link SSLEngine} in server mode. Records read from the
 * socket wait in {@code netIn} until they can be decrypted; plaintext is decrypted straight into the
 * caller's buffer when it has room for a whole record (the large frame bodies), else through
 * {@code appIn}. Encrypted output waits in {@code netOut} until the socket takes it; the handshake
 * runs on whichever side (read or write) finds it waiting, its delegated tasks inline.
 *
 * <p>Every method holds this object's lock: the selector thread reads while a worker writes, and both
 * may drive the handshake. The connection's output lock is always taken before this one, never after.
 */
final class TlsTransport implements Transport {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel ch;
    private final SSLEngine engine;
    private ByteBuffer netIn;   // fill mode: bytes from the socket not yet decrypted
    private ByteBuffer appIn;   // read mode: decrypted bytes not yet delivered
    private ByteBuffer netOut;  // read mode: encrypted bytes not yet written
    private boolean handshakeDone;
    private boolean socketEof;

    TlsTransport(SocketChannel ch, SSLEngine engine) throws SSLException {
        this.ch = ch;
        this.engine = engine;
        engine.setUseClientMode(false);
        int packet = engine.getSession().getPacketBufferSize();
        netIn = ByteBuffer.allocate(packet);
        appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
        netOut = ByteBuffer.allocate(packet).flip();
        engine.beginHandshake();
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
        if (appIn.hasRemaining()) {
            return copy(appIn, dst);
        }
        while (true) {
            handshake();
            if (netIn.position() > 0) {
                boolean direct = dst.remaining() >= engine.getSession().getApplicationBufferSize();
                ByteBuffer target = direct ? dst : appIn.clear();
                netIn.flip();
                SSLEngineResult r;
                try {
                    r = engine.unwrap(netIn, target);
                } finally {
                    netIn.compact();
                    if (!direct) {
                        appIn.flip();
                    }
                }
                noteFinished(r);
                switch (r.getStatus()) {
                    case OK:
                        if (direct && r.bytesProduced() > 0) {
                            return r.bytesProduced();
                        }
                        if (!direct && appIn.hasRemaining()) {
                            return copy(appIn, dst);
                        }
                        continue; // a handshake record or an empty one: go on
                    case BUFFER_OVERFLOW:
                        appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize() + appIn.capacity()).flip();
                        continue;
                    case CLOSED:
                        flush(); // our close_notify answer, if the engine made one
                        return -1;
                    default: // BUFFER_UNDERFLOW: a record is not complete yet
                        if (netIn.capacity() < engine.getSession().getPacketBufferSize()) {
                            netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize()).put(netIn.flip());
                        }
                        break;
                }
            }
            if (socketEof) {
                return -1;
            }
            int n = ch.read(netIn);
            if (n < 0) {
                socketEof = true;
                try {
                    engine.closeInbound();
                } catch (SSLException e) {
                    // the peer closed without close_notify: the stream simply ends here
                }
                return -1;
            }
            if (n == 0) {
                return 0;
            }
        }
    }

    private static int copy(ByteBuffer from, ByteBuffer to) {
        int n = Math.min(from.remaining(), to.remaining());
        ByteBuffer slice = from.duplicate();
        slice.limit(slice.position() + n);
        to.put(slice);
        from.position(from.position() + n);
        return n;
    }

    @Override
    public synchronized long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (!flushNetOut()) {
            return 0;
        }
        handshake();
        if (!handshakeDone || netOut.hasRemaining()) {
            return 0; // nothing of ours goes out before the handshake is done
        }
        long consumed = 0;
        while (remaining(srcs, offset, length) > 0) {
            netOut.clear();
            SSLEngineResult r;
            try {
                r = engine.wrap(srcs, offset, length, netOut);
            } finally {
                netOut.flip();
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize() + netOut.capacity()).flip();
                continue;
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new IOException("the TLS session is closed");
            }
            consumed += r.bytesConsumed();
            if (!flushNetOut() || r.bytesConsumed() == 0) {
                break;
            }
        }
        return consumed;
    }

    private static long remaining(ByteBuffer[] srcs, int offset, int length) {
        long n = 0;
        for (int i = offset; i < offset + length; i++) {
            n += srcs[i].remaining();
        }
        return n;
    }

    /** Runs the handshake as far as it goes without waiting for the peer. */
    private void handshake() throws IOException {
        while (true) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
            } else if (hs == HandshakeStatus.NEED_WRAP) {
                if (!flushNetOut()) {
                    return;
                }
                netOut.clear();
                SSLEngineResult r;
                try {
                    r = engine.wrap(EMPTY, netOut);
                } finally {
                    netOut.flip();
                }
                noteFinished(r);
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize() + netOut.capacity()).flip();
                } else if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    flushNetOut();
                    return;
                }
            } else {
                if (hs == HandshakeStatus.NOT_HANDSHAKING) {
                    handshakeDone = true; // begun in the constructor: not handshaking now means done
                }
                flushNetOut(); // the last records wrapped, before it is the peer's turn
                return; // NEED_UNWRAP (the peer's turn), or not handshaking
            }
        }
    }

    private void noteFinished(SSLEngineResult r) {
        if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
            handshakeDone = true;
        }
    }

    private boolean flushNetOut() throws IOException {
        while (netOut.hasRemaining()) {
            if (ch.write(netOut) == 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized boolean flush() throws IOException {
        if (!flushNetOut()) {
            return false;
        }
        handshake();
        return !wantsWrite();
    }

    @Override
    public synchronized boolean wantsWrite() {
        return netOut.hasRemaining() || engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
    }

    @Override
    public synchronized boolean handshaking() {
        return !handshakeDone;
    }

    @Override
    public synchronized boolean bufferedInput() {
        return appIn.hasRemaining() || netIn.position() > 0;
    }

    @Override
    public synchronized void shutdownOutput() throws IOException {
        engine.closeOutbound();
        try {
            handshake(); // wraps the close_notify
            flushNetOut();
        } catch (IOException e) {
            // the socket goes down anyway
        }
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
}
