package io.meshport.benchmarks;

import static io.meshport.benchmarks.Report.count;
import static io.meshport.benchmarks.Report.ratio;
import static io.meshport.benchmarks.SharedHosts.cpuMillis;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.meshport.benchmarks.SharedMixTallies.Mix;

/**
 * Part 3 of {@link SharedBench}: {@link #CLIENTS_PER_HOST} clients on each of hosts A, B and C looping
 * over puts, conditional puts, deletes, gets and lists of a pool of {@link #POOL_KEYS} keys
 * ({@link SharedMixRun}): requests per second, errors (CONFLICT of a conditional put and NOT_FOUND are
 * expected, not errors), whether every version is distinct, every client's increasing and every host's
 * watch saw every write once, in order; against the same clients on host F, after a warm-up of each (the
 * hosts' JIT). Also the Redis commands and the CPU (hosts, Redis, clients) a request costs.
 */
final class SharedMixedLoad {
    static final int CLIENTS_PER_HOST = 8;
    static final int POOL_KEYS = 50;

    private SharedMixedLoad() {
    }

    static void measure(Benchmark.Context c, Report.Section s, List<SeparateHost> shared, SeparateHost f, SharedRedis redis)
            throws Exception {
        double seconds = c.quick ? 1 : 30;
        double warm = c.quick ? 0.3 : 15; // 3 hosts and this JVM on 2 cores: the hosts' JIT takes long to settle
        List<SeparateHost> alone = List.of(f);
        SharedMixRun.run(shared, warm, 11, "warm-up"); // the JIT of every host, the connections to Redis
        SharedMixRun.run(alone, warm, 12, "warm-up");
        redis.resetStats();
        long[] cpu0 = {cpuMillis(shared), redis.cpuMillis(), cpuMillis("self")};
        Mix m = SharedMixRun.run(shared, seconds, 21, "shared");
        long[] cpu1 = {cpuMillis(shared), redis.cpuMillis(), cpuMillis("self")};
        Map<String, Long> calls = redis.commandCalls();
        s.put("mixedRedisCommandsPerRequest", SharedRedis.total(calls) / (double) m.requests());
        c.say("  Redis commands per request of the mixed run (all hosts, feeds and checks included): %s",
                SharedRedis.perRequest(calls, m.requests()));
        long[] cpu2 = {cpuMillis(alone), cpuMillis("self")};
        Mix base = SharedMixRun.run(alone, seconds, 22, "file");
        long[] cpu3 = {cpuMillis(alone), cpuMillis("self")};
        // CPU per request, over the whole call (connections and checks included): what the 2 cores are spent on
        s.put("mixedHostCpuMsPerRequest", (cpu1[0] - cpu0[0]) / (double) m.requests());
        s.put("mixedRedisCpuMsPerRequest", (cpu1[1] - cpu0[1]) / (double) m.requests());
        s.put("mixedClientCpuMsPerRequest", (cpu1[2] - cpu0[2]) / (double) m.requests());
        s.put("fileMixedHostCpuMsPerRequest", (cpu3[0] - cpu2[0]) / (double) base.requests());
        s.put("fileMixedClientCpuMsPerRequest", (cpu3[1] - cpu2[1]) / (double) base.requests());
        c.say("  CPU per request: shared hosts %.3f ms, Redis %.3f ms, clients (this JVM) %.3f ms; file host %.3f ms, clients %.3f ms",
                s.number("mixedHostCpuMsPerRequest"), s.number("mixedRedisCpuMsPerRequest"), s.number("mixedClientCpuMsPerRequest"),
                s.number("fileMixedHostCpuMsPerRequest"), s.number("fileMixedClientCpuMsPerRequest"));
        int clients = shared.size() * CLIENTS_PER_HOST;
        figures(s, m, base, clients);
        say(c, m, base, clients);
        row(s, m, base, clients, seconds);
    }

    /** Records the figures of the two runs, after the CPU's. */
    private static void figures(Report.Section s, Mix m, Mix base, int clients) {
        s.put("mixedSeconds", m.seconds());
        s.put("mixedClients", clients);
        s.put("mixedRequests", m.requests());
        s.put("mixedPerSecond", m.perSecond());
        s.put("mixedErrors", m.errors());
        s.put("mixedConflicts", m.conflicts());
        s.put("mixedNotFound", m.notFound());
        s.put("mixedVersions", m.writes());
        s.put("mixedDuplicateVersions", m.duplicates());
        s.put("mixedClientOrderViolations", m.clientDisorder());
        s.put("mixedEventsMissing", m.eventsMissing());
        s.put("mixedEventsExtra", m.eventsExtra());
        s.put("mixedEventsOutOfOrder", m.eventsDisorder());
        s.put("mixedFinalMismatches", m.finalMismatches());
        for (Map.Entry<String, Long> e : m.byOp().entrySet()) {
            s.put("mixedOps_" + e.getKey(), e.getValue());
        }
        if (!m.errorCodes().isEmpty()) {
            s.put("mixedErrorCodes", m.errorCodes().toString());
        }
        s.put("fileMixedRequests", base.requests());
        s.put("fileMixedPerSecond", base.perSecond());
        s.put("fileMixedErrors", base.errors());
        s.put("fileMixedConflicts", base.conflicts());
        s.put("fileMixedVersions", base.writes());
        s.put("fileMixedDuplicateVersions", base.duplicates());
        s.put("mixedRatioPerSecond", m.perSecond() / base.perSecond());
    }

    private static void say(Benchmark.Context c, Mix m, Mix base, int clients) {
        for (String e : m.firstErrors()) {
            c.say("  error (shared): %s", e);
        }
        for (String e : base.firstErrors()) {
            c.say("  error (file): %s", e);
        }
        c.say("  %d clients on 3 hosts for %.0f s: %,d requests = %,.0f/s, %d errors, %,d CONFLICT, %,d NOT_FOUND; %,d versions, %d duplicated,"
                + " %d out of order in a client; events missing %d, extra %d, out of order %d; final state mismatches %d", clients,
                m.seconds(), m.requests(), m.perSecond(), m.errors(), m.conflicts(), m.notFound(), m.writes(), m.duplicates(),
                m.clientDisorder(), m.eventsMissing(), m.eventsExtra(), m.eventsDisorder(), m.finalMismatches());
        c.say("  the same %d clients on host F (file session): %,d requests = %,.0f/s, %d errors, %,d CONFLICT; %,d versions, %d duplicated",
                clients, base.requests(), base.perSecond(), base.errors(), base.conflicts(), base.writes(), base.duplicates());
    }

    private static void row(Report.Section s, Mix m, Mix base, int clients, double seconds) {
        String problems = m.problems();
        s.row(String.format(Locale.ROOT, "shared 3. 3 hosts × %d clients on one Redis session for %.0f s, each looping over puts (small meshes,"
                + " bytes), conditional puts, deletes, gets and lists of %d keys", CLIENTS_PER_HOST, seconds, POOL_KEYS),
                count(m.perSecond()) + " requests/s; " + m.errors() + " errors; " + count(m.conflicts()) + " CONFLICT, "
                        + count(m.notFound()) + " NOT_FOUND (expected); " + count(m.writes()) + " versions, " + m.duplicates() + " duplicated"
                        + (problems.isEmpty() ? "; every host's watch saw every write once, in order" : "; " + problems),
                "the same " + clients + " clients on one host with the file session: " + count(base.perSecond()) + " requests/s, "
                        + base.errors() + " errors",
                ratio(s.number("mixedRatioPerSecond")) + " of the rate",
                "0 errors, all versions distinct: " + s.verdict(m.clean() && base.errors() == 0 && base.duplicates() == 0));
    }
}
