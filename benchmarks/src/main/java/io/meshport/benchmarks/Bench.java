package io.meshport.benchmarks;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code meshport bench <name>|all [--quick] [--json FILE]}: runs benchmarks, prints what each
 * measured and a summary table (Markdown), and writes every figure to a JSON file. Each figure is set
 * against a baseline measured in the same run on the same machine (they are shared and noisy, so the
 * ratio is what to compare). The host runs in this process, as {@code ./meshport demo}'s does; clients
 * talk to it over loopback TCP.
 */
public final class Bench {
    private static final Map<String, Benchmark> ALL = new LinkedHashMap<>();

    static {
        for (Benchmark b : new Benchmark[] {
            new IngestBench(),
            new DecodeBench(),
            new StreamingBench(),
            new ConcurrencyBench(),
            new MemoryBench(),
            new StartupBench(),
            new ScatterBench(),
            new RemoteBench(),
            new SwapBench(),
            new WebBench(),
            new AbuseBench(),
            new DurableBench(),
            new UploadBench(),
            new FilesBench(),
            new SharedBench(),
        }) {
            ALL.put(b.name(), b);
        }
    }

    private final PrintStream out;

    Bench(PrintStream out) {
        this.out = out;
    }

    static String usage() {
        StringBuilder b = new StringBuilder();
        b.append("usage: meshport bench <name>... | all [--quick] [--json FILE]\n\n");
        for (Benchmark x : ALL.values()) {
            b.append(String.format(Locale.ROOT, "  %-12s %s%n", x.name(), x.description()));
        }
        b.append(String.format(Locale.ROOT, "  %-12s %s%n", "all", "every benchmark above, in this order"));
        b.append("\n  --quick      small sizes, seconds (the tests run it; its figures say little)\n");
        b.append("  --json FILE  where the figures go (default benchmarks/target/bench-<name>.json in the checkout)\n");
        return b.toString();
    }

    /**
     * @param args the command line, without {@code bench}
     */
    public static void main(String[] args) {
        int code;
        try {
            code = new Bench(System.out).run(args);
        } catch (UsageException e) {
            System.err.println("meshport bench: " + e.getMessage());
            System.err.print(usage());
            code = 2;
        } catch (Exception e) {
            System.err.println("meshport bench: " + e);
            code = 1;
        }
        System.exit(code);
    }

    /**
     * @param args benchmark names (or {@code all}), {@code --quick}, {@code --json FILE}
     * @return 0 when every benchmark ran, 1 when one failed
     */
    int run(String... args) throws Exception {
        boolean quick = false;
        Path json = null;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("bench") && i == 0) {
                continue; // ./meshport passes the whole command line
            }
            if (a.equals("--help") || a.equals("-h") || a.equals("help")) {
                out.print(usage());
                return 0;
            } else if (a.equals("--quick")) {
                quick = true;
            } else if (a.equals("--json")) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new UsageException("--json needs a file");
                }
                json = Paths.get(args[++i]);
            } else if (a.startsWith("--")) {
                throw new UsageException("unknown option " + a);
            } else if (a.equals("all")) {
                names.addAll(ALL.keySet());
            } else if (ALL.containsKey(a)) {
                names.add(a);
            } else {
                throw new UsageException("unknown benchmark '" + a + "'; there are: " + String.join(", ", ALL.keySet()) + ", all");
            }
        }
        if (names.isEmpty()) {
            throw new UsageException("which benchmark?");
        }
        String label = names.size() == ALL.size() ? "all" : String.join("-", names);
        if (json == null) {
            json = Paths.get(System.getProperty("meshport.root", "."), "benchmarks", "target", "bench-" + label + ".json");
        }
        String command = "./meshport bench " + (names.size() == ALL.size() ? "all" : String.join(" ", names)) + (quick ? " --quick" : "");
        Report report = new Report(command, quick);
        out.println("Meshport benchmarks (" + (quick ? "quick" : "full") + "): " + report.machineLine());
        Path scratch = Files.createTempDirectory("meshport-bench-");
        List<String> failed = new ArrayList<>();
        try {
            Benchmark.Context c = new Benchmark.Context(out, quick, scratch);
            for (String n : names) {
                Benchmark b = ALL.get(n);
                out.println();
                out.println("== " + n + ": " + b.description());
                Report.Section s = report.section(n);
                long[] gc0 = Stats.gcCountAndMillis();
                long[] cpu0 = Stats.cpuTicks(); // other processes on the machine weigh on every figure
                long t0 = System.nanoTime();
                try {
                    b.run(c, s);
                } catch (Exception | Error e) {
                    if (e instanceof VirtualMachineError && !(e instanceof OutOfMemoryError)) {
                        throw e;
                    }
                    failed.add(n);
                    s.put("failed", String.valueOf(e));
                    s.row(n + ": FAILED", String.valueOf(e.getMessage()), "", "", "");
                    out.println(n + " FAILED: " + e);
                    e.printStackTrace(out);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                s.put("benchmarkSeconds", seconds);
                s.put("otherProcessesCpuPercent", Stats.othersCpuPercent(cpu0, Stats.cpuTicks(), seconds));
                long[] gc1 = Stats.gcCountAndMillis();
                s.put("gcCount", gc1[0] - gc0[0]); // collections during the benchmark (forced ones included)
                s.put("gcMillis", gc1[1] - gc0[1]);
                // No System.gc() between benchmarks: a full collection gives heap back to the OS, and
                // the next benchmark's large arrays then pay page faults on fresh memory.
            }
        } finally {
            Benchmark.deleteTree(scratch);
        }
        report.printTable(out);
        report.writeJson(json);
        out.println("figures written to " + json.toAbsolutePath().normalize());
        if (!failed.isEmpty()) {
            out.println("FAILED: " + String.join(", ", failed));
            return 1;
        }
        return 0;
    }

    /** A command line mistake. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
