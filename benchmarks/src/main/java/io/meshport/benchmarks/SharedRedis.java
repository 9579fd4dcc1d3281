package io.meshport.benchmarks;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@link SharedBench} asks its {@code redis-server} (started by the test kit's
 * {@link io.meshport.testkit.RedisServer}): {@code INFO}, the command statistics, the key count, the
 * server's CPU. One connection of its own, held for the whole run, speaking RESP; a few commands, one
 * at a time, never in the way of the hosts' own.
 */
final class SharedRedis implements AutoCloseable {
    private static final Pattern CALLS = Pattern.compile("^cmdstat_([a-z|_-]+):calls=(\\d+)");

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String pid;

    /** Connects to the server on 127.0.0.1 at {@code port}. */
    SharedRedis(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        pid = info().getOrDefault("process_id", "0");
    }

    /** @return the reply to a command (its arguments as words): a status, an integer or a bulk string as text; null for a nil */
    synchronized String call(String... args) throws IOException {
        StringBuilder b = new StringBuilder().append('*').append(args.length).append("\r\n");
        for (String a : args) {
            byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
            b.append('$').append(bytes.length).append("\r\n").append(a).append("\r\n");
        }
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        String head = line();
        char kind = head.isEmpty() ? '?' : head.charAt(0);
        String rest = head.substring(1);
        switch (kind) {
            case '+', ':' -> {
                return rest;
            }
            case '$' -> {
                int n = Integer.parseInt(rest);
                if (n < 0) {
                    return null;
                }
                byte[] body = in.readNBytes(n + 2); // the bytes and their CRLF
                if (body.length != n + 2) {
                    throw new IOException("redis closed the connection in a reply");
                }
                return new String(body, 0, n, StandardCharsets.UTF_8);
            }
            case '-' -> throw new IOException("redis: " + rest);
            default -> throw new IOException("redis: unexpected reply " + head);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int ch = in.read(); ch != '\n'; ch = in.read()) {
            if (ch < 0) {
                throw new IOException("redis closed the connection");
            }
            if (ch != '\r') {
                b.write(ch);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** @return the fields of {@code INFO} (every section) */
    Map<String, String> info() throws IOException {
        Map<String, String> fields = new HashMap<>();
        for (String l : call("INFO").split("\r?\n")) {
            int colon = l.indexOf(':');
            if (colon > 0 && !l.startsWith("#")) {
                fields.put(l.substring(0, colon), l.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    /** @return the server's version, "?" when it does not say */
    String version() {
        try {
            return info().getOrDefault("redis_version", "?");
        } catch (IOException e) {
            return "?";
        }
    }

    /** Zeroes the server's command statistics. */
    void resetStats() throws IOException {
        call("CONFIG", "RESETSTAT");
    }

    /** @return the calls of each command since the last reset (Lua's own calls included), from {@code INFO commandstats} */
    Map<String, Long> commandCalls() throws IOException {
        Map<String, Long> calls = new TreeMap<>();
        for (String l : call("INFO", "commandstats").split("\r?\n")) {
            Matcher m = CALLS.matcher(l);
            if (m.find()) {
                calls.put(m.group(1).toUpperCase(Locale.ROOT), Long.parseLong(m.group(2)));
            }
        }
        calls.keySet().removeIf(k -> k.startsWith("CONFIG") || k.startsWith("INFO")); // this benchmark's own
        return calls;
    }

    /** @return the number of keys in the server's database */
    long dbSize() throws IOException {
        return Long.parseLong(call("DBSIZE"));
    }

    /** @return the CPU time the server used so far, in milliseconds; 0 without /proc */
    long cpuMillis() {
        return SharedHosts.cpuMillis(pid);
    }

    /** @return the sum of the calls */
    static long total(Map<String, Long> calls) {
        return calls.values().stream().mapToLong(Long::longValue).sum();
    }

    /** @return "N in all: command n, ..." per request, the most frequent first */
    static String perRequest(Map<String, Long> calls, long requests) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%.1f in all", total(calls) / (double) requests));
        calls.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).forEach(e -> b.append(String.format(
                Locale.ROOT, ", %s %.2f", e.getKey(), e.getValue() / (double) requests)));
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
