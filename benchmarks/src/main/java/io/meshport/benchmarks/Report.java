package io.meshport.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * What one run of {@code meshport bench} measured: per benchmark, its figures by name (for the JSON
 * file) and the rows of the summary table (for people and the README), plus the machine it ran on.
 */
final class Report {
    /** One row of the summary table. */
    record Row(String what, String measured, String baseline, String ratio, String target) {
    }

    /** The figures and rows of one benchmark. */
    static final class Section {
        final String name;
        final boolean quick;
        final Map<String, Object> figures = new LinkedHashMap<>();
        final List<Row> rows = new ArrayList<>();

        Section(String name, boolean quick) {
            this.name = name;
            this.quick = quick;
        }

        /** @return "met" or "missed"; in quick mode, that the sizes are too small to judge */
        String verdict(boolean met) {
            return quick ? "not judged (quick mode)" : met ? "met" : "**missed**";
        }

        /** Records a figure; numbers are rounded to 3 significant decimals when not integral. */
        void put(String figure, Object value) {
            figures.put(figure, value instanceof Double || value instanceof Float ? round(((Number) value).doubleValue()) : value);
        }

        double number(String figure) {
            Object v = figures.get(figure);
            if (!(v instanceof Number)) {
                throw new IllegalStateException("no figure " + figure + " in " + name);
            }
            return ((Number) v).doubleValue();
        }

        void row(String what, String measured, String baseline, String ratio, String target) {
            rows.add(new Row(what, measured, baseline, ratio, target));
        }
    }

    private final String command;
    private final boolean quick;
    private final Map<String, Object> machine = new LinkedHashMap<>();
    private final List<Section> sections = new ArrayList<>();

    Report(String command, boolean quick) {
        this.command = command;
        this.quick = quick;
        Runtime rt = Runtime.getRuntime();
        machine.put("cores", rt.availableProcessors());
        machine.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("maxHeapMB", rt.maxMemory() >> 20);
        machine.put("gc", gcNames());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        machine.put("jvmArguments", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    }

    private static String gcNames() {
        List<String> names = new ArrayList<>();
        ManagementFactory.getGarbageCollectorMXBeans().forEach(g -> names.add(g.getName()));
        return String.join(", ", names);
    }

    Section section(String name) {
        Section s = new Section(name, quick);
        sections.add(s);
        return s;
    }

    List<Section> sections() {
        return sections;
    }

    /** @return one line about the machine and the JVM */
    String machineLine() {
        return String.format(Locale.ROOT, "%d cores, %s, max heap %,d MB (%s)%s", machine.get("cores"), machine.get("jvm"),
                machine.get("maxHeapMB"), machine.get("gc"),
                ((String) machine.get("jvmArguments")).isEmpty() ? "" : ", JVM options: " + machine.get("jvmArguments"));
    }

    /** Prints the summary table as Markdown. */
    void printTable(PrintStream out) {
        out.println();
        out.println("Summary (" + (quick ? "quick mode: small sizes, not representative" : "full mode") + "): " + machineLine());
        out.println("command: " + command);
        StringBuilder others = new StringBuilder();
        for (Section s : sections) {
            others.append(others.length() == 0 ? "" : ", ").append(s.name).append(' ').append(s.figures.get("otherProcessesCpuPercent")).append('%');
        }
        out.println("CPU taken by other processes on the machine during each benchmark (share of all cores): " + others);
        out.println();
        out.println("| measurement | Meshport | baseline, same run | ratio | target |");
        out.println("|---|---|---|---|---|");
        for (Section s : sections) {
            for (Row r : s.rows) {
                out.println("| " + String.join(" | ", r.what(), r.measured(), r.baseline(), r.ratio(), r.target()) + " |");
            }
        }
        out.println();
    }

    /** Writes everything measured as one JSON object. */
    void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream os = Files.newOutputStream(file);
                JsonGenerator g = new JsonFactory().createGenerator(os, JsonEncoding.UTF8).useDefaultPrettyPrinter()) {
            g.writeStartObject();
            g.writeStringField("command", command);
            g.writeStringField("mode", quick ? "quick" : "full");
            g.writeObjectFieldStart("machine");
            writeFields(g, machine);
            g.writeEndObject();
            g.writeObjectFieldStart("benchmarks");
            for (Section s : sections) {
                g.writeObjectFieldStart(s.name);
                writeFields(g, s.figures);
                g.writeArrayFieldStart("table");
                for (Row r : s.rows) {
                    g.writeStartObject();
                    g.writeStringField("measurement", r.what());
                    g.writeStringField("meshport", r.measured());
                    g.writeStringField("baseline", r.baseline());
                    g.writeStringField("ratio", r.ratio());
                    g.writeStringField("target", r.target());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    private static void writeFields(JsonGenerator g, Map<String, Object> fields) throws IOException {
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Long || v instanceof Integer) {
                g.writeNumberField(e.getKey(), ((Number) v).longValue());
            } else if (v instanceof Number) {
                double d = ((Number) v).doubleValue();
                if (Double.isFinite(d)) {
                    g.writeNumberField(e.getKey(), d);
                } else {
                    g.writeNullField(e.getKey()); // not a number: the test says which figure is missing
                }
            } else if (v instanceof Boolean) {
                g.writeBooleanField(e.getKey(), (Boolean) v);
            } else {
                g.writeStringField(e.getKey(), String.valueOf(v));
            }
        }
    }

    static double round(double v) {
        if (!Double.isFinite(v) || v == 0) {
            return v;
        }
        double scale = Math.pow(10, Math.max(0, 3 - (int) Math.floor(Math.log10(Math.abs(v)))));
        return Math.round(v * scale) / scale;
    }

    // ------------------------------------------------------------ formatting for the table

    static String ms(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f ms", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f ms", v)
                : String.format(Locale.ROOT, "%.2f ms", v);
    }

    static String mbps(double v) {
        return String.format(Locale.ROOT, "%,.0f MB/s", v);
    }

    static String ratio(double v) {
        return v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String count(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    static String mb(double bytes) {
        return String.format(Locale.ROOT, bytes >= 1e8 ? "%.0f MB" : "%.1f MB", bytes / 1e6);
    }

}
