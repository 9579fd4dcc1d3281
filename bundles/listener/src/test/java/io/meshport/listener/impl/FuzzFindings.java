package io.meshport.listener.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one fuzz run found: each kind of violation with how often it happened and its smallest
 * example (the frame in hex, how it was made, what came back), the replies by outcome, and the
 * report written to {@code target/frame-fuzz/}.
 */
final class FuzzFindings {

    /** A kind of violation, with how often it happened and its smallest example. */
    private static final class Finding {
        final String signature;
        int count;
        String example;
        int exampleBytes = Integer.MAX_VALUE;
        String firstExample;

        Finding(String signature) {
            this.signature = signature;
        }
    }

    private final Map<String, Finding> findings = new LinkedHashMap<>();
    /** Replies by outcome ("ok" or the error code), to show what the fuzz reached. */
    private final Map<String, Integer> outcomes = new TreeMap<>();

    synchronized void violation(String signature, String detail, byte[] frame, String how, String got) {
        Finding f = findings.computeIfAbsent(signature, Finding::new);
        f.count++;
        StringBuilder e = new StringBuilder();
        e.append(detail).append('\n');
        if (how != null) {
            e.append("    made as: ").append(how).append('\n');
        }
        if (frame != null) {
            e.append("    frame (").append(frame.length).append(" bytes, length prefix included): ").append(hexShort(frame)).append('\n');
        }
        if (got != null) {
            e.append("    came back: ").append(cut(got, 1200)).append('\n');
        }
        int size = frame == null ? Integer.MAX_VALUE - 1 : frame.length;
        if (f.firstExample == null) {
            f.firstExample = e.toString();
        }
        if (size < f.exampleBytes) {
            f.exampleBytes = size;
            f.example = e.toString();
        }
    }

    /** Counts a reply by its outcome: "ok" or its error code. */
    void outcome(String outcome) {
        synchronized (outcomes) {
            outcomes.merge(outcome, 1, Integer::sum);
        }
    }

    synchronized boolean isEmpty() {
        return findings.isEmpty();
    }

    static String hexShort(byte[] b) {
        if (b.length <= 1024) {
            return FuzzCbor.hex(b, 0, b.length);
        }
        return FuzzCbor.hex(b, 0, 512) + "... (" + b.length + " bytes; the first 512 shown)";
    }

    static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max) + "... (" + s.length() + " chars)";
    }

    /** @return the report of a run, also written to {@code target/frame-fuzz/} */
    synchronized String report(boolean withToken, long seed, int rounds, long connections, long frames, double seconds) throws IOException {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "frame fuzz %s token, seed %d: %d rounds, %d connections, %d frames in %.1f s: %s%n",
                withToken ? "with" : "without", seed, rounds, connections, frames, seconds,
                findings.isEmpty() ? "no violation" : findings.size() + " kinds of violation"));
        s.append("replies: ").append(outcomes).append('\n');
        for (Finding f : findings.values()) {
            s.append("\n* ").append(f.signature).append(" (").append(f.count).append(f.count == 1 ? " time" : " times").append(")\n");
            s.append("  smallest example: ").append(f.example);
            if (!f.firstExample.equals(f.example)) {
                s.append("  first example: ").append(f.firstExample);
            }
        }
        Path dir = Paths.get("target", "frame-fuzz");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report-" + (withToken ? "token" : "open") + "-seed" + seed + "-rounds" + rounds + ".txt"), s.toString(),
                StandardCharsets.UTF_8);
        return s.toString();
    }
}
