package io.meshport.samples.ply;

import java.util.List;

/**
 * Runs the reader on small synthetic files ({@link WarmUpFiles}) twenty times, on a thread of its
 * own, as soon as the codec is activated, so that the JIT compiler has compiled the reader's loops, and
 * the mesh builder's checks they end with, before the first real file comes.
 *
 * <p>Why a codec wants this (docs/codec-sdk.md, "The first put"): a put runs each of the reader's loops
 * once, for millions of iterations. On a fresh host a loop first runs interpreted, is then compiled while
 * it runs (on-stack replacement), and that compiled code is thrown away where the loop ends, since it
 * never saw the loop end; the next put pays again. Run twenty times on files of a few thousand
 * points, the loops are compiled, their ends seen, before anyone waits for them. The binary files are
 * read by loops of one type each ({@link BinaryColumns}, {@link BinaryFaceList}), so warming them with
 * these layouts does not tune them for the wrong one; the general reader is warmed by the ASCII file.
 *
 * <p>The work is bounded (a few hundred milliseconds of one core on a fresh host) and nothing is kept: each mesh is
 * dropped once built. It stops early when the codec is deactivated, and when a real file comes first:
 * then it would only take the processor from it.
 */
final class PlyWarmUp implements Runnable {
    /**
     * How often each file is read: the loops pass the thresholds of HotSpot's optimising compiler (C2,
     * some 40,000 iterations) within the first rounds, and the later ones run the code compiled with the
     * loops' ends seen. Measured on a fresh host: 20 rounds did as well as 60; none left the first put
     * of an ASCII file about 100 ms slower.
     */
    static final int ROUNDS = 20;

    private final Thread thread;
    private volatile boolean stopped;

    private PlyWarmUp() {
        thread = new Thread(this, "meshport-ply-warm-up");
        thread.setDaemon(true);
    }

    /** @return a warm-up, started */
    static PlyWarmUp start() {
        PlyWarmUp w = new PlyWarmUp();
        w.thread.start();
        return w;
    }

    @Override
    public void run() {
        List<byte[]> files = WarmUpFiles.all();
        for (int round = 0; round < ROUNDS; round++) {
            for (byte[] file : files) {
                if (stopped) {
                    return;
                }
                PlyCodec.read(file, 0, file.length, Long.MAX_VALUE);
            }
        }
    }

    /** Stops the warm-up after the file it is reading, without waiting. */
    void giveWay() {
        stopped = true;
    }

    /** Stops the warm-up and waits for its thread (a few milliseconds at most). */
    void stop() throws InterruptedException {
        stopped = true;
        thread.join(1_000);
    }
}
