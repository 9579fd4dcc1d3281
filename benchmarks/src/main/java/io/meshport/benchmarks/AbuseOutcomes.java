package io.meshport.benchmarks;

import static io.meshport.benchmarks.Report.count;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.meshport.wire.CborValues;

/** What the host did to one kind of abuser: sockets opened and closed by the host, and what it said first to each. */
final class AbuseOutcomes {
    final String kind;
    final AtomicLong opened = new AtomicLong();
    final AtomicLong connectFailed = new AtomicLong();
    final AtomicLong closedByHost = new AtomicLong();
    final AtomicLong bytesSent = new AtomicLong();
    final Map<String, AtomicLong> answers = new ConcurrentHashMap<>(); // what the host said first
    final Map<String, String> messages = new ConcurrentHashMap<>(); // the first message of each error code
    volatile long openAtEnd;

    AbuseOutcomes(String kind) {
        this.kind = kind;
    }

    void answer(String a) {
        answers.computeIfAbsent(a, k -> new AtomicLong()).incrementAndGet();
    }

    /** Counts a frame from the host as its answer, and keeps the first message of its kind. */
    void answer(byte[] body) {
        String l = label(body);
        answer(l);
        String m = message(body);
        if (m != null) {
            messages.putIfAbsent(l, m);
        }
    }

    String text() {
        Map<String, Long> sorted = new TreeMap<>();
        answers.forEach((k, v) -> sorted.put(k, v.get()));
        return String.format(Locale.ROOT, "%s: %,d opened%s, %,d closed by the host, %,d open at the end%s", kind, opened.get(),
                connectFailed.get() > 0 ? " (" + count(connectFailed.get()) + " connects failed)" : "", closedByHost.get(), openAtEnd,
                sorted.isEmpty() ? "" : "; host said: " + sorted.toString().replace("{", "").replace("}", ""));
    }

    /** @return the message of an error frame, or null */
    @SuppressWarnings("unchecked")
    private static String message(byte[] body) {
        try {
            Object e = ((Map<Object, Object>) CborValues.decode(body)).get("error");
            return e instanceof Map ? String.valueOf(((Map<Object, Object>) e).get("message")) : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** Names a frame from the host for the tally: "bye: reason", an error code, or "ok". */
    @SuppressWarnings("unchecked")
    static String label(byte[] body) {
        try {
            Map<Object, Object> m = (Map<Object, Object>) CborValues.decode(body);
            if ("bye".equals(m.get("op"))) {
                String reason = String.valueOf(m.get("reason")).replaceAll("[0-9][0-9,.]*", "N");
                return "bye '" + (reason.length() > 60 ? reason.substring(0, 60) + "..." : reason) + "'";
            }
            Object e = m.get("error");
            if (e instanceof Map) {
                return String.valueOf(((Map<Object, Object>) e).get("code"));
            }
            return Boolean.TRUE.equals(m.get("ok")) ? "ok" : "other";
        } catch (Exception e) {
            return "an unreadable frame";
        }
    }
}
