package io.meshport.launcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bundle jars of the launcher's folders: those of a folder in name order, and the distribution's
 * Meshport bundles ({@code meshport/}) copied into {@code DATA/deploy/}, where FileInstall runs them and
 * replacing one later updates that bundle in the running host.
 */
final class BundleJars {
    private static final Pattern MESHPORT_JAR = Pattern.compile("(meshport-.+?)-(\\d[\\w.\\-]*)\\.jar");
    /**
     * Meshport bundles that were renamed, old part to new part. A data folder of an earlier version still
     * has the old jar in deploy/, and its cache the bundle installed from it: the old jar is removed when
     * the distribution has the new one, so that the framework's cache does not keep the old bundle beside
     * its successor ({@link CachedBundles} uninstalls a kept bundle whose jar is gone).
     */
    static final Map<String, String> RENAMED = Map.of("meshport-mesh-builder", "meshport-mesh-reader");

    private BundleJars() {
    }

    /** @return the jars of {@code dir} (none when it is missing), sorted by name */
    static List<Path> in(Path dir) throws IOException {
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
     * other versions of the same part (left by an earlier build), and the jars of a part that was renamed
     * ({@link #RENAMED}) when the new part is there. Jars of other names are left alone.
     */
    static void syncDeploy(Path built, Path deploy) throws IOException {
        Set<String> parts = new HashSet<>();
        for (Path src : in(built)) {
            Matcher m = MESHPORT_JAR.matcher(src.getFileName().toString());
            if (m.matches()) {
                parts.add(m.group(1));
            }
        }
        for (Path old : in(deploy)) {
            Matcher o = MESHPORT_JAR.matcher(old.getFileName().toString());
            if (o.matches() && parts.contains(RENAMED.get(o.group(1)))) {
                Files.delete(old);
            }
        }
        for (Path src : in(built)) {
            String name = src.getFileName().toString();
            Matcher m = MESHPORT_JAR.matcher(name);
            if (m.matches() && parts.contains(RENAMED.get(m.group(1)))) {
                continue; // a stale jar of the old name beside the new one in the distribution
            }
            if (m.matches()) {
                for (Path old : in(deploy)) {
                    Matcher o = MESHPORT_JAR.matcher(old.getFileName().toString());
                    if (o.matches() && o.group(1).equals(m.group(1)) && !old.getFileName().toString().equals(name)) {
                        Files.delete(old);
                    }
                }
            }
            Path dst = deploy.resolve(name);
            if (!Files.exists(dst) || Files.getLastModifiedTime(dst).compareTo(Files.getLastModifiedTime(src)) < 0) {
                // copied beside it, then moved over it: the jar FileInstall reads is never half written
                Path tmp = deploy.resolve("." + name + ".tmp");
                Files.copy(src, tmp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                Files.move(tmp, dst, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }
}
