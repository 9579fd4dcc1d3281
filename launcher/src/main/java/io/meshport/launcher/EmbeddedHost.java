package io.meshport.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;

/**
 * A Meshport host in this JVM, started from {@link Options} and stopped by {@link #close()}: Felix with
 * the framework services of the distribution's {@code bundles/} folder, started in order, then
 * FileInstall, which runs the Meshport bundles from {@code DATA/deploy/} and the configuration files of
 * {@code DATA/conf/}. The launcher copies the built Meshport bundles into {@code DATA/deploy/} when they
 * are missing or older, so that replacing a jar there later updates that bundle in the running host.
 * The framework's cache, {@code DATA/cache}, is kept from one start to the next with the bundles' data
 * areas ({@link CachedBundles} says what a start keeps of it), and a data folder the host cannot use is
 * refused first ({@link DataFolder}).
 *
 * <p>A facade: {@link HostProperties} makes the framework's properties, {@link HostStartup} starts it
 * and its bundles in order, {@link BundleJars} brings {@code DATA/deploy/} up to the distribution, and
 * {@link HostStatus} asks the listener and the page how they are.
 */
public final class EmbeddedHost implements AutoCloseable {
    /** How long the launcher waits for the listener: longer than the listener waits for what it requires (30 s). */
    static final long LISTENER_START_TIMEOUT_MS = 45_000;

    /** How to start a host. */
    public static final class Options {
        Path home = defaultHome();
        Path data = defaultData();
        Integer port;
        String bind;
        Path tokenFile;
        boolean shell;
        Integer webPort;
        boolean webOff;
        String session;
        String durability;
        final Map<String, String> listener = new HashMap<>();

        /** @param dir the data directory @return this */
        public Options data(Path dir) {
            data = dir;
            return this;
        }

        /** @param p the listener port (0: any free one) @return this */
        public Options port(int p) {
            port = p;
            return this;
        }

        /** @param address the address to bind @return this */
        public Options bind(String address) {
            bind = address;
            return this;
        }

        /** @param file a file whose first line is the token @return this */
        public Options tokenFile(Path file) {
            tokenFile = file;
            return this;
        }

        /**
         * Sets a listener setting as the command line does, over the configuration file (for example
         * {@code tlsKeyStore}). Settings become framework properties, which every bundle can read and
         * the shell can show, except {@code token}: the host writes it into a file of the data
         * directory that only its owner can read, gives the listener that file as its
         * {@code tokenFile}, and deletes it when it stops, so that the token itself is never a property.
         *
         * @param name the setting, as in the listener's configuration
         * @param value its value
         * @return this
         */
        public Options listener(String name, String value) {
            listener.put(name, value);
            return this;
        }

        /** @param p the web page's port (0: any free one) @return this */
        public Options webPort(int p) {
            webPort = p;
            return this;
        }

        /** @param on false to serve no web page @return this */
        public Options web(boolean on) {
            webOff = !on;
            return this;
        }

        /**
         * @param where where the session is kept: {@code file} (under the data folder, surviving restarts
         *        and crashes; the default), {@code memory}, or a {@code redis://HOST:PORT/NAME} URI (shared
         *        by every host given it)
         * @return this
         */
        public Options session(String where) {
            session = where;
            return this;
        }

        /**
         * @param mode {@code async} (writes reach the disk within about a second; the default) or
         *        {@code sync} (a write is acknowledged once it is on the device)
         * @return this
         */
        public Options durability(String mode) {
            durability = mode;
            return this;
        }

        /** @param on whether to start the Gogo shell on this console @return this */
        public Options shell(boolean on) {
            shell = on;
            return this;
        }

        /** @param dir the distribution (with bundles/, meshport/, shell/) @return this */
        public Options home(Path dir) {
            home = dir;
            return this;
        }
    }

    private final Framework framework;
    private final Options options;
    private final long startedAt;
    /** The file holding a token given with {@link Options#listener}, deleted at {@link #close()}; or null. */
    private final Path privateTokenFile;
    private final HostStatus status;

    private EmbeddedHost(Framework framework, Options options, long startedAt, Path privateTokenFile) {
        this.framework = framework;
        this.options = options;
        this.startedAt = startedAt;
        this.privateTokenFile = privateTokenFile;
        this.status = new HostStatus(framework);
    }

    /**
     * Starts a host; returns once the framework runs (the listener follows shortly, see
     * {@link #awaitListener(long)}).
     *
     * @param o the options
     * @return the running host
     * @throws IOException when the data directory cannot be prepared
     * @throws BundleException when the framework or a bundle cannot start
     */
    public static EmbeddedHost start(Options o) throws IOException, BundleException {
        return start(o, host -> { });
    }

    /**
     * Starts a host, handing it to {@code booted} once its framework exists and before any bundle
     * starts: what must be in place before the host can take a client's write (a shutdown hook that
     * stops it cleanly) goes there.
     *
     * @param o the options
     * @param booted receives the host before its bundles start
     * @return the running host
     * @throws IOException when the data directory cannot be prepared
     * @throws BundleException when the framework or a bundle cannot start
     */
    public static EmbeddedHost start(Options o, Consumer<EmbeddedHost> booted) throws IOException, BundleException {
        long t0 = System.nanoTime();
        Path home = o.home.toAbsolutePath();
        if (!Files.isDirectory(home.resolve("bundles")) || !Files.isDirectory(home.resolve("meshport"))) {
            throw new IOException("no Meshport distribution at " + home + " (expected bundles/ and meshport/ in it); "
                    + "build it with: mvn -DskipTests package");
        }
        Path data = o.data.toAbsolutePath().normalize();
        Path deploy = data.resolve("deploy");
        DataFolder.prepare(data);
        BundleJars.syncDeploy(home.resolve("meshport"), deploy);
        String token = o.listener.get("token");
        Path privateTokenFile = token == null || token.isEmpty() ? null : PrivateTokenFile.create(data, token);
        Map<String, String> properties = HostProperties.of(o, data, privateTokenFile);
        HostProperties.applyToJvm();
        Framework fw;
        try {
            fw = HostStartup.boot(properties, deploy, home.resolve("bundles"));
        } catch (BundleException | IOException | RuntimeException e) {
            PrivateTokenFile.delete(privateTokenFile);
            throw e;
        }
        EmbeddedHost host = new EmbeddedHost(fw, o, t0, privateTokenFile);
        List<Path> later;
        try {
            booted.accept(host);
            later = HostStartup.startBundles(fw, home, o.shell);
        } catch (BundleException | IOException | RuntimeException e) {
            // A host that could not start all its bundles is no host: stop what started, keep no token file.
            try {
                fw.stop();
                fw.waitForStop(10_000);
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
                e.addSuppressed(stopping);
            } catch (BundleException | RuntimeException stopping) {
                e.addSuppressed(stopping);
            }
            PrivateTokenFile.delete(privateTokenFile);
            throw e;
        }
        if (!later.isEmpty() && !o.webOff) { // no page: no HTTP server either
            HostStartup.startWebServerWhenListening(fw, host.status, later);
        }
        return host;
    }

    /**
     * Waits for the listener to accept connections.
     *
     * @param timeoutMs how long to wait
     * @return where it listens, or null when the host was stopped meanwhile (from the shell, say)
     * @throws IllegalStateException when it did not start in time
     */
    public InetSocketAddress awaitListener(long timeoutMs) {
        return status.awaitListener(timeoutMs);
    }

    /** @return true while the framework is starting or running */
    public boolean running() {
        return status.running();
    }

    /** @return where the listener listens now, or null when it is not running */
    public InetSocketAddress listenerAddress() {
        return status.listenerAddress();
    }

    /**
     * Waits for the web page to be served.
     *
     * @param timeoutMs how long to wait
     * @return its address (no token in it), or null when it is off or did not come up in time (its
     *         bundle logs why)
     */
    public String awaitWeb(long timeoutMs) throws InterruptedException {
        return options.webOff ? null : status.awaitWeb(timeoutMs);
    }

    /** @return where the web page is served now (no token in it), or null */
    public String webUrl() {
        return status.webUrl();
    }

    /**
     * Asks the listener whether a token is the host's, without learning the host's token: the launcher
     * prints the page's address with a token it knows (a token file) only when it is the right one.
     *
     * @param candidate a token, or null to ask whether one is needed at all
     * @return for null: whether a token is required; else whether the listener accepts it
     */
    public boolean listenerToken(String candidate) {
        return status.listenerToken(candidate);
    }

    /** @return seconds since {@link #start} began */
    public double secondsSinceStart() {
        return (System.nanoTime() - startedAt) / 1e9;
    }

    /** @return the framework, for tools and tests */
    public Framework framework() {
        return framework;
    }

    /** @return the data directory */
    public Path dataDirectory() {
        return options.data.toAbsolutePath();
    }

    /**
     * Waits until the framework stops (from the shell, or {@link #close()} on another thread).
     *
     * @throws InterruptedException when interrupted
     */
    public void awaitStop() throws InterruptedException {
        framework.waitForStop(0);
    }

    /** Stops the framework: the listener says bye to every client first. */
    @Override
    public void close() {
        try {
            framework.stop();
            framework.waitForStop(15_000);
        } catch (BundleException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            PrivateTokenFile.delete(privateTokenFile);
        }
    }

    /** @return the distribution folder: {@code meshport.home}, else {@code dist/} next to the launcher's jar */
    static Path defaultHome() {
        String h = System.getProperty("meshport.home");
        if (h != null) {
            return Paths.get(h);
        }
        try {
            Path code = Paths.get(EmbeddedHost.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.getParent().resolve("dist"); // target/meshport-launcher.jar or target/classes
        } catch (URISyntaxException | RuntimeException e) {
            return Paths.get("launcher", "target", "dist");
        }
    }

    /** @return {@code data/} in the checkout ({@code meshport.root}), else in the working directory */
    static Path defaultData() {
        String root = System.getProperty("meshport.root");
        return root == null ? Paths.get("data") : Paths.get(root, "data");
    }

    static String describe(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
