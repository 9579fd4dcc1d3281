package io.meshport.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.meshport.wire.CborWriter;

/** An abuser sending unauthenticated large frames in a loop: connect, send a whole put of many megabytes without hello, read the verdict. */
final class AbuseBigFrames extends Thread {
    final InetSocketAddress address;
    final byte[] frame;
    final AbuseOutcomes outcomes;
    final AtomicBoolean stop = new AtomicBoolean();
    final int index;
    int attempts;
    volatile Socket current;

    AbuseBigFrames(InetSocketAddress address, int bytes, AbuseOutcomes outcomes, int index) {
        super(AbuseBench.PREFIX + "-big-" + index);
        this.index = index;
        setDaemon(true);
        this.address = address;
        this.outcomes = outcomes;
        CborWriter w = new CborWriter();
        w.mapHeader(5).text("op").text("put").text("id").uint(1).text("key").text("bench/abuse/big").text("codec").text("bytes")
                .text("body");
        byte[] head = w.toByteArray();
        int content = bytes - head.length - 5;
        ByteBuffer b = ByteBuffer.allocate(4 + head.length + 5 + content);
        b.putInt(head.length + 5 + content).put(head).put((byte) 0x5a).putInt(content);
        this.frame = b.array();
    }

    @Override
    public void run() {
        while (!stop.get()) {
            try (Socket s = new Socket()) {
                current = s;
                s.bind(AbuseBench.abuserAddress(index + attempts++));
                s.connect(address, 2000);
                s.setSoTimeout(2000);
                outcomes.opened.incrementAndGet();
                OutputStream out = s.getOutputStream();
                AtomicLong sent = new AtomicLong();
                Thread reader = new Thread(() -> readVerdict(s), AbuseBench.PREFIX + "-big-reader");
                reader.setDaemon(true);
                reader.start();
                try {
                    for (int off = 0; off < frame.length && !stop.get(); off += 1 << 20) {
                        int n = Math.min(1 << 20, frame.length - off);
                        out.write(frame, off, n);
                        sent.addAndGet(n);
                    }
                } catch (IOException e) {
                    // the host stopped reading: it refused the frame
                }
                outcomes.bytesSent.addAndGet(sent.get());
                reader.join(3000);
                AbuseBench.sleepNanos(200_000_000L); // an attempt every 200 ms or so: the abuser is in this process, on these cores
            } catch (IOException e) {
                outcomes.connectFailed.incrementAndGet();
                AbuseBench.sleepNanos(50_000_000L);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void readVerdict(Socket s) {
        try {
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(4);
            if (head.length < 4) {
                outcomes.closedByHost.incrementAndGet();
                outcomes.answer("closed without a word");
                return;
            }
            int len = ByteBuffer.wrap(head).getInt();
            if (len < 0 || len > 1 << 20) {
                outcomes.answer("a frame of " + Integer.toUnsignedString(len) + " bytes");
                return;
            }
            outcomes.answer(in.readNBytes(len));
            if (in.read() < 0) {
                outcomes.closedByHost.incrementAndGet();
            }
        } catch (SocketTimeoutException e) {
            outcomes.answer("no answer within 2 s");
        } catch (IOException e) {
            outcomes.closedByHost.incrementAndGet();
            outcomes.answer("reset");
        }
    }

    void finish() throws InterruptedException {
        stop.set(true);
        Socket s = current;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        join(10_000);
    }
}
