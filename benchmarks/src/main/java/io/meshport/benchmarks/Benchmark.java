package io.meshport.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.meshport.launcher.EmbeddedHost;

/** One benchmark of {@code meshport bench}: it measures, and records figures and table rows. */
interface Benchmark {
    /** @return the name on the command line */
    String name();

    /** @return one line saying what it measures */
    String description();

    /**
     * Runs the benchmark.
     *
     * @param c the run's settings and scratch space
     * @param s where the figures and rows go
     * @throws Exception when it cannot measure
     */
    void run(Context c, Report.Section s) throws Exception;

    /** What every benchmark of a run shares. */
    final class Context {
        final PrintStream out;
        final boolean quick;
        final Path scratch;

        Context(PrintStream out, boolean quick, Path scratch) {
            this.out = out;
            this.quick = quick;
            this.scratch = scratch;
        }

        /** @return a new empty folder under the run's scratch folder */
        Path folder(String name) throws IOException {
            return Files.createTempDirectory(scratch, name + "-");
        }

        /**
         * Starts a host in this process (the distribution's bundles, a fresh data folder, an ephemeral
         * loopback port) and waits until it accepts connections.
         */
        Host host(String name) throws Exception {
            return host(name, o -> o);
        }

        /** Starts a host as {@link #host(String)} does, with options of its own. */
        Host host(String name, java.util.function.UnaryOperator<EmbeddedHost.Options> options) throws Exception {
            EmbeddedHost h = EmbeddedHost.start(options.apply(new EmbeddedHost.Options().data(folder(name)).port(0)));
            try {
                InetSocketAddress a = h.awaitListener(30_000);
                if (a == null) {
                    throw new IllegalStateException("the benchmark host stopped before it listened");
                }
                return new Host(h, a);
            } catch (RuntimeException e) {
                h.close();
                throw e;
            }
        }

        void say(String format, Object... args) {
            out.printf(java.util.Locale.ROOT, format + "%n", args);
        }
    }

    /** A running in-process host and where it listens. */
    record Host(EmbeddedHost host, InetSocketAddress address) implements AutoCloseable {
        int port() {
            return address.getPort();
        }

        @Override
        public void close() {
            host.close();
        }
    }

    /** Deletes a folder and what it holds, leaving what cannot be removed. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // scratch space; leave what cannot be removed
        }
    }
}
