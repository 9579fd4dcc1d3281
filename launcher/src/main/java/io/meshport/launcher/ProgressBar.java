package io.meshport.launcher;

import java.io.PrintStream;
import java.util.Locale;

import io.meshport.client.UploadProgress;

/** A one-line progress bar of an upload on a terminal: bytes sent, MB/s, time left; redrawn at most ten times a second. */
final class ProgressBar implements UploadProgress {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final long started = System.nanoTime();
    private long lastDrawn;
    private boolean drawn;

    ProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void progress(String key, long sent, long total) {
        long now = System.nanoTime();
        if (sent < total && now - lastDrawn < 100_000_000L) {
            return;
        }
        lastDrawn = now;
        double seconds = Math.max(1e-3, (now - started) / 1e9);
        double rate = sent / seconds;
        int filled = total == 0 ? WIDTH : (int) (WIDTH * sent / total);
        String left = rate <= 0 ? "--:--" : clock((total - sent) / rate);
        out.printf(Locale.ROOT, "\r%s [%s%s] %,.1f / %,.1f MB  %,.0f MB/s  %s left ", key, "#".repeat(filled), " ".repeat(WIDTH - filled),
                sent / 1e6, total / 1e6, rate / 1e6, left);
        drawn = true;
        if (sent >= total) {
            out.println();
            drawn = false;
        }
        out.flush();
    }

    /** Ends the line when a bar is on it (the upload failed half way). */
    synchronized void finish() {
        if (drawn) {
            out.println();
            drawn = false;
        }
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
