package io.meshport.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.meshport.client.ClientOptions;
import io.meshport.client.EntryInfo;
import io.meshport.client.MeshEntry;
import io.meshport.client.MeshportClient;
import io.meshport.client.PutResult;
import io.meshport.client.Watch;
import io.meshport.client.WatchEvent;
import io.meshport.mesh.Mesh;
import io.meshport.protocol.MeshportException;
import io.meshport.protocol.Protocol;

/** The {@code meshport} command: {@code host}, {@code send}, {@code demo}. */
public final class Main {
    /** The page's default port (the web bundle's own default too). */
    static final int DEFAULT_WEB_PORT = 18880;

    private static final String USAGE = String.join("\n",
            "usage: meshport <command> [options]",
            "",
            "  host  [--port P] [--bind ADDR] [--token-file F] [--data DIR] [--web-port W|off] [--no-shell]",
            "        run a Meshport host until Ctrl-C (the Gogo shell runs when a terminal is attached);",
            "        it serves a live 3D view of the session at http://127.0.0.1:W/ (--web-port off: none)",
            "  send  FILE.obj|FILE.ply|FILE.stl --key K [--host H] [--port P] [--token-file F]",
            "        push a mesh file into a running host's session",
            "  demo  [--port P] [--web-port W] [--keep]",
            "        start a host in this process, push a generated mesh over the socket, read it back,",
            "        scatter points on it with a node, push a changed mesh and see the node re-cook;",
            "        --keep keeps the host running afterwards, to look at the mesh and its points in a browser",
            "",
            "defaults: port " + Protocol.DEFAULT_PORT + ", bind " + Protocol.DEFAULT_BIND + ", web port " + DEFAULT_WEB_PORT
                    + " (the demo's: any free one), data directory data/ in the checkout");

    private final PrintStream out;
    /** Whether {@link #out} is an interactive terminal, where the page's address may carry the token. */
    private final boolean terminal;

    /** @param out where to print; never a terminal (the page's address never carries the token) */
    Main(PrintStream out) {
        this(out, false);
    }

    /**
     * @param out where to print
     * @param terminal true when {@code out} is an interactive terminal: only there is the page's address
     *        printed with the token in it, for one click; a file or a pipe (a log) never gets it
     */
    Main(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * @return true when standard input and output are an interactive terminal: {@link System#console()}
     *         is null when either is redirected to a file or a pipe (up to JDK 21; from JDK 22 on it may
     *         be a console that is no terminal, which {@code Console.isTerminal()} tells)
     */
    static boolean interactiveTerminal() {
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (NoSuchMethodException e) {
            return true; // JDK 17 to 21: a console exists only when both are a terminal
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /**
     * @param args the command line
     */
    public static void main(String[] args) {
        int code;
        try {
            code = new Main(System.out, interactiveTerminal()).run(args);
        } catch (UsageException e) {
            System.err.println("meshport: " + e.getMessage());
            System.err.println(USAGE);
            code = 2;
        } catch (MeshportException e) {
            System.err.println("meshport: the host refused: " + e.getMessage());
            code = 1;
        } catch (UncheckedIOException e) {
            System.err.println("meshport: " + e.getMessage());
            code = 1;
        } catch (Exception e) {
            System.err.println("meshport: " + e.getMessage());
            code = 1;
        }
        System.exit(code);
    }

    int run(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            out.println(USAGE);
            return 0;
        }
        Args a = new Args(args);
        switch (args[0]) {
            case "host":
                return host(a);
            case "send":
                return send(a);
            case "demo":
                return demo(a);
            default:
                throw new UsageException("unknown command '" + args[0] + "'");
        }
    }

    private int host(Args a) throws Exception {
        EmbeddedHost.Options o = new EmbeddedHost.Options();
        if (a.has("--port")) {
            o.port(a.port("--port"));
        }
        if (a.has("--bind")) {
            o.bind(a.value("--bind"));
        }
        if (a.has("--token-file")) {
            o.tokenFile(a.readableFile("--token-file"));
        }
        if (a.has("--data")) {
            o.data(Paths.get(a.value("--data")));
        }
        Path tokenFile = o.tokenFile;
        webOption(a, o);
        boolean noShell = a.flag("--no-shell"); // read even without a terminal, so that it is never "unexpected"
        boolean shell = System.console() != null && !noShell;
        o.shell(shell);
        a.noMore();
        EmbeddedHost host = EmbeddedHost.start(o);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            host.close();
            out.println("Meshport host stopped");
        }, "meshport-shutdown"));
        try {
            if (host.awaitListener(EmbeddedHost.LISTENER_START_TIMEOUT_MS) == null) {
                return 0; // stopped from the shell before the listener came up
            }
        } catch (IllegalStateException e) {
            System.err.println("meshport: " + e.getMessage());
            host.close();
            return 1;
        }
        out.printf(Locale.ROOT, "Meshport host up in %.2f s; data in %s; %s%n", host.secondsSinceStart(),
                host.dataDirectory(), shell ? "type 'help' for shell commands, Ctrl-C stops it" : "Ctrl-C stops it");
        printPage(host, tokenFile, "", "");
        host.awaitStop();
        return 0;
    }

    private int send(Args a) throws Exception {
        Path file = Paths.get(a.positional("FILE"));
        String key = a.value("--key");
        String hostName = a.has("--host") ? a.value("--host") : Protocol.DEFAULT_BIND;
        int port = a.has("--port") ? a.port("--port") : Protocol.DEFAULT_PORT;
        String token = a.has("--token-file") ? Files.readAllLines(a.readableFile("--token-file")).get(0).trim() : null;
        a.noMore();
        if (!Files.isRegularFile(file)) {
            throw new UsageException("no file " + file);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".ply") || name.endsWith(".stl")) {
            // Sent as they are, as the body of a put with codec ply or stl: the host's codec bundle reads
            // them (a host without it answers NO_CODEC and lists the codecs it has).
            String codec = name.substring(name.length() - 3);
            if (Files.size(file) > Integer.MAX_VALUE - 1024) {
                throw new UsageException("cannot send " + file.getFileName() + ": " + Files.size(file)
                        + " bytes is more than one frame can carry");
            }
            long t0 = System.nanoTime();
            byte[] bytes = Files.readAllBytes(file);
            long t1 = System.nanoTime();
            try (MeshportClient c = MeshportClient.connect(ClientOptions.of(hostName, port).withToken(token).withClientName("meshport send"))) {
                PutResult r = c.put(key, codec, bytes, -1);
                long t2 = System.nanoTime();
                Map<String, Object> s = r.summary();
                out.printf(Locale.ROOT, "put %s: version %d, %s points, %s vertices, %s faces, attributes %s"
                        + " (codec %s, %d bytes, read %.1f ms, sent and decoded %.1f ms)%n",
                        r.key(), r.version(), s.get("points"), s.get("vertices"), s.get("faces"), s.get("attributes"),
                        codec, bytes.length, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
            }
            return 0;
        }
        if (!name.endsWith(".obj")) {
            throw new UsageException("cannot send " + file.getFileName() + ": supported formats are .obj, .ply and .stl");
        }
        long t0 = System.nanoTime();
        Mesh mesh = ObjFiles.read(file, w -> out.println("warning: " + w));
        long t1 = System.nanoTime();
        try (MeshportClient c = MeshportClient.connect(ClientOptions.of(hostName, port).withToken(token).withClientName("meshport send"))) {
            PutResult r = c.put(key, mesh);
            long t2 = System.nanoTime();
            out.printf(Locale.ROOT, "put %s: version %d, %d points, %d vertices, %d faces, attributes %s (read %.1f ms, sent %.1f ms)%n",
                    r.key(), r.version(), mesh.pointCount(), mesh.vertexCount(), mesh.faceCount(), mesh.attributes().keySet(),
                    (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        }
        return 0;
    }

    /** {@code --web-port W|off}: the page's port, or no page. */
    private static void webOption(Args a, EmbeddedHost.Options o) throws UsageException {
        if (!a.has("--web-port")) {
            return;
        }
        int i = a.rest.indexOf("--web-port");
        if (i + 1 < a.rest.size() && a.rest.get(i + 1).equals("off")) {
            a.value("--web-port");
            o.web(false);
        } else {
            o.webPort(a.port("--web-port"));
        }
    }

    /**
     * Prints {@code view at URL}, never with the token in it unless this prints to an interactive
     * terminal: the output is the host's log, and a token is never logged. When the host needs a token,
     * a second line says where it is (the token file given, or the one the listener generated,
     * {@code DATA/token}), checked with the listener first, and how to use it; on a terminal the
     * address carries it instead, for one click, when the launcher knows it.
     */
    void printPage(EmbeddedHost host, Path tokenFile, String query, String lead) throws InterruptedException {
        String url = host.awaitWeb(10_000);
        if (url == null) {
            return; // off, or its bundle logged why it does not serve
        }
        String q = query == null ? "" : query;
        String bare = url + (q.isEmpty() ? "" : "?" + q);
        if (!host.listenerToken(null)) {
            out.println(lead + "view at " + bare);
            return;
        }
        Path where = (tokenFile != null ? tokenFile : host.dataDirectory().resolve("token")).toAbsolutePath();
        String token = firstLine(where);
        boolean known = token != null && host.listenerToken(token);
        if (known && terminal) {
            out.println(lead + "view at " + url + "?token=" + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8)
                    + (q.isEmpty() ? "" : "&" + q) + "   (the token is in " + where + ")");
            return;
        }
        out.println(lead + "view at " + bare);
        String indent = " ".repeat(lead.length()) + "  ";
        String use = ": open " + bare + (q.isEmpty() ? "?" : "&") + "token=TOKEN once, with TOKEN replaced by it (the page then"
                + " keeps a session cookie and drops the token from the address), or send 'Authorization: Bearer TOKEN'";
        if (known) {
            out.println(indent + "the page asks for the host's token, the first line of " + where + use);
        } else {
            out.println(indent + "the page asks for the host's token, which is not in " + where + " but set in the listener's"
                    + " configuration (token or tokenFile, e.g. in " + host.dataDirectory().resolve("conf").resolve("io.meshport.listener.cfg")
                    + ")" + use);
        }
    }

    private static String firstLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() || lines.get(0).isBlank() ? null : lines.get(0).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private int demo(Args a) throws Exception {
        int port = a.has("--port") ? a.port("--port") : 0;
        boolean keep = a.flag("--keep");
        EmbeddedHost.Options options = new EmbeddedHost.Options().port(port).webPort(0);
        webOption(a, options);
        a.noMore();
        Path data = Files.createTempDirectory("meshport-demo-");
        out.println("Meshport demo: a host in this process, a client talking to it over TCP");
        EmbeddedHost host = EmbeddedHost.start(options.data(data));
        try {
            InetSocketAddress addr = host.awaitListener(EmbeddedHost.LISTENER_START_TIMEOUT_MS);
            if (addr == null) {
                throw new IllegalStateException("the demo host stopped before it listened");
            }
            out.printf(Locale.ROOT, "  host started in %.2f s, listening on %s%n", host.secondsSinceStart(), EmbeddedHost.describe(addr));
            printPage(host, null, "key=demo/torus&key=demo/points", "  the page: ");
            try (MeshportClient c = MeshportClient.connect(ClientOptions.of(addr.getHostString(), addr.getPort()).withClientName("demo"))) {
                out.println("  connected: session " + c.hostInfo().session() + ", codecs " + c.hostInfo().codecs());
                List<WatchEvent> seen = new CopyOnWriteArrayList<>();
                Watch watch = c.watch("demo/", seen::add);
                Mesh torus = Shapes.torus(256, 128, 2f, 0.6f);
                long t0 = System.nanoTime();
                PutResult put = c.put("demo/torus", torus);
                long t1 = System.nanoTime();
                out.printf(Locale.ROOT, "  put demo/torus: %d points, %d quads, attributes %s -> version %d (%.1f ms)%n",
                        torus.pointCount(), torus.faceCount(), torus.attributes().keySet(), put.version(), (t1 - t0) / 1e6);
                out.println("    summary: " + put.summary());
                MeshEntry back = c.getMesh("demo/torus");
                long t2 = System.nanoTime();
                boolean same = back.mesh().equals(torus);
                out.printf(Locale.ROOT, "  get demo/torus: version %d, %s (%.1f ms)%n", back.version(),
                        same ? "identical positions, indices, face counts, N and Cd" : "DIFFERENT from what was sent", (t2 - t1) / 1e6);
                float[] moved = torus.positions(new float[3 * torus.pointCount()]);
                for (int i = 2; i < moved.length; i += 3) {
                    moved[i] += 0.25f;
                }
                PutResult upd = c.updatePositions("demo/torus", put.version(), moved);
                out.printf(Locale.ROOT, "  moved every point up by 0.25 with base %d (positions only) -> version %d%n", put.version(), upd.version());
                c.putCbor("demo/settings", java.util.Map.of("units", "m", "scale", 1.0));
                c.print("hello from the demo client");
                for (EntryInfo e : c.list("demo/")) {
                    out.printf(Locale.ROOT, "  list: %-14s v%d %-5s via %-5s %8d bytes%n", e.key(), e.version(), e.kind(), e.codec(), e.bytes());
                }
                long until = System.currentTimeMillis() + 2000;
                while (seen.size() < 3 && System.currentTimeMillis() < until) {
                    Thread.sleep(10);
                }
                watch.close();
                StringBuilder ev = new StringBuilder();
                for (WatchEvent e : seen) {
                    ev.append(ev.length() == 0 ? "" : ", ").append(e.change()).append(' ').append(e.key()).append(" v").append(e.version());
                }
                out.println("  watch demo/ saw: " + ev);
                if (!same || seen.size() < 3 || !scatterDemo(host, c)) {
                    out.println("demo FAILED");
                    return 1;
                }
            }
            if (keep) {
                out.println("  the host keeps running (--keep): open the page above to see demo/torus and demo/points; Ctrl-C stops it");
                Runtime.getRuntime().addShutdownHook(new Thread(host::close, "meshport-demo-shutdown"));
                host.awaitStop();
            } else {
                out.println("  (run ./meshport demo --keep to keep the host running and look at the mesh and its points in a browser)");
            }
        } finally {
            host.close();
            deleteTree(data);
        }
        out.println("  host stopped; demo done");
        return 0;
    }

    /**
     * The node part of the demo: a scatter node on the torus, random then Poisson-disk, publishing its
     * points to the session; then a changed torus is pushed and the node re-cooks by itself.
     *
     * @return true if every step did what it should
     */
    private boolean scatterDemo(EmbeddedHost host, MeshportClient c) throws InterruptedException {
        HostNodes nodes = new HostNodes(host);
        if (!nodes.awaitType("scatter", 10_000)) {
            out.println("  no scatter node type in the host (is meshport-scatter-node deployed?)");
            return false;
        }
        String s = (String) nodes.call("create", "/obj", "scatter", "scatter1");
        nodes.call("setParm", s, "source", "demo/torus");
        nodes.call("setParm", s, "count", 200_000);
        nodes.call("setParm", s, "seed", 1);
        nodes.call("setParm", s, "output", "demo/points");
        Map<?, ?> r = (Map<?, ?>) nodes.call("cook", s);
        out.printf(Locale.ROOT, "  node %s (scatter, random) on demo/torus: %d points in %.1f ms -> demo/points v%d%n",
                s, r.get("points"), r.get("millis"), r.get("outputVersion"));
        nodes.call("setParm", s, "method", "poisson");
        nodes.call("setParm", s, "count", 20_000);
        r = (Map<?, ?>) nodes.call("cook", s);
        Map<?, ?> stats = (Map<?, ?>) r.get("stats");
        out.printf(Locale.ROOT, "  same node, method poisson: %d points in %.1f ms, min spacing %.4f (%.2f of the target radius %.4f) -> v%d%n",
                r.get("points"), r.get("millis"), stats.get("minSpacing"), stats.get("relativeSpacing"), stats.get("targetRadius"),
                r.get("outputVersion"));
        long before = ((Number) r.get("outputVersion")).longValue();
        Mesh wider = Shapes.torus(256, 128, 3f, 0.6f);
        PutResult p = c.put("demo/torus", wider);
        out.printf(Locale.ROOT, "  pushed a wider torus to demo/torus -> version %d%n", p.version());
        long until = System.currentTimeMillis() + 20_000;
        Map<?, ?> n = (Map<?, ?>) nodes.call("node", s);
        while (((Number) n.get("outputVersion")).longValue() <= before && System.currentTimeMillis() < until) {
            Thread.sleep(20);
            n = (Map<?, ?>) nodes.call("node", s);
        }
        if (((Number) n.get("outputVersion")).longValue() <= before) {
            out.println("  the scatter node did not re-cook within 20 s: " + n.get("state") + " " + n.get("error"));
            return false;
        }
        stats = (Map<?, ?>) n.get("stats");
        MeshEntry points = c.getMesh("demo/points");
        out.printf(Locale.ROOT, "  %s re-cooked by itself (cook %d, %.1f ms): %d points, min spacing %.4f (%.2f of %.4f) -> demo/points v%d%n",
                s, n.get("cookCount"), n.get("lastCookMillis"), points.mesh().pointCount(), stats.get("minSpacing"),
                stats.get("relativeSpacing"), stats.get("targetRadius"), points.version());
        return points.mesh().pointCount() == 20_000 && points.version() == ((Number) n.get("outputVersion")).longValue();
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory; leave what cannot be removed
        }
    }

    /** A command line mistake. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Options after the command: {@code --name value}, flags, and positional arguments. */
    static final class Args {
        final List<String> rest = new ArrayList<>();

        Args(String[] args) {
            for (int i = 1; i < args.length; i++) {
                rest.add(args[i]);
            }
        }

        boolean has(String name) {
            return rest.contains(name);
        }

        boolean flag(String name) {
            return rest.remove(name);
        }

        String value(String name) throws UsageException {
            int i = rest.indexOf(name);
            if (i < 0) {
                throw new UsageException(name + " is required");
            }
            if (i + 1 >= rest.size() || rest.get(i + 1).startsWith("--")) {
                throw new UsageException(name + " needs a value");
            }
            String v = rest.get(i + 1);
            rest.remove(i + 1);
            rest.remove(i);
            return v;
        }

        int port(String name) throws UsageException {
            String v = value(name);
            try {
                int p = Integer.parseInt(v);
                if (p < 0 || p > 65535) {
                    throw new NumberFormatException();
                }
                return p;
            } catch (NumberFormatException e) {
                throw new UsageException(name + " '" + v + "' is not a port number (0-65535)");
            }
        }

        Path readableFile(String name) throws UsageException {
            Path p = Paths.get(value(name));
            if (!Files.isReadable(p) || !Files.isRegularFile(p)) {
                throw new UsageException(name + " " + p + ": no such readable file");
            }
            return p;
        }

        String positional(String what) throws UsageException {
            for (int i = 0; i < rest.size(); i++) {
                if (!rest.get(i).startsWith("--")) {
                    return rest.remove(i);
                }
                i++; // skip the option's value
            }
            throw new UsageException(what + " is required");
        }

        void noMore() throws UsageException {
            if (!rest.isEmpty()) {
                throw new UsageException("unexpected " + String.join(" ", rest));
            }
        }
    }
}
