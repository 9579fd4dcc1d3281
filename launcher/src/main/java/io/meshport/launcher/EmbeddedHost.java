package io.meshport.launcher;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * A Meshport host in this JVM: Felix with the framework services of the distribution's
 * {@code bundles/} folder, started in order, then FileInstall, which runs the Meshport bundles from
 * {@code DATA/deploy/} and the configuration files of {@code DATA/conf/}. The launcher copies the
 * built Meshport bundles into {@code DATA/deploy/} when they are missing or older, so that replacing a
 * jar there later updates that bundle in the running host. The framework's cache, {@code DATA/cache},
 * is kept from one start to the next with the bundles' data areas ({@link CachedBundles} says what a
 * start keeps of it), and a data folder the host cannot use is refused first ({@link DataFolder}).
 */
public final class EmbeddedHost implements AutoCloseable {
    private static final String LISTENER_STATUS = "io.meshport.listener.ListenerStatus";
    private static final String WEB_STATUS = "io.meshport.web.WebStatus";
    /** The longest the page's HTTP server waits for the listener before it starts anyway. */
    static final long WEB_SERVER_START_DELAY_MS = 5000;
    /**
     * The codecs the distribution's bundles serve (meshport-codecs, meshport-ply-codec, meshport-stl-codec)
     * and the services they export (meshport-node-runtime): the listener's {@code requiredCodecs} and
     * {@code requiredServices}, so that a client connecting as the port opens finds them all.
     */
    static final String DISTRIBUTION_CODECS = "mesh,cbor,bytes,ply,stl";
    static final String DISTRIBUTION_SERVICES = "nodes";
    /** How long the launcher waits for the listener: longer than the listener waits for what it requires (30 s). */
    static final long LISTENER_START_TIMEOUT_MS = 45_000;
    /** SPI Fly (the ServiceLoader Mediator the page's HTTP server needs) reports each provider at INFO: keep it quiet. */
    private static final java.util.logging.Logger SPIFLY_LOG = java.util.logging.Logger.getLogger("org.apache.aries.spifly");
    /** FileInstall's place in the order of start, after the framework services (see {@link #order(Bundle)}). */
    private static final int FILEINSTALL_ORDER = 1000;
    private static final Pattern MESHPORT_JAR = Pattern.compile("(meshport-.+?)-(\\d[\\w.\\-]*)\\.jar");

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

    private EmbeddedHost(Framework framework, Options options, long startedAt, Path privateTokenFile) {
        this.framework = framework;
        this.options = options;
        this.startedAt = startedAt;
        this.privateTokenFile = privateTokenFile;
    }

    /** @return a new file in {@code dir}, readable by its owner only (where the file system can say so), holding {@code token} */
    private static Path privateTokenFile(Path dir, String token) throws IOException {
        Path f;
        try {
            f = Files.createTempFile(dir, ".token-", ".tmp", java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            f = Files.createTempFile(dir, ".token-", ".tmp");
        }
        f.toFile().deleteOnExit();
        Files.writeString(f, token + "\n");
        return f;
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // readable by its owner only; deleteOnExit tries again
            }
        }
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
        long t0 = System.nanoTime();
        Path home = o.home.toAbsolutePath();
        if (!Files.isDirectory(home.resolve("bundles")) || !Files.isDirectory(home.resolve("meshport"))) {
            throw new IOException("no Meshport distribution at " + home + " (expected bundles/ and meshport/ in it); "
                    + "build it with: mvn -DskipTests package");
        }
        Path data = o.data.toAbsolutePath().normalize();
        Path deploy = data.resolve("deploy");
        Path conf = data.resolve("conf");
        DataFolder.prepare(data);
        syncDeploy(home.resolve("meshport"), deploy);

        Map<String, String> cfg = new HashMap<>();
        // Never cleaned: it holds the bundles' data areas (see CachedBundles for what a start keeps).
        cfg.put(Constants.FRAMEWORK_STORAGE, data.resolve("cache").toString());
        cfg.put(Constants.FRAMEWORK_BOOTDELEGATION, "sun.misc"); // JOML's fast path
        cfg.put("org.osgi.service.log.admin.loglevel", "INFO");
        cfg.put("felix.log.level", "1");
        cfg.put("felix.fileinstall.dir", deploy + "," + conf);
        cfg.put("felix.fileinstall.poll", "500"); // a jar dropped or replaced in deploy/ takes effect within about a second
        cfg.put("felix.fileinstall.noInitialDelay", "true");
        cfg.put("felix.fileinstall.enableConfigSave", "false");
        cfg.put("felix.fileinstall.log.level", "2");
        cfg.put("felix.fileinstall.bundles.new.start", "true");
        cfg.put("felix.fileinstall.start.level", String.valueOf(CachedBundles.DEPLOY_START_LEVEL));
        cfg.put("gosh.args", "--noshutdown");
        cfg.put("meshport.data", data.toString());
        if (o.port != null) {
            cfg.put("meshport.listener.port", String.valueOf(o.port));
        }
        if (o.bind != null) {
            cfg.put("meshport.listener.bindAddress", o.bind);
        }
        if (o.tokenFile != null) {
            cfg.put("meshport.listener.tokenFile", o.tokenFile.toAbsolutePath().toString());
        }
        // The listener accepts clients once what the distribution deploys is served (Options.listener may say otherwise).
        cfg.put("meshport.listener.requiredCodecs", DISTRIBUTION_CODECS);
        cfg.put("meshport.listener.requiredServices", DISTRIBUTION_SERVICES);
        o.listener.forEach((k, v) -> {
            if (!k.equals("token")) {
                cfg.put("meshport.listener." + k, v);
            }
        });
        // A token given as a setting travels in a file, never as a property (see Options.listener).
        String token = o.listener.get("token");
        Path privateTokenFile = token == null || token.isEmpty() ? null : privateTokenFile(data, token);
        if (privateTokenFile != null) {
            cfg.put("meshport.listener.tokenFile", privateTokenFile.toString());
        }
        if (o.webPort != null) {
            cfg.put("meshport.web.port", String.valueOf(o.webPort));
        } else if (o.port != null && o.port == 0) {
            // A host on any free protocol port (tests, benchmarks, the demo) serves its page on any free
            // port too, so that hosts started side by side never contend for the page's default port.
            cfg.put("meshport.web.port", "0");
        }
        if (o.webOff) {
            cfg.put("meshport.web.enabled", "false");
        }
        // Felix HTTP's default Jetty instance would listen on 8080 of every interface; it waits for a
        // configuration instead, and the web bundle starts an instance of its own where it is told.
        cfg.put("org.apache.felix.http.require.config", "true");
        // The resolver resolves in the calling thread: its thread pool's hand-offs showed up in every
        // bundle update (a few ms of the hot-swap gap on two cores) and bring nothing at this size.
        cfg.put("felix.resolver.parallelism", "1");
        // SCR asks SAXParserFactory for a parser for each bundle's component descriptions, which
        // without this property searches every jar of the class path for a provider each time (part of
        // every bundle update); the JDK's own parser is the one it finds anyway.
        System.getProperties().putIfAbsent("javax.xml.parsers.SAXParserFactory",
                "com.sun.org.apache.xerces.internal.jaxp.SAXParserFactoryImpl");
        // Jetty and Felix HTTP log through SLF4J, to slf4j-simple: warnings and errors only.
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        SPIFLY_LOG.setLevel(java.util.logging.Level.WARNING);
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).iterator().next();
        Framework fw = null;
        try {
            fw = factory.newFramework(cfg);
            fw.init();
            CachedBundles.sort(fw.getBundleContext(), deploy, fileInstallLocation(home.resolve("bundles")));
            fw.start();
        } catch (BundleException | IOException | RuntimeException e) {
            if (fw != null) {
                try {
                    fw.stop(); // lets go of the cache's lock
                } catch (BundleException stopping) {
                    e.addSuppressed(stopping);
                }
            }
            deleteQuietly(privateTokenFile);
            throw e;
        }
        BundleContext ctx = fw.getBundleContext();
        List<Bundle> installed = new ArrayList<>();
        List<Path> later = new ArrayList<>();
        for (Path jar : jars(home.resolve("bundles"))) {
            if (webServer(jar)) {
                later.add(jar);
            } else {
                installed.add(ctx.installBundle(jar.toUri().toString()));
            }
        }
        if (o.shell) {
            for (Path jar : jars(home.resolve("shell"))) {
                installed.add(ctx.installBundle(jar.toUri().toString()));
            }
        }
        // Start in the distribution's order; then the Meshport bundles the cache kept, and FileInstall
        // (last), which brings in the other ones and updates those whose jar changed meanwhile.
        installed.sort((a, b) -> Integer.compare(order(a), order(b)));
        boolean deployLevel = false;
        for (Bundle b : installed) {
            if (!deployLevel && order(b) >= FILEINSTALL_ORDER) {
                startDeployLevel(fw);
                deployLevel = true;
            }
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                b.start();
            }
        }
        if (!deployLevel) {
            startDeployLevel(fw);
        }
        EmbeddedHost host = new EmbeddedHost(fw, o, t0, privateTokenFile);
        if (!later.isEmpty() && !o.webOff) { // no page: no HTTP server either
            Thread t = new Thread(() -> host.startWebServerWhenListening(later), "meshport-start-web-server");
            t.setDaemon(true);
            t.start();
        }
        return host;
    }

    /** @return the location under which FileInstall is installed from the distribution's bundles, or null */
    private static String fileInstallLocation(Path bundles) throws IOException {
        for (Path jar : jars(bundles)) {
            if (jar.getFileName().toString().startsWith("org.apache.felix.fileinstall")) {
                return jar.toUri().toString();
            }
        }
        return null;
    }

    /**
     * Raises the framework's start level to that of the bundles of {@code DATA/deploy/}, starting those
     * the cache kept, and returns once they are started: FileInstall, started next, then finds the level
     * it installs new ones at active and starts them at once.
     */
    private static void startDeployLevel(Framework fw) throws BundleException {
        CountDownLatch done = new CountDownLatch(1);
        fw.adapt(FrameworkStartLevel.class).setStartLevel(CachedBundles.DEPLOY_START_LEVEL, e -> done.countDown());
        try {
            if (!done.await(LISTENER_START_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                throw new BundleException("the bundles of the data folder's deploy/ did not start within "
                        + LISTENER_START_TIMEOUT_MS / 1000 + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BundleException("interrupted while the bundles of deploy/ started");
        }
    }

    /** The page's HTTP server and what only it needs: SLF4J and the ServiceLoader Mediator that binds it, Jetty. */
    private static boolean webServer(Path jar) {
        String n = jar.getFileName().toString();
        return n.startsWith("org.apache.aries.spifly") || n.startsWith("slf4j-") || n.startsWith("commons-io-")
                || n.startsWith("commons-fileupload-") || n.startsWith("org.apache.felix.http.jetty");
    }

    /**
     * Installs and starts the page's HTTP server (Jetty and what it needs) once the listener serves, or
     * after {@value #WEB_SERVER_START_DELAY_MS} ms at the latest: resolving and starting them costs a
     * good part of the host's start, and clients of the socket should not wait for a page. The page's
     * own bundle (it needs only the servlet API, installed with the others) starts with the Meshport
     * bundles and waits for the server.
     */
    private void startWebServerWhenListening(List<Path> jars) {
        long deadline = System.currentTimeMillis() + WEB_SERVER_START_DELAY_MS;
        try {
            while (running() && listenerAddress() == null && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            List<Bundle> bundles = new ArrayList<>();
            for (Path jar : jars) {
                if (!running()) {
                    return;
                }
                bundles.add(framework.getBundleContext().installBundle(jar.toUri().toString()));
            }
            bundles.sort((a, b) -> Integer.compare(order(a), order(b)));
            for (Bundle b : bundles) {
                if (running() && b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    b.start();
                }
            }
        } catch (BundleException | IllegalStateException e) {
            System.err.println("meshport: the web page's HTTP server did not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int order(Bundle b) {
        String bsn = b.getSymbolicName();
        String[] first = {"org.osgi.util.function", "org.osgi.util.promise", "org.osgi.service.component",
            "org.apache.felix.log", "org.apache.felix.configadmin", "org.apache.felix.metatype", "org.apache.felix.scr",
            "io.meshport.console"};
        for (int i = 0; i < first.length; i++) {
            if (first[i].equals(bsn)) {
                return i;
            }
        }
        if ("org.apache.felix.fileinstall".equals(bsn)) {
            return FILEINSTALL_ORDER;
        }
        // the page's HTTP server, in the order it needs them (see startWebServerWhenListening)
        String[] web = {"slf4j.api", "slf4j.simple", "org.apache.commons.commons-io", "org.apache.commons.commons-fileupload",
            "org.apache.felix.http.jetty12"};
        for (int i = 0; i < web.length; i++) {
            if (web[i].equals(bsn)) {
                return 1001 + i;
            }
        }
        return 100;
    }

    private static List<Path> jars(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.jar")) {
                s.forEach(out::add);
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * Copies each built Meshport bundle into deploy/ when it is missing there or older, and removes
     * other versions of the same part (left by an earlier build). Jars of other names are left alone.
     */
    static void syncDeploy(Path built, Path deploy) throws IOException {
        for (Path src : jars(built)) {
            String name = src.getFileName().toString();
            Matcher m = MESHPORT_JAR.matcher(name);
            if (m.matches()) {
                for (Path old : jars(deploy)) {
                    Matcher o = MESHPORT_JAR.matcher(old.getFileName().toString());
                    if (o.matches() && o.group(1).equals(m.group(1)) && !old.getFileName().toString().equals(name)) {
                        Files.delete(old);
                    }
                }
            }
            Path dst = deploy.resolve(name);
            if (!Files.exists(dst) || Files.getLastModifiedTime(dst).compareTo(Files.getLastModifiedTime(src)) < 0) {
                Path tmp = deploy.resolve("." + name + ".tmp");
                Files.copy(src, tmp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                Files.move(tmp, dst, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    /**
     * Waits for the listener to accept connections.
     *
     * @param timeoutMs how long to wait
     * @return where it listens, or null when the host was stopped meanwhile (from the shell, say)
     * @throws IllegalStateException when it did not start in time
     */
    public InetSocketAddress awaitListener(long timeoutMs) {
        if (!running()) {
            return null;
        }
        BundleContext ctx = framework.getBundleContext();
        CountDownLatch up = new CountDownLatch(1);
        ServiceListener l = e -> {
            if (e.getType() == ServiceEvent.REGISTERED) {
                up.countDown();
            }
        };
        try {
            ctx.addServiceListener(l, "(" + Constants.OBJECTCLASS + "=" + LISTENER_STATUS + ")");
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        try {
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (true) {
                InetSocketAddress a;
                try {
                    a = listenerAddress();
                } catch (IllegalStateException e) {
                    if (!running()) {
                        return null; // stopped while we waited
                    }
                    throw e;
                }
                if (a != null) {
                    return a;
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new IllegalStateException("the listener did not start within " + timeoutMs + " ms; see the log above");
                }
                up.await(Math.min(left, 100), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } finally {
            try {
                ctx.removeServiceListener(l);
            } catch (IllegalStateException e) {
                // the framework stopped
            }
        }
    }

    /** @return true while the framework is starting or running */
    public boolean running() {
        return (framework.getState() & (Bundle.STARTING | Bundle.ACTIVE)) != 0;
    }

    /** @return where the listener listens now, or null when it is not running */
    public InetSocketAddress listenerAddress() {
        BundleContext ctx = framework.getBundleContext();
        if (ctx == null) {
            return null;
        }
        // getAll...: the launcher's class path has its own copy of the API, so the framework would
        // hide the reference from the system bundle as "not assignable".
        ServiceReference<?>[] refs;
        try {
            refs = ctx.getAllServiceReferences(LISTENER_STATUS, null);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (refs == null || refs.length == 0) {
            return null;
        }
        ServiceReference<?> ref = refs[0];
        Object svc = ctx.getService(ref);
        try {
            if (svc == null) {
                return null;
            }
            // The service's interface lives in the framework's class space, not the launcher's.
            Method m = ref.getBundle().loadClass(LISTENER_STATUS).getMethod("address");
            return (InetSocketAddress) m.invoke(svc);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot ask the listener where it listens: " + e, e);
        } finally {
            ctx.ungetService(ref);
        }
    }

    /**
     * Waits for the web page to be served.
     *
     * @param timeoutMs how long to wait
     * @return its address (no token in it), or null when it is off or did not come up in time (its
     *         bundle logs why)
     */
    public String awaitWeb(long timeoutMs) throws InterruptedException {
        if (options.webOff) {
            return null;
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (running()) {
            String url = webUrl();
            if (url != null || System.currentTimeMillis() >= deadline) {
                return url;
            }
            Thread.sleep(20);
        }
        return null;
    }

    /** @return where the web page is served now (no token in it), or null */
    public String webUrl() {
        BundleContext ctx = framework.getBundleContext();
        if (ctx == null) {
            return null;
        }
        try {
            ServiceReference<?>[] refs = ctx.getAllServiceReferences(WEB_STATUS, null);
            return refs == null || refs.length == 0 ? null : (String) refs[0].getProperty("meshport.web.url");
        } catch (org.osgi.framework.InvalidSyntaxException | IllegalStateException e) {
            return null;
        }
    }

    /**
     * Asks the listener whether a token is the host's, without learning the host's token: the launcher
     * prints the page's address with a token it knows (a token file) only when it is the right one.
     *
     * @param candidate a token, or null to ask whether one is needed at all
     * @return for null: whether a token is required; else whether the listener accepts it
     */
    public boolean listenerToken(String candidate) {
        BundleContext ctx = framework.getBundleContext();
        try {
            ServiceReference<?>[] refs = ctx == null ? null : ctx.getAllServiceReferences(LISTENER_STATUS, null);
            if (refs == null || refs.length == 0) {
                return false;
            }
            Object svc = ctx.getService(refs[0]);
            try {
                Class<?> api = refs[0].getBundle().loadClass(LISTENER_STATUS);
                return candidate == null ? (Boolean) api.getMethod("tokenRequired").invoke(svc)
                        : (Boolean) api.getMethod("acceptsToken", String.class).invoke(svc, candidate);
            } finally {
                ctx.ungetService(refs[0]);
            }
        } catch (ReflectiveOperationException | org.osgi.framework.InvalidSyntaxException | RuntimeException e) {
            return false;
        }
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
            deleteQuietly(privateTokenFile);
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
