package io.meshport.it;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.ops4j.pax.exam.Option;

/**
 * The framework of a host as the launcher builds it: the framework services and the Meshport bundles
 * of the distribution (launcher/target/dist), plus the Java client bundle, with the listener on an
 * ephemeral port of 127.0.0.1. FileInstall is left out: tests install bundles themselves.
 */
final class HostOptions {
    private HostOptions() {
    }

    static Path dist() {
        String d = System.getProperty("meshport.dist");
        if (d == null) {
            throw new IllegalStateException("meshport.dist is not set (run the tests with Maven: mvn verify)");
        }
        return Paths.get(d).toAbsolutePath().normalize();
    }

    /**
     * @param listenerProperties pairs of listener setting and value, e.g. "maxFrameBytes", "1048576"
     * @return the options
     */
    static Option[] host(String... listenerProperties) {
        List<Option> o = new ArrayList<>();
        o.add(junitBundles());
        o.add(cleanCaches(true));
        o.add(systemProperty("meshport.dist").value(dist().toString()));
        o.add(frameworkProperty("org.osgi.service.log.admin.loglevel").value("INFO"));
        o.add(frameworkProperty("meshport.listener.port").value("0"));
        o.add(frameworkProperty("meshport.listener.bindAddress").value("127.0.0.1"));
        for (int i = 0; i + 1 < listenerProperties.length; i += 2) {
            o.add(frameworkProperty("meshport.listener." + listenerProperties[i]).value(listenerProperties[i + 1]));
        }
        for (Path jar : jars(dist().resolve("bundles"))) {
            if (!jar.getFileName().toString().startsWith("org.apache.felix.fileinstall")) {
                o.add(bundle(jar.toUri().toString()));
            }
        }
        for (Path jar : jars(dist().resolve("meshport"))) {
            o.add(bundle(jar.toUri().toString()));
        }
        for (Path jar : jars(dist().resolve("lib"))) {
            if (jar.getFileName().toString().startsWith("meshport-client-")) {
                o.add(bundle(jar.toUri().toString()));
            }
        }
        return o.toArray(new Option[0]);
    }

    /**
     * @param host the options of a host
     * @return the same with the Gogo runtime, which the launcher starts when a terminal is attached,
     *         so that tests can run the shell commands
     */
    static Option[] withShell(Option[] host) {
        Option[] all = java.util.Arrays.copyOf(host, host.length + 1);
        all[host.length] = bundle(dist().resolve("shell").resolve("org.apache.felix.gogo.runtime-1.1.6.jar").toUri().toString());
        return all;
    }

    private static List<Path> jars(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.jar")) {
            s.forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException("no distribution at " + dir + "; build it with mvn package", e);
        }
        out.sort(null);
        return out;
    }
}
