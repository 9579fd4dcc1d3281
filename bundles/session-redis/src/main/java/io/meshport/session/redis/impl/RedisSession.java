package io.meshport.session.redis.impl;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.backend.ChangeBatch;
import io.meshport.session.backend.RecordWrite;
import io.meshport.session.backend.SharedSession;
import io.meshport.session.backend.StoredChange;
import io.meshport.session.backend.StoredRecord;
import io.meshport.session.backend.WriteOutcome;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.commands.ScriptingKeyBinaryCommands;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntryBinary;

/**
 * A Meshport session kept in Redis ({@link RedisKeys} says how). A write is one Lua script, so that the
 * token check, the conditional check, the version, the record and the change happen together; a value is
 * stored first, in pieces with a time to live, and made permanent by the script.
 */
final class RedisSession implements SharedSession {
    /** How long the pieces of a value being written live if its write never happens. */
    static final long PENDING_MILLIS = 3_600_000;
    /** Values up to this size go with the write's script itself: one round trip less for a small put. */
    static final int INLINE_BYTES = 64 << 10;
    private static final byte[] SCRIPT = script();
    private static final String SCRIPT_SHA = sha1(SCRIPT);

    private final RedisPlace place;
    private final RedisConfig config;
    private final RedisKeys keys;
    private final RedisClient client;
    private volatile boolean closed;

    RedisSession(RedisPlace place, RedisConfig config) {
        this.place = place;
        this.config = config;
        this.keys = new RedisKeys(place.name());
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(config.maxConnections());
        pool.setMaxIdle(config.maxConnections());
        pool.setMinIdle(0);
        pool.setBlockWhenExhausted(true);
        pool.setMaxWait(Duration.ofMillis(config.timeoutMillis()));
        // Idle connections are checked in the background, not on each borrow (a PING before every command); a
        // request meeting a connection that died meanwhile tries once more when it may (see again).
        pool.setTestOnBorrow(false);
        pool.setTestWhileIdle(true);
        pool.setTimeBetweenEvictionRuns(Duration.ofSeconds(1));
        pool.setNumTestsPerEvictionRun(-1);
        DefaultJedisClientConfig.Builder c = DefaultJedisClientConfig.builder().connectionTimeoutMillis(config.timeoutMillis())
                .socketTimeoutMillis(config.timeoutMillis()).clientName("meshport-host");
        if (place.user() != null) {
            c.user(place.user());
        }
        if (place.password() != null) {
            c.password(place.password());
        }
        this.client = RedisClient.builder().hostAndPort(place.host(), place.port()).clientConfig(c.build()).poolConfig(pool).build();
    }

    /** Calls Redis once; for a call that may run twice (reads, and writes carrying a request token), see {@link #again}. */
    private <T> T redis(Function<RedisClient, T> call) {
        return redis(call, false);
    }

    /** Calls Redis, a second time after a broken connection (one left from before a Redis restart, say). */
    private <T> T again(Function<RedisClient, T> call) {
        return redis(call, true);
    }

    private <T> T redis(Function<RedisClient, T> call, boolean repeatable) {
        if (closed) {
            throw new MeshportException(ErrorCode.UNAVAILABLE, "the session " + place + " was closed");
        }
        try {
            return call.apply(client);
        } catch (JedisConnectionException e) {
            if (!repeatable || closed) {
                throw failure(e);
            }
        } catch (RuntimeException e) {
            throw failure(e);
        }
        try {
            return call.apply(client);
        } catch (RuntimeException e) {
            throw failure(e);
        }
    }

    private MeshportException failure(RuntimeException e) {
        if (closed) { // closed under a call: the backend's bundle is going away
            return new MeshportException(ErrorCode.UNAVAILABLE, "the session " + place + " was closed", Map.of(), e);
        }
        return RedisFailures.of(place, e);
    }

    @Override
    public String sessionId() {
        return again(r -> {
            r.set(keys.id, RedisKeys.utf8(UUID.randomUUID().toString()), SetParams.setParams().nx());
            return RedisKeys.text(r.get(keys.id));
        });
    }

    @Override
    public long currentVersion() {
        byte[] v = again(r -> r.get(keys.version));
        return v == null ? 0 : Long.parseLong(RedisKeys.text(v));
    }

    @Override
    public WriteOutcome write(RecordWrite w) {
        String blob = "";
        int pieces = 0;
        byte[] inline = new byte[0];
        if (!w.isDelete()) {
            blob = Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(ThreadLocalRandom.current().nextLong());
            if (w.body().length > 0 && w.body().length <= Math.min(INLINE_BYTES, config.chunkBytes())) {
                inline = w.body();
                pieces = 1;
            } else {
                pieces = storePieces(blob, w.body());
            }
        }
        // A failure here leaves the pieces: the script may have run and made them the key's value; if it did
        // not, they expire (PENDING_MILLIS).
        List<?> reply = (List<?>) evalWrite(w, blob, pieces, inline);
        String status = RedisKeys.text((byte[]) reply.get(0));
        switch (status) {
            case "ok":
                return new WriteOutcome(w.key(), (Long) reply.get(1), w.isDelete(), w.head(), false);
            case "replayed":
                dropPieces(blob, inline.length > 0 ? 0 : pieces);
                return receipt((List<?>) reply.get(1));
            case "conflict": {
                dropPieces(blob, inline.length > 0 ? 0 : pieces);
                long current = Long.parseLong(RedisKeys.text((byte[]) reply.get(1)));
                throw MeshportException.conflict("'" + w.key() + "' is at version " + current + (current == 0 ? " (absent)" : "")
                        + ", not " + w.ifVersion(), current);
            }
            case "notfound":
                throw new MeshportException(ErrorCode.NOT_FOUND, "no key '" + w.key() + "' in the session");
            case "lost":
                throw new MeshportException(ErrorCode.UNAVAILABLE, "piece " + RedisKeys.text((byte[]) reply.get(1)) + " of the value of '"
                        + w.key() + "' vanished from " + place + " before its write (was Redis restarted without persistence,"
                        + " or is it evicting keys?); send it again");
            default:
                throw new MeshportException(ErrorCode.INTERNAL, "the write script answered '" + status + "'");
        }
    }

    /** Stores a value's pieces with a time to live; the write script makes them permanent. */
    private int storePieces(String blob, byte[] body) {
        int chunk = Math.max(1, config.chunkBytes());
        int pieces = (body.length + chunk - 1) / chunk;
        again(r -> {
            try (AbstractPipeline p = r.pipelined()) {
                for (int i = 0; i < pieces; i++) {
                    int from = i * chunk;
                    byte[] piece = pieces == 1 ? body : Arrays.copyOfRange(body, from, Math.min(body.length, from + chunk));
                    p.set(keys.piece(blob, i), piece, SetParams.setParams().px(PENDING_MILLIS));
                }
                p.sync();
            }
            return null;
        });
        return pieces;
    }

    private void dropPieces(String blob, int pieces) {
        if (pieces == 0) {
            return;
        }
        try {
            redis(r -> {
                byte[][] k = new byte[pieces][];
                for (int i = 0; i < pieces; i++) {
                    k[i] = keys.piece(blob, i);
                }
                return r.del(k);
            });
        } catch (MeshportException e) {
            // They expire by themselves (PENDING_MILLIS).
        }
    }

    private Object evalWrite(RecordWrite w, String blob, int pieces, byte[] inline) {
        byte[] entry = keys.entry(w.key());
        boolean token = w.requestToken() != null;
        List<byte[]> k = List.of(keys.version, keys.keys, entry, keys.changes, token ? keys.token(w.requestToken()) : entry,
                keys.replaced);
        List<byte[]> a = List.of(RedisKeys.utf8(w.key()), RedisKeys.utf8(Long.toString(w.ifVersion())),
                RedisKeys.utf8(w.isDelete() ? "delete" : "put"), w.isDelete() ? new byte[0] : w.head(), RedisKeys.utf8(blob),
                RedisKeys.utf8(Integer.toString(pieces)), RedisKeys.utf8(Long.toString(config.keepChanges())),
                RedisKeys.utf8(Long.toString(config.tokenSeconds())), RedisKeys.utf8(Long.toString(config.replacedSeconds() * 1000L)),
                keys.blobPrefix, RedisKeys.utf8(token ? "1" : "0"), inline);
        // With a request token the script may run twice: the second run finds the token and changes nothing.
        if (config.replicas() == 0) {
            return redis(r -> script(r, k, a), token);
        }
        // WAIT counts the replicas that have this connection's writes: the script and the WAIT share one.
        return redis(r -> {
            try (Connection c = r.getPool().getResource()) {
                Jedis j = new Jedis(c);
                Object reply = script(j, k, a);
                if ("ok".equals(RedisKeys.text((byte[]) ((List<?>) reply).get(0)))) {
                    long wait = config.timeoutMillis() / 2; // within the socket's timeout, which is timeoutMillis
                    long reached = j.waitReplicas(config.replicas(), wait);
                    if (reached < config.replicas()) {
                        throw new MeshportException(ErrorCode.UNAVAILABLE, "the write of '" + w.key() + "' took version "
                                + ((List<?>) reply).get(1) + " on the primary but reached " + reached + " of " + config.replicas()
                                + " replicas within " + wait + " ms: it may be lost if the primary fails now");
                    }
                }
                return reply;
            }
        }, token);
    }

    private static Object script(ScriptingKeyBinaryCommands r, List<byte[]> k, List<byte[]> a) {
        try {
            return r.evalsha(RedisKeys.utf8(SCRIPT_SHA), k, a);
        } catch (JedisDataException e) {
            if (String.valueOf(e.getMessage()).startsWith("NOSCRIPT")) {
                return r.eval(SCRIPT, k, a);
            }
            throw e;
        }
    }

    /** @return what an earlier write with the same token did, from its token's hash (k, v, d, h) */
    private static WriteOutcome receipt(List<?> fields) {
        String key = RedisKeys.text((byte[]) fields.get(0));
        long version = Long.parseLong(RedisKeys.text((byte[]) fields.get(1)));
        boolean delete = fields.get(2) != null;
        return new WriteOutcome(key, version, delete, delete ? null : (byte[]) fields.get(3), true);
    }

    @Override
    public StoredRecord head(String key) {
        List<byte[]> f = again(r -> r.hmget(keys.entry(key), RedisKeys.utf8("v"), RedisKeys.utf8("h"), RedisKeys.utf8("b"),
                RedisKeys.utf8("n")));
        return record(key, f);
    }

    private static StoredRecord record(String key, List<byte[]> f) {
        if (f.get(0) == null) {
            return null;
        }
        return new StoredRecord(key, Long.parseLong(RedisKeys.text(f.get(0))), f.get(1),
                RedisKeys.text(f.get(2)) + ":" + RedisKeys.text(f.get(3)));
    }

    @Override
    public byte[] body(StoredRecord record) {
        String ref = record.blob();
        int colon = ref.lastIndexOf(':');
        String blob = ref.substring(0, colon);
        int pieces = Integer.parseInt(ref.substring(colon + 1));
        List<byte[]> parts = again(r -> {
            List<Response<byte[]>> rs = new ArrayList<>(pieces);
            try (AbstractPipeline p = r.pipelined()) {
                for (int i = 0; i < pieces; i++) {
                    rs.add(p.get(keys.piece(blob, i)));
                }
                p.sync();
            }
            List<byte[]> out = new ArrayList<>(pieces);
            for (Response<byte[]> x : rs) {
                out.add(x.get());
            }
            return out;
        });
        long total = 0;
        for (byte[] p : parts) {
            if (p == null) {
                return null;
            }
            total += p.length;
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new MeshportException(ErrorCode.INTERNAL, "the value of '" + record.key() + "' is " + total + " bytes, more than one array holds");
        }
        byte[] out = new byte[(int) total];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Override
    public List<StoredRecord> list(String prefix) {
        byte[] p = RedisKeys.utf8(prefix);
        byte[] min = new byte[p.length + 1];
        min[0] = '[';
        System.arraycopy(p, 0, min, 1, p.length);
        byte[] max = Arrays.copyOf(min, min.length + 1);
        max[max.length - 1] = (byte) 0xff; // keys are ASCII: every key with the prefix sorts below it
        return again(r -> {
            List<byte[]> names = r.zrangeByLex(keys.keys, min, max);
            List<Response<List<byte[]>>> rs = new ArrayList<>(names.size());
            try (AbstractPipeline pl = r.pipelined()) {
                for (byte[] n : names) {
                    rs.add(pl.hmget(keys.entry(RedisKeys.text(n)), RedisKeys.utf8("v"), RedisKeys.utf8("h"), RedisKeys.utf8("b"),
                            RedisKeys.utf8("n")));
                }
                pl.sync();
            }
            List<StoredRecord> out = new ArrayList<>(names.size());
            for (int i = 0; i < names.size(); i++) {
                StoredRecord rec = record(RedisKeys.text(names.get(i)), rs.get(i).get());
                if (rec != null) { // deleted between the two reads
                    out.add(rec);
                }
            }
            return out;
        });
    }

    @Override
    public WriteOutcome recall(String requestToken) {
        List<byte[]> f = again(r -> r.hmget(keys.token(requestToken), RedisKeys.utf8("k"), RedisKeys.utf8("v"), RedisKeys.utf8("d"),
                RedisKeys.utf8("h")));
        return f.get(0) == null ? null : receipt(f);
    }

    @Override
    public ChangeBatch changesAfter(long afterVersion, int max, long waitMillis) {
        long block = Math.max(1, Math.min(waitMillis, config.timeoutMillis() / 2));
        List<Map.Entry<byte[], List<StreamEntryBinary>>> read = again(r -> r.xreadBinary(
                XReadParams.xReadParams().count(max).block((int) block), Map.of(keys.changes, new StreamEntryID(afterVersion, 0))));
        if (read == null || read.isEmpty()) {
            return new ChangeBatch(List.of(), false);
        }
        List<StoredChange> changes = new ArrayList<>();
        for (StreamEntryBinary e : read.get(0).getValue()) {
            changes.add(change(e));
        }
        boolean missed = !changes.isEmpty() && changes.get(0).version() > afterVersion + 1;
        return new ChangeBatch(changes, missed);
    }

    private static StoredChange change(StreamEntryBinary e) {
        long version = e.getID().getTime();
        String key = null;
        byte[] head = null;
        String blob = null;
        String pieces = null;
        boolean delete = false;
        for (Map.Entry<byte[], byte[]> f : e.getFields().entrySet()) {
            switch (RedisKeys.text(f.getKey())) {
                case "k" -> key = RedisKeys.text(f.getValue());
                case "h" -> head = f.getValue();
                case "b" -> blob = RedisKeys.text(f.getValue());
                case "n" -> pieces = RedisKeys.text(f.getValue());
                case "d" -> delete = true;
                default -> { } // fields of a later version of this backend
            }
        }
        if (key == null || (!delete && (head == null || blob == null || pieces == null))) {
            throw new MeshportException(ErrorCode.INTERNAL, "change " + e.getID() + " of the session's stream is incomplete");
        }
        return new StoredChange(key, version, delete ? null : new StoredRecord(key, version, head, blob + ":" + pieces));
    }

    @Override
    public void close() {
        closed = true;
        client.close();
    }

    private static byte[] script() {
        try (InputStream in = RedisSession.class.getResourceAsStream("write.lua")) {
            return in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the bundle lacks its write.lua", e);
        }
    }

    private static String sha1(byte[] b) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-1").digest(b);
            StringBuilder s = new StringBuilder();
            for (byte x : d) {
                s.append(String.format("%02x", x));
            }
            return s.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
