package io.meshport.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * Starts a host's framework and its bundles in order: the framework services of the distribution's
 * {@code bundles/} (and {@code shell/}), then the Meshport bundles the cache kept, then FileInstall,
 * which brings in the rest of {@code DATA/deploy/}; the page's HTTP server last, on a thread of its
 * own, once the listener serves.
 */
final class HostStartup {
    /** The longest the page's HTTP server waits for the listener before it starts anyway. */
    static final long WEB_SERVER_START_DELAY_MS = 5000;
    /** FileInstall's place in the order of start, after the framework services (see {@link #order(Bundle)}). */
    private static final int FILEINSTALL_ORDER = 1000;

    private HostStartup() {
    }

    /**
     * Makes the framework, sorts what its cache kept ({@link CachedBundles}) and starts it, with none of
     * the distribution's bundles installed yet.
     *
     * @param properties the framework's properties ({@link HostProperties})
     * @param deploy {@code DATA/deploy/}
     * @param bundles the distribution's {@code bundles/}
     * @return the started framework
     * @throws BundleException when it cannot start (it is stopped again, letting go of the cache)
     * @throws IOException when {@code bundles/} cannot be listed
     */
    static Framework boot(Map<String, String> properties, Path deploy, Path bundles) throws IOException, BundleException {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).iterator().next();
        Framework fw = null;
        try {
            fw = factory.newFramework(properties);
            fw.init();
            CachedBundles.sort(fw.getBundleContext(), deploy, fileInstallLocation(bundles));
            fw.start();
            return fw;
        } catch (BundleException | IOException | RuntimeException e) {
            if (fw != null) {
                try {
                    fw.stop(); // lets go of the cache's lock
                } catch (BundleException stopping) {
                    e.addSuppressed(stopping);
                }
            }
            throw e;
        }
    }

    /**
     * Installs the distribution's bundles (the shell's too, when asked) and starts them in order, raising
     * the start level to the cached Meshport bundles' before FileInstall.
     *
     * @param fw a framework {@link #boot} started
     * @param home the distribution
     * @param shell whether to install the Gogo shell
     * @return the jars of the page's HTTP server, installed by none of this (see {@link #startWebServerWhenListening})
     * @throws BundleException when a bundle cannot be installed or started
     */
    static List<Path> startBundles(Framework fw, Path home, boolean shell) throws IOException, BundleException {
        BundleContext ctx = fw.getBundleContext();
        List<Bundle> installed = new ArrayList<>();
        List<Path> later = new ArrayList<>();
        for (Path jar : BundleJars.in(home.resolve("bundles"))) {
            if (webServer(jar)) {
                later.add(jar);
            } else {
                installed.add(ctx.installBundle(jar.toUri().toString()));
            }
        }
        if (shell) {
            for (Path jar : BundleJars.in(home.resolve("shell"))) {
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
        return later;
    }

    /** @return the location under which FileInstall is installed from the distribution's bundles, or null */
    private static String fileInstallLocation(Path bundles) throws IOException {
        for (Path jar : BundleJars.in(bundles)) {
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
            if (!done.await(EmbeddedHost.LISTENER_START_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                throw new BundleException("the bundles of the data folder's deploy/ did not start within "
                        + EmbeddedHost.LISTENER_START_TIMEOUT_MS / 1000 + " s");
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
     * Starts a daemon thread that installs and starts the page's HTTP server (Jetty and what it needs)
     * once the listener serves, or after {@value #WEB_SERVER_START_DELAY_MS} ms at the latest: resolving
     * and starting them costs a good part of the host's start, and clients of the socket should not wait
     * for a page. The page's own bundle (it needs only the servlet API, installed with the others) starts
     * with the Meshport bundles and waits for the server.
     *
     * @param fw the host's framework
     * @param status its status, to see the listener serve and the framework stop
     * @param jars what {@link #startBundles} left for later
     */
    static void startWebServerWhenListening(Framework fw, HostStatus status, List<Path> jars) {
        Thread t = new Thread(() -> startWebServer(fw, status, jars), "meshport-start-web-server");
        t.setDaemon(true);
        t.start();
    }

    private static void startWebServer(Framework fw, HostStatus status, List<Path> jars) {
        long deadline = System.currentTimeMillis() + WEB_SERVER_START_DELAY_MS;
        try {
            while (status.running() && status.listenerAddress() == null && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            List<Bundle> bundles = new ArrayList<>();
            for (Path jar : jars) {
                if (!status.running()) {
                    return;
                }
                bundles.add(fw.getBundleContext().installBundle(jar.toUri().toString()));
            }
            bundles.sort((a, b) -> Integer.compare(order(a), order(b)));
            for (Bundle b : bundles) {
                if (status.running() && b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    b.start();
                }
            }
        } catch (BundleException | IllegalStateException e) {
            System.err.println("meshport: the web page's HTTP server did not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @return a bundle's place in the order of start: the framework services in the order they need one
     *         another, other bundles, FileInstall, then the page's HTTP server
     */
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
        // the page's HTTP server, in the order it needs them (see startWebServer)
        String[] web = {"slf4j.api", "slf4j.simple", "org.apache.commons.commons-io", "org.apache.commons.commons-fileupload",
            "org.apache.felix.http.jetty12"};
        for (int i = 0; i < web.length; i++) {
            if (web[i].equals(bsn)) {
                return 1001 + i;
            }
        }
        return 100;
    }
}
