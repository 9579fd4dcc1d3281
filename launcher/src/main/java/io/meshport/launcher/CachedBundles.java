package io.meshport.launcher;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleRevision;

/**
 * What a host keeps of its framework's cache ({@code DATA/cache}) from one start to the next: the
 * bundles FileInstall installed from {@code DATA/deploy/}, with their data areas (a bundle's persistent
 * storage, where the session store leaves its snapshot), and FileInstall itself, which knows which of
 * them it installed from which jar. Everything else (the distribution's framework services, the shell,
 * the page's HTTP server, bundles installed by hand) is uninstalled, to be installed afresh as from an
 * empty cache: the host runs what its distribution and {@code DATA/deploy/} hold, in the launcher's
 * order. The kept bundles sit at {@link #DEPLOY_START_LEVEL}, so that the framework starts them only
 * when the launcher raises its start level, after the framework services and before FileInstall, which
 * then updates or uninstalls those whose jar changed or went while the host was down.
 */
final class CachedBundles {
    /** The start level of the bundles of {@code DATA/deploy/} (FileInstall's {@code felix.fileinstall.start.level}). */
    static final int DEPLOY_START_LEVEL = 2;

    private CachedBundles() {
    }

    /**
     * Sorts the bundles of a framework that is initialized but not started.
     *
     * @param ctx the system bundle's context
     * @param deploy the folder FileInstall installs from
     * @param fileInstall the location under which the launcher installs FileInstall
     * @throws BundleException when a bundle cannot be uninstalled or marked
     */
    static void sort(BundleContext ctx, Path deploy, String fileInstall) throws BundleException {
        for (Bundle b : ctx.getBundles()) {
            if (b.getBundleId() == 0) {
                continue;
            }
            Path jar = file(b.getLocation());
            if (jar != null && deploy.equals(jar.getParent())) {
                if (!Files.isRegularFile(jar)) {
                    b.uninstall(); // its jar was removed while the host was down, as FileInstall would
                    continue;
                }
                b.adapt(BundleStartLevel.class).setStartLevel(DEPLOY_START_LEVEL);
                if ((b.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) == 0) {
                    b.start(); // marked to start with its level: a restart runs everything, as it always did
                }
            } else if (b.getLocation().equals(fileInstall)) {
                b.stop(); // not started by the framework but by the launcher, last (stopping an unstarted bundle only says so)
            } else {
                b.uninstall();
            }
        }
    }

    /** @return the file a {@code file:} location names, or null */
    private static Path file(String location) {
        try {
            URI u = URI.create(location);
            return "file".equals(u.getScheme()) ? Paths.get(u).toAbsolutePath().normalize() : null;
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return null;
        }
    }
}
