package io.meshport.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What part 3 of {@link SharedBench} counts: each client's requests and the versions its writes were
 * given ({@link Tally}), the versions each host's watch saw ({@link Seen}), and what a whole run gave
 * ({@link Mix}).
 */
final class SharedMixTallies {
    private SharedMixTallies() {
    }

    /** What a run of mixed requests gave. */
    record Mix(long requests, double seconds, long errors, long conflicts, long notFound, long writes, long duplicates,
            long clientDisorder, long eventsMissing, long eventsExtra, long eventsDisorder, long finalMismatches,
            Map<String, Long> byOp, Map<String, Long> errorCodes, List<String> firstErrors) {
        double perSecond() {
            return requests / seconds;
        }

        boolean clean() {
            return errors == 0 && duplicates == 0 && clientDisorder == 0 && eventsMissing == 0 && eventsExtra == 0 && eventsDisorder == 0
                    && finalMismatches == 0;
        }

        String problems() {
            List<String> p = new ArrayList<>();
            add(p, errors, "ERRORS " + errorCodes);
            add(p, duplicates, "DUPLICATE VERSIONS");
            add(p, clientDisorder, "VERSIONS OUT OF ORDER within a client");
            add(p, eventsMissing, "EVENTS MISSING");
            add(p, eventsExtra, "EVENTS EXTRA");
            add(p, eventsDisorder, "EVENTS OUT OF ORDER");
            add(p, finalMismatches, "HOSTS DISAGREE at the end");
            return String.join(", ", p);
        }

        private static void add(List<String> p, long n, String what) {
            if (n > 0) {
                p.add(n + " " + what);
            }
        }
    }

    /** Versions in the order they came, and how many came after a higher or equal one. */
    static final class Versions {
        private long[] values = new long[1024];
        private int n;
        private long last;
        private long disorder;

        void add(long v) {
            if (v <= last) {
                disorder++;
            }
            last = v;
            if (n == values.length) {
                values = Arrays.copyOf(values, 2 * n);
            }
            values[n++] = v;
        }

        int size() {
            return n;
        }

        long disorder() {
            return disorder;
        }

        /** Copies the versions into {@code to} from {@code at}, in the order they came. */
        void copyTo(long[] to, int at) {
            System.arraycopy(values, 0, to, at, n);
        }

        long[] sorted() {
            long[] out = Arrays.copyOf(values, n);
            Arrays.sort(out);
            return out;
        }
    }

    /** The versions one watch saw, in the order they came (its listener's thread adds, the run reads). */
    static final class Seen {
        private final Versions versions = new Versions();
        private volatile long after = Long.MAX_VALUE;

        synchronized void add(long v) {
            if (v > after) { // not a change from before this run
                versions.add(v);
            }
        }

        /** Counts only the versions above this one from now on (the earlier ones are of another run). */
        void after(long version) {
            after = version;
        }

        synchronized int size() {
            return versions.size();
        }

        /** @return how many versions came after a higher or equal one */
        synchronized long disorder() {
            return versions.disorder();
        }

        synchronized long[] sorted() {
            return versions.sorted();
        }
    }

    /** The tallies of one client's loop (its own thread's; read once the loop is over). */
    static final class Tally {
        long requests;
        long errors;
        long conflicts;
        long notFound;
        final Versions versions = new Versions();
        final Map<String, Long> byOp = new HashMap<>();
        final Map<String, Long> errorCodes = new HashMap<>();
        final List<String> firstErrors = new ArrayList<>();

        void wrote(long v) {
            versions.add(v);
        }

        void did(String op) {
            requests++;
            byOp.merge(op, 1L, Long::sum);
        }

        void failed(String op, RuntimeException e) {
            requests++;
            String code = AbuseBench.code(e);
            if (code.equals("CONFLICT") && op.equals("cput")) {
                conflicts++;
            } else if (code.equals("NOT_FOUND") && (op.equals("get") || op.equals("delete"))) {
                notFound++;
            } else {
                errors++;
                errorCodes.merge(op + ":" + code, 1L, Long::sum);
                if (firstErrors.size() < 3) {
                    firstErrors.add(op + ": " + e);
                }
            }
        }
    }

    /** @return {in a but not in b, in b but not in a}, both sorted, counting repeats */
    static long[] difference(long[] a, long[] b) {
        long onlyA = 0;
        long onlyB = 0;
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (j >= b.length || (i < a.length && a[i] < b[j])) {
                onlyA++;
                i++;
            } else if (i >= a.length || b[j] < a[i]) {
                onlyB++;
                j++;
            } else {
                i++;
                j++;
            }
        }
        return new long[] {onlyA, onlyB};
    }
}
