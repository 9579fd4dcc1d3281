package io.meshport.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.osgi.framework.BundleException;

import io.meshport.protocol.MeshportException;
import io.meshport.protocol.Protocol;

/**
 * The {@code meshport} command: reads the command line and runs {@code host} (and prints where its page
 * is), or hands over to {@link SendCommand} or {@link DemoCommand}.
 */
public final class Main {
    /** The page's default port (the web bundle's own default too). */
    static final int DEFAULT_WEB_PORT = 18880;

    private static final String USAGE = String.join("\n",
            "usage: meshport <command> [options]",
            "",
            "  host  [--port P] [--bind ADDR] [--token-file F] [--data DIR] [--session file|memory|redis://H:P/NAME]",
            "        [--durability async|sync] [--web-port W|off] [--no-shell]",
            "        run a Meshport host until Ctrl-C (the Gogo shell runs when a terminal is attached);",
            "        it serves a live 3D view of the session at http://127.0.0.1:W/ (--web-port off: none);",
            "        the session is kept in DIR/session and survives restarts and crashes (--session memory: it",
            "        ends with the host; --durability sync: a write is acknowledged once it is on the device;",
            "        --session redis://HOST:PORT/NAME: the session is kept in Redis, shared by every host given it)",
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
                return new SendCommand(out, terminal).run(a);
            case "demo":
                return new DemoCommand(this, out).run(a);
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
        if (a.has("--session")) {
            o.session(a.session("--session"));
        }
        if (a.has("--durability")) {
            o.durability(a.oneOf("--durability", "async", "sync"));
        }
        Path tokenFile = o.tokenFile;
        webOption(a, o);
        boolean noShell = a.flag("--no-shell"); // read even without a terminal, so that it is never "unexpected"
        boolean shell = System.console() != null && !noShell;
        o.shell(shell);
        a.noMore();
        // The hook is set before any bundle starts: a SIGTERM once clients can write must close the session's file cleanly.
        Thread[] hook = new Thread[1];
        EmbeddedHost host;
        try {
            host = EmbeddedHost.start(o, booted -> {
                hook[0] = new Thread(() -> {
                    booted.close();
                    out.println("Meshport host stopped");
                }, "meshport-shutdown");
                Runtime.getRuntime().addShutdownHook(hook[0]);
            });
        } catch (IOException | BundleException | RuntimeException e) {
            removeHook(hook[0]); // the host stopped what it had started
            throw e;
        }
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

    private static void removeHook(Thread hook) {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs already: it stops a stopped framework, which does nothing
        }
    }

    /** {@code --web-port W|off}: the page's port, or no page. */
    static void webOption(Args a, EmbeddedHost.Options o) throws UsageException {
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

        String oneOf(String name, String... allowed) throws UsageException {
            String v = value(name);
            if (!java.util.Arrays.asList(allowed).contains(v)) {
                throw new UsageException(name + " is one of " + String.join(", ", allowed) + ", not '" + v + "'");
            }
            return v;
        }

        /** @return {@code file}, {@code memory} or a {@code redis://} URI */
        String session(String name) throws UsageException {
            String v = value(name);
            if (v.equals("file") || v.equals("memory")) {
                return v;
            }
            if (!v.startsWith("redis://")) {
                throw new UsageException(name + " is file, memory or redis://HOST:PORT/NAME, not '" + v + "'");
            }
            try {
                java.net.URI uri = new java.net.URI(v);
                if (uri.getHost() == null) {
                    throw new UsageException(name + " '" + v + "' names no host: redis://HOST:PORT/NAME");
                }
            } catch (java.net.URISyntaxException e) {
                throw new UsageException(name + " '" + v + "' is not a URI: " + e.getReason());
            }
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
