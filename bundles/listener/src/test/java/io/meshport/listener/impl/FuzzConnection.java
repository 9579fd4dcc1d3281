package io.meshport.listener.impl;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.meshport.listener.impl.FuzzCbor.CMap;
import io.meshport.listener.impl.FuzzFrames.Frame;

/**
 * One fuzzed connection: sends its frames in random pieces, ends cleanly or cut mid-frame (half
 * closed, closed or reset), reads what the host sends back within a deadline, and hands that to
 * {@link FuzzOracle}.
 */
final class FuzzConnection {
    static final long DEADLINE_MS = 20_000;

    enum Mode { CLEAN, HALF_EOF, ABORT, RESET }

    /** A frame read from the host: its body, and the map it holds or why it is none. */
    record Got(byte[] body, CMap map, String problem) {
    }

    final FuzzFindings findings;
    final int round;
    final int index;
    final List<Frame> frames;
    private int localPort;
    /** What the host logged about this connection (its lines naming the client's port), once it is finished. */
    List<String> hostLines = List.of();
    final byte[] stream;
    final int[] starts; // where each generated frame begins in the stream
    final int cut; // bytes sent
    final Mode mode;
    Socket socket;
    Future<?> writer;
    Future<?> reader;
    final List<Got> got = new ArrayList<>();
    volatile boolean eof;
    volatile boolean reset;
    volatile String readProblem;

    FuzzConnection(FuzzFindings findings, int round, int index, List<Frame> frames, Random rng) {
        this.findings = findings;
        this.round = round;
        this.index = index;
        this.frames = frames;
        int total = 0;
        starts = new int[frames.size() + 1];
        for (int i = 0; i < frames.size(); i++) {
            starts[i] = total;
            total += frames.get(i).wire.length;
        }
        starts[frames.size()] = total;
        stream = new byte[total];
        for (int i = 0; i < frames.size(); i++) {
            System.arraycopy(frames.get(i).wire, 0, stream, starts[i], frames.get(i).wire.length);
        }
        int m = rng.nextInt(100);
        mode = m < 70 ? Mode.CLEAN : m < 85 ? Mode.HALF_EOF : m < 95 ? Mode.ABORT : Mode.RESET;
        if (mode == Mode.CLEAN || total < 2) {
            cut = total;
        } else {
            int f = rng.nextInt(frames.size()); // within a frame, header included
            int len = frames.get(f).wire.length;
            cut = starts[f] + 1 + (len > 1 ? rng.nextInt(len - 1) : 0);
        }
    }

    void start(FuzzHost host, ExecutorService pool, long seed) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), host.port());
        localPort = socket.getLocalPort();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(250);
        Random chunks = new Random(seed);
        writer = pool.submit(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                int p = 0;
                while (p < cut) {
                    int n = p < 64 && chunks.nextInt(4) == 0 ? 1 + chunks.nextInt(3) : 1 + chunks.nextInt(64 * 1024);
                    n = Math.min(n, cut - p);
                    out.write(stream, p, n);
                    out.flush();
                    p += n;
                }
                if (mode == Mode.ABORT || mode == Mode.RESET) {
                    if (mode == Mode.RESET) {
                        socket.setSoLinger(true, 0);
                    }
                    socket.close();
                } else {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // the host closed after a frame-level error, or the test gave up on this connection
            }
            return null;
        });
        if (mode == Mode.CLEAN || mode == Mode.HALF_EOF) {
            reader = pool.submit(this::read);
        }
    }

    private Void read() {
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        try {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (System.currentTimeMillis() < deadline) {
                int first;
                try {
                    first = in.read();
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (first < 0) {
                    eof = true;
                    return null;
                }
                byte[] head = new byte[4];
                head[0] = (byte) first;
                readFully(in, head, 1, 3, deadline);
                long n = ByteBuffer.wrap(head).getInt() & 0xffffffffL;
                if (n > 300L * 1024 * 1024) {
                    readProblem = "the host sent a frame length of " + n;
                    return null;
                }
                byte[] body = new byte[(int) n];
                readFully(in, body, 0, body.length, deadline);
                Object v;
                try {
                    v = FuzzCbor.decodeWhole(body, 0, body.length, false);
                } catch (FuzzCbor.Malformed e) {
                    synchronized (got) {
                        got.add(new Got(body, null, "not well-formed CBOR: " + e.getMessage()));
                    }
                    continue;
                }
                synchronized (got) {
                    got.add(new Got(body, v instanceof CMap ? (CMap) v : null, v instanceof CMap ? null : "not a map: " + FuzzCbor.describe(v, 200)));
                }
            }
            readProblem = "the host neither closed the connection nor sent more within " + DEADLINE_MS / 1000 + " s";
        } catch (EOFException e) {
            readProblem = "the connection ended inside a frame the host sent";
        } catch (SocketException e) {
            reset = true; // judged by the oracle: only what was missing matters
        } catch (IOException e) {
            readProblem = "reading failed: " + e;
        }
        return null;
    }

    private void readFully(InputStream in, byte[] b, int off, int len, long deadline) throws IOException {
        while (len > 0) {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (SocketTimeoutException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("timed out inside a frame the host sent");
                }
                continue;
            }
            if (n < 0) {
                throw new EOFException();
            }
            off += n;
            len -= n;
        }
    }

    /** @return false when the host left this connection hanging */
    boolean finish(FuzzHost host, boolean tokenHost) throws Exception {
        boolean answered = true;
        try {
            if (reader != null) {
                reader.get(DEADLINE_MS + 5_000, TimeUnit.MILLISECONDS);
                socket.close(); // unblocks a writer the host stopped reading from
                writer.get(5_000, TimeUnit.MILLISECONDS);
            } else {
                writer.get(DEADLINE_MS, TimeUnit.MILLISECONDS);
            }
        } catch (TimeoutException e) {
            findings.violation("a connection's I/O did not finish in time", "round " + round + " connection " + index, null, null, null);
            answered = false;
        } finally {
            socket.close();
        }
        if (reader != null) {
            answered &= !(readProblem != null && readProblem.startsWith("the host neither"));
            hostLines = host.log.linesAbout(localPort);
            new FuzzOracle(this).check(tokenHost, host.token);
        }
        return answered;
    }

    /** Which generated frame holds this offset of the stream, for the report. */
    String how(int offset) {
        for (int i = 0; i < frames.size(); i++) {
            if (offset < starts[i + 1]) {
                return "frame " + i + " of round " + round + " connection " + index + " (" + mode + "): " + frames.get(i).how;
            }
        }
        return "after the last frame";
    }
}
