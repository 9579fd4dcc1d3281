package io.meshport.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.mesh.Mesh;

/**
 * One legitimate client of the abuse benchmark: put and get of a small mesh, paced at 100 a second,
 * and a new connection every 20th time; what it does goes to the {@link Tally} of the current phase.
 */
final class AbuseLegit extends Thread {

    /** What the legitimate clients did during one phase: round trips and new connections timed, errors by code. */
    static final class Tally {
        final List<Double> roundTrips = Collections.synchronizedList(new ArrayList<>()); // put + get, ms
        final List<Double> connects = Collections.synchronizedList(new ArrayList<>()); // connect + hello, ms
        final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
        final AtomicLong connectFailures = new AtomicLong();
        final AtomicLong slowest = new AtomicLong(); // longest iteration, failed ones included, ns
        volatile double seconds;

        void error(String code) {
            errors.computeIfAbsent(code, k -> new AtomicLong()).incrementAndGet();
        }

        long errorCount() {
            return errors.values().stream().mapToLong(AtomicLong::get).sum();
        }

        String errorsText() {
            if (errors.isEmpty()) {
                return "none";
            }
            Map<String, Long> sorted = new TreeMap<>();
            errors.forEach((k, v) -> sorted.put(k, v.get()));
            return sorted.toString().replace("{", "").replace("}", "");
        }

        double[] trips() {
            synchronized (roundTrips) {
                return roundTrips.stream().mapToDouble(Double::doubleValue).toArray();
            }
        }

        double[] connectTimes() {
            synchronized (connects) {
                return connects.stream().mapToDouble(Double::doubleValue).toArray();
            }
        }

        double perSecond() {
            return roundTrips.size() / seconds;
        }
    }

    final ClientOptions options;
    final Mesh mesh;
    final int index;
    volatile Tally tally;
    volatile boolean stop;
    MeshportClient client;
    volatile String firstError;

    AbuseLegit(ClientOptions options, Mesh mesh, int index) {
        super(AbuseBench.PREFIX + "-legit-" + index);
        this.options = options;
        this.mesh = mesh;
        this.index = index;
        setDaemon(true);
    }

    @Override
    public void run() {
        long period = 10_000_000L; // 100 put+get a second
        long next = System.nanoTime();
        long i = 0;
        while (!stop) {
            long now = System.nanoTime();
            if (now < next) {
                AbuseBench.sleepNanos(next - now);
                continue;
            }
            next = Math.max(now, next + period); // a slow iteration is not made up by a burst
            Tally t = tally;
            i++;
            if (i % 20 == 0) {
                long c0 = System.nanoTime();
                try (MeshportClient fresh = MeshportClient.connect(options)) {
                    t.connects.add(Stats.millis(System.nanoTime() - c0));
                } catch (RuntimeException e) {
                    t.connectFailures.incrementAndGet();
                    t.error("connect: " + AbuseBench.code(e));
                    note(e);
                }
                continue;
            }
            long t0 = System.nanoTime();
            try {
                if (client == null || !client.isOpen()) {
                    if (client != null) {
                        client.close();
                    }
                    client = null;
                    client = MeshportClient.connect(options);
                }
                client.put("bench/abuse/legit/" + index + "/" + (i % 4), mesh);
                client.getMesh("bench/abuse/legit/" + index + "/" + (i % 4));
                t.roundTrips.add(Stats.millis(System.nanoTime() - t0));
            } catch (RuntimeException e) {
                t.error(AbuseBench.code(e));
                note(e);
                AbuseBench.sleepNanos(20_000_000L);
            }
            long took = System.nanoTime() - t0;
            t.slowest.accumulateAndGet(took, Math::max);
        }
        if (client != null) {
            client.close();
        }
    }

    private void note(RuntimeException e) {
        if (firstError == null) {
            firstError = String.valueOf(e);
        }
    }

    /** Runs the legitimate clients for a phase and returns what they did. */
    static Tally phase(List<AbuseLegit> legit, double seconds) throws InterruptedException {
        Tally t = new Tally();
        for (AbuseLegit l : legit) {
            l.tally = t;
        }
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        t.seconds = (System.nanoTime() - t0) / 1e9;
        Tally between = new Tally(); // what happens between phases (settling the heap, stopping abusers) counts nowhere
        for (AbuseLegit l : legit) {
            l.tally = between;
        }
        return t;
    }
}
