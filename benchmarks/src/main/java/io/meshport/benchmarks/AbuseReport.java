package io.meshport.benchmarks;

import static io.meshport.benchmarks.Report.count;
import static io.meshport.benchmarks.Report.ms;
import static io.meshport.benchmarks.Report.ratio;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.meshport.benchmarks.AbuseLegit.Tally;

/**
 * What one abuse run measured, and how it is reported: the figures of the JSON file, the lines said
 * on the console and the three table rows with their verdicts.
 */
final class AbuseReport {
    /** The figures' names for each kind of abuser, in the order of {@link #abusers}. */
    private static final String[] KEYS = {"idle", "headerOnly", "halfBeforeHello", "halfAfterHello", "garbage", "bigUnauthenticated"};

    final AbuseBench.Plan p;
    final long budget;
    Tally base;
    Tally abused;
    Tally after;
    long threadsBefore;
    long fdsBefore;
    long heapBefore;
    long threadsAfter;
    long fdsAfter;
    long heapAfter;
    double recoverMs;
    /** What the host did to each kind of abuser: the flood's kinds, then the large frames. */
    List<AbuseOutcomes> abusers;
    final Map<String, Long> pressureResults = new TreeMap<>();
    final Map<String, String> pressureMessages = new TreeMap<>();
    String firstError;

    AbuseReport(AbuseBench.Plan p, long budget) {
        this.p = p;
        this.budget = budget;
    }

    void write(Benchmark.Context c, Report.Section s) {
        double[] b = base.trips();
        double[] m = abused.trips();
        double[] af = after.trips();
        double[] conns = abused.connectTimes();
        double[] baseConns = base.connectTimes();
        s.put("baselineOps", b.length);
        s.put("baselinePerSecond", base.perSecond());
        s.put("baselineErrors", base.errorCount());
        s.put("baselineP50Ms", Stats.median(b));
        s.put("baselineP99Ms", Stats.percentile(b, 99));
        s.put("baselineMaxMs", Stats.max(b));
        s.put("baselineConnectP50Ms", Stats.median(baseConns));
        s.put("ops", m.length);
        s.put("perSecond", abused.perSecond());
        s.put("errors", abused.errorCount());
        s.put("errorsByCode", abused.errorsText());
        s.put("p50Ms", Stats.median(m));
        s.put("p99Ms", Stats.percentile(m, 99));
        s.put("maxMs", Stats.max(m));
        s.put("slowestIterationMs", Stats.millis(abused.slowest.get()));
        s.put("connects", conns.length);
        s.put("connectFailures", abused.connectFailures.get());
        s.put("connectP50Ms", Stats.median(conns));
        s.put("connectP99Ms", Stats.percentile(conns, 99));
        s.put("ratioRate", abused.perSecond() / base.perSecond());
        s.put("ratioP50", Stats.median(m) / Stats.median(b));
        s.put("ratioP99", Stats.percentile(m, 99) / Stats.percentile(b, 99));
        s.put("afterOps", af.length);
        s.put("afterPerSecond", after.perSecond());
        s.put("afterErrors", after.errorCount());
        s.put("afterP99Ms", Stats.percentile(af, 99));
        s.put("recoverMs", recoverMs);
        s.put("threadsBefore", threadsBefore);
        s.put("threadsAfter", threadsAfter);
        s.put("fdsBefore", fdsBefore);
        s.put("fdsAfter", fdsAfter);
        s.put("heapBeforeMB", heapBefore / 1e6);
        s.put("heapAfterMB", heapAfter / 1e6);
        for (int i = 0; i < abusers.size(); i++) {
            AbuseOutcomes o = abusers.get(i);
            s.put(KEYS[i] + "Opened", o.opened.get());
            s.put(KEYS[i] + "ClosedByHost", o.closedByHost.get());
            s.put(KEYS[i] + "OpenAtEnd", o.openAtEnd);
            s.put(KEYS[i] + "HostSaid", o.answers.isEmpty() ? "" : new TreeMap<>(o.answers).toString());
        }
        s.put("pressurePuts", pressureResults.toString());

        c.say("  abused: %,d put+get in %.1f s, errors %s; p50 %.2f ms, p99 %.2f ms, max %.1f ms (slowest iteration, failed ones included:"
                + " %.0f ms); new connections: %d, %d failed, hello p50 %.2f ms, p99 %.2f ms", m.length, abused.seconds, abused.errorsText(),
                Stats.median(m), Stats.percentile(m, 99), Stats.max(m), Stats.millis(abused.slowest.get()), conns.length,
                abused.connectFailures.get(), Stats.median(conns), Stats.percentile(conns, 99));
        if (firstError != null) {
            c.say("  first legitimate error: %s", firstError);
        }
        for (AbuseOutcomes o : abusers) {
            c.say("  %s", o.text());
            new TreeMap<>(o.messages).forEach((k, v) -> c.say("    first %s: %s", k, v));
        }
        c.say("  memory pressure (%d clients, %d keys each, %.1f MB meshes, budget %s): %s", p.pressure(), p.pressureKeys(),
                Meshes.rawArrayBytes(Meshes.sheet(p.pressurePoints(), p.pressureTriangles())) / 1e6, Report.mb(budget), pressureResults);
        pressureMessages.forEach((k, v) -> c.say("    first %s of the memory pressure: %s", k, v));
        c.say("  after the abuse: a fresh client served %s after the abusers were gone; then %,d put+get in %.1f s, errors %s, p99 %.2f ms",
                Double.isNaN(recoverMs) ? "NOT (10 s)" : ms(recoverMs), af.length, after.seconds, after.errorsText(), Stats.percentile(af, 99));
        c.say("  threads %d -> %d, open files %d -> %d, settled heap %.0f -> %.0f MB (peak during the abuse %.0f MB)", threadsBefore, threadsAfter,
                fdsBefore, fdsAfter, heapBefore / 1e6, heapAfter / 1e6, s.number("heapPeakDuringAbuseMB"));

        String abuse = String.format(Locale.ROOT, "from " + AbuseBench.ABUSER_ADDRESSES + " other addresses, %,d idle sockets, %d header-only, %d half frames before and %d after hello (%d MiB each),"
                + " %d garbage senders, %d unauthenticated %d MiB frames in a loop, %d clients filling the %s budget with %.0f MB meshes",
                p.idle(), p.headerOnly(), p.halfUnauth(), p.halfAuth(), p.halfAuthBytes() >> 20, p.garbage(), p.bigUnauth(), p.bigUnauthBytes() >> 20,
                p.pressure(), Report.mb(budget), Meshes.rawArrayBytes(Meshes.sheet(p.pressurePoints(), p.pressureTriangles())) / 1e6);
        boolean servedAfter = after.errorCount() == 0 && !Double.isNaN(recoverMs);
        // What a settled heap varies by anyway (a few MB), plus the session's memory of recent writes' request
        // tokens (bounded: the last 100,000 writes, about 350 bytes each; docs/hot-swap.md) for the writes since.
        long writesSince = m.length + af.length + pressureResults.getOrDefault("ok", 0L);
        long growthAllowed = Math.max(8_000_000, heapBefore / 10) + 400 * Math.min(writesSince, 100_000);
        s.put("heapGrowthAllowedMB", growthAllowed / 1e6);
        s.row(String.format(Locale.ROOT, "abuse: %d legitimate clients (token; put + get of a 100-triangle mesh, 100/s each, a new connection"
                + " every 20th) for %.0f s while: %s", p.legit(), p.seconds(), abuse),
                String.format(Locale.ROOT, "%s put+get (%s/s), errors: %s; p50 / p99 (max) %s / %s (%s); new connections %d, %d failed, p99 %s",
                        count(m.length), count(abused.perSecond()), abused.errorsText(), ms(Stats.median(m)), ms(Stats.percentile(m, 99)),
                        ms(Stats.max(m)), conns.length, abused.connectFailures.get(), ms(Stats.percentile(conns, 99))),
                String.format(Locale.ROOT, "the same clients alone: %s put+get (%s/s), errors: %s; %s / %s (%s)", count(b.length),
                        count(base.perSecond()), base.errorsText(), ms(Stats.median(b)), ms(Stats.percentile(b, 99)), ms(Stats.max(b))),
                String.format(Locale.ROOT, "rate %s; p50 %s×, p99 %s×", ratio(s.number("ratioRate")), ratio(s.number("ratioP50")),
                        ratio(s.number("ratioP99"))),
                "legitimate clients served throughout (0 errors): " + s.verdict(abused.errorCount() == 0));
        s.row("abuse: after the abusers stop",
                String.format(Locale.ROOT, "a fresh client served after %s; then %s put+get in %.0f s, errors: %s, p99 %s; threads %d -> %d,"
                        + " files %d -> %d, settled heap %.0f -> %.0f MB (peak %.0f MB during)", Double.isNaN(recoverMs) ? "NEVER (10 s)" : ms(recoverMs),
                        count(af.length), after.seconds, after.errorsText(), ms(Stats.percentile(af, 99)), threadsBefore, threadsAfter, fdsBefore,
                        fdsAfter, heapBefore / 1e6, heapAfter / 1e6, s.number("heapPeakDuringAbuseMB")),
                "before the abuse: p99 " + ms(Stats.percentile(b, 99)),
                "p99 " + ratio(Stats.percentile(af, 99) / Stats.percentile(b, 99)) + "×",
                "serves again, no growth: " + s.verdict(servedAfter && threadsAfter <= threadsBefore && fdsAfter <= fdsBefore
                        && heapAfter <= heapBefore + growthAllowed));
        StringBuilder what = new StringBuilder();
        for (AbuseOutcomes o : abusers) {
            what.append(what.length() == 0 ? "" : "; ").append(o.text());
        }
        what.append("; memory pressure puts: ").append(pressureResults.toString().replace("{", "").replace("}", ""));
        s.row("abuse: what the host did to the abusers", what.toString(), "", "", "");
    }
}
