package io.meshport.benchmarks;

/** Samples the heap on a thread of its own while a measurement runs: the peak used and committed. */
final class HeapSampler implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long peakUsed;
    private volatile long peakCommitted;

    /**
     * @param everyMs how often to sample
     * @param name the thread's name
     */
    HeapSampler(long everyMs, String name) {
        thread = new Thread(() -> {
            while (running) {
                peakUsed = Math.max(peakUsed, Stats.heapUsed());
                peakCommitted = Math.max(peakCommitted, Stats.heapCommitted());
                try {
                    Thread.sleep(everyMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** @return the most heap used at a sample */
    long peakUsed() {
        return peakUsed;
    }

    /** @return the most heap committed at a sample */
    long peakCommitted() {
        return peakCommitted;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(1000);
    }
}
