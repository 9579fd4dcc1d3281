package io.meshport.launcher;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.osgi.framework.Constants;

/**
 * The properties a host's framework starts with: its cache, FileInstall's folders and pace, and the
 * listener's and the page's settings from the {@link EmbeddedHost.Options} (which win over
 * {@code DATA/conf/}); and the few JVM-wide settings the framework's libraries read.
 */
final class HostProperties {
    /**
     * The codecs the distribution's bundles serve (meshport-codecs, meshport-ply-codec, meshport-stl-codec)
     * and the services they export (meshport-node-runtime): the listener's {@code requiredCodecs} and
     * {@code requiredServices}, so that a client connecting as the port opens finds them all.
     */
    static final String DISTRIBUTION_CODECS = "mesh,cbor,bytes,ply,stl";
    static final String DISTRIBUTION_SERVICES = "nodes";
    /**
     * SPI Fly (the ServiceLoader Mediator the page's HTTP server needs) reports each provider at INFO: keep it
     * quiet. Held here because java.util.logging keeps its loggers weakly, and a collected one forgets its level.
     */
    private static final java.util.logging.Logger SPIFLY_LOG = java.util.logging.Logger.getLogger("org.apache.aries.spifly");

    private HostProperties() {
    }

    /**
     * @param o the options
     * @param data the data folder, absolute
     * @param tokenFile the file holding the token given with {@link EmbeddedHost.Options#listener}, or null
     * @return the framework's properties
     */
    static Map<String, String> of(EmbeddedHost.Options o, Path data, Path tokenFile) {
        Path deploy = data.resolve("deploy");
        Path conf = data.resolve("conf");
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
        if (o.session != null) {
            cfg.put("meshport.session", o.session);
        }
        if (o.durability != null) {
            cfg.put("meshport.session.durability", o.durability);
        }
        listener(o, tokenFile, cfg);
        web(o, cfg);
        // Felix HTTP's default Jetty instance would listen on 8080 of every interface; it waits for a
        // configuration instead, and the web bundle starts an instance of its own where it is told.
        cfg.put("org.apache.felix.http.require.config", "true");
        // The resolver resolves in the calling thread: its thread pool's hand-offs showed up in every
        // bundle update (a few ms of the hot-swap gap on two cores) and bring nothing at this size.
        cfg.put("felix.resolver.parallelism", "1");
        return cfg;
    }

    /** The listener's settings, as {@code meshport.listener.<name>} properties. */
    private static void listener(EmbeddedHost.Options o, Path tokenFile, Map<String, String> cfg) {
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
        if (tokenFile != null) {
            cfg.put("meshport.listener.tokenFile", tokenFile.toString());
        }
    }

    /** The page's settings, as {@code meshport.web.<name>} properties. */
    private static void web(EmbeddedHost.Options o, Map<String, String> cfg) {
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
    }

    /**
     * Sets what the framework's libraries read from the JVM rather than the framework: two system
     * properties (where nobody set them before) and SPI Fly's log level, alike for every host of this JVM.
     */
    static void applyToJvm() {
        // SCR asks SAXParserFactory for a parser for each bundle's component descriptions, which
        // without this property searches every jar of the class path for a provider each time (part of
        // every bundle update); the JDK's own parser is the one it finds anyway.
        System.getProperties().putIfAbsent("javax.xml.parsers.SAXParserFactory",
                "com.sun.org.apache.xerces.internal.jaxp.SAXParserFactoryImpl");
        // Jetty and Felix HTTP log through SLF4J, to slf4j-simple: warnings and errors only.
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        SPIFLY_LOG.setLevel(java.util.logging.Level.WARNING);
    }
}
