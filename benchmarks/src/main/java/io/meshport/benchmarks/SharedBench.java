package io.meshport.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.meshport.testkit.RedisServer;

/**
 * A session shared by several host processes through Redis ({@code --session redis://127.0.0.1:P/NAME},
 * a fresh name per run, on a {@code redis-server} of its own with an append-only file fsynced every
 * second): hosts A, B and C share it, host F keeps the default durable file session. Measured, each
 * against a baseline of the same run:
 * <ol>
 * <li>the latency of a watch event on B for a small put on A (from just before the put to the event),
 * against a watch on A itself ({@link SharedEvents});</li>
 * <li>a 1,000,000-point mesh put to A against the same put to F (rounds interleaved), and B's get of
 * what A put (first get: read from Redis and decoded; second: cached) against F's get; and the same
 * mesh put by B and A in turn to one key (each put follows the other host's) against A's puts
 * ({@link SharedBigMesh});</li>
 * <li>8 clients on each of A, B and C looping over puts, conditional puts, deletes, gets and lists of a
 * pool of 50 keys: requests per second, errors (CONFLICT of a conditional put and NOT_FOUND are
 * expected, not errors), and whether every version a write was given is distinct, every client's in
 * increasing order, and every host's watch saw every write once, in order; against the same 24 clients
 * on F, after a warm-up of each (the hosts' JIT) ({@link SharedMixedLoad}).</li>
 * </ol>
 * It also counts the Redis commands per request ({@code INFO commandstats}, {@link SharedRedis}) and the
 * CPU the hosts, Redis and the clients take per request, which say where the time of a shared session
 * goes. Redis is the test kit's {@link RedisServer}; every host is a process of its own
 * ({@link SeparateHost}, {@link SharedHosts}); every host and the Redis server are stopped however the
 * benchmark ends, and every wait is bounded.
 */
final class SharedBench implements Benchmark {
    private static final int HOSTS_PER_SESSION = 3;

    @Override
    public String name() {
        return "shared";
    }

    @Override
    public String description() {
        return "a session shared by 3 host processes through Redis: event latency across hosts, a 1,000,000-point put and get"
                + " vs the file session, 3 hosts x 8 clients of mixed writes";
    }

    @Override
    public void run(Context c, Report.Section s) throws Exception {
        String session = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        List<SeparateHost> hosts = new ArrayList<>();
        try (RedisServer server = RedisServer.start(c.folder("shared-redis"), true);
                SharedRedis redis = new SharedRedis(server.port())) {
            try {
                String uri = server.uri(session);
                c.say("  redis-server %s on 127.0.0.1:%d (append-only, fsync every second); session %s", redis.version(), server.port(),
                        uri);
                List<String[]> args = new ArrayList<>();
                for (int i = 0; i < HOSTS_PER_SESSION; i++) {
                    args.add(new String[] {"--session", uri});
                }
                args.add(new String[] {"--session", "file"});
                hosts.addAll(SharedHosts.start(c, args));
                measure(c, s, hosts, redis);
            } finally {
                for (SeparateHost h : hosts) {
                    try {
                        h.close();
                    } catch (Exception e) {
                        c.say("  stopping the host on port %d: %s", h.port, e);
                    }
                }
            }
        }
    }

    /** The three parts, then what Redis holds at the end and what the hosts logged. */
    private static void measure(Context c, Report.Section s, List<SeparateHost> hosts, SharedRedis redis) throws Exception {
        SeparateHost a = hosts.get(0);
        SeparateHost b = hosts.get(1);
        SeparateHost f = hosts.get(HOSTS_PER_SESSION);
        c.say("  hosts A, B, C on ports %d, %d, %d (shared session), F on %d (file session); up in %.2f, %.2f, %.2f, %.2f s", a.port,
                b.port, hosts.get(2).port, f.port, a.upSeconds, b.upSeconds, hosts.get(2).upSeconds, f.upSeconds);
        long redisCpu0 = redis.cpuMillis();
        SharedEvents.measure(c, s, a, b, redis);
        long redisCpu1 = redis.cpuMillis();
        SharedBigMesh.measure(c, s, a, b, f);
        long redisCpu2 = redis.cpuMillis();
        SharedMixedLoad.measure(c, s, hosts.subList(0, HOSTS_PER_SESSION), f, redis);
        long redisCpu3 = redis.cpuMillis();
        s.put("redisCpuMsEvents", redisCpu1 - redisCpu0);
        s.put("redisCpuMsBigMesh", redisCpu2 - redisCpu1);
        s.put("redisCpuMsMixed", redisCpu3 - redisCpu2);
        Map<String, String> info = redis.info();
        long keys = redis.dbSize();
        double usedMb = Long.parseLong(info.getOrDefault("used_memory", "0")) / 1e6;
        double peakMb = Long.parseLong(info.getOrDefault("used_memory_peak", "0")) / 1e6;
        s.put("redisKeysAtEnd", keys);
        s.put("redisUsedMemoryMB", usedMb);
        s.put("redisPeakMemoryMB", peakMb);
        s.put("redisAofMB", Long.parseLong(info.getOrDefault("aof_current_size", "0")) / 1e6);
        c.say("  redis at the end: %,d keys, %.1f MB used (peak %.1f MB), append-only file %.1f MB; its CPU: events %d ms, big mesh %d ms,"
                + " mixed %d ms", keys, usedMb, peakMb, s.number("redisAofMB"), redisCpu1 - redisCpu0, redisCpu2 - redisCpu1,
                redisCpu3 - redisCpu2);
        for (SeparateHost h : hosts) {
            String problems = SharedHosts.problems(h);
            if (!problems.isEmpty()) {
                c.say("  host on port %d logged:%n%s", h.port, problems);
            }
        }
    }
}
