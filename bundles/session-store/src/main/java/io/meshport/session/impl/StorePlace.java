package io.meshport.session.impl;

import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.osgi.framework.BundleContext;

/**
 * Where the session store keeps its session and when it acknowledges writes, from its configuration,
 * else the framework properties the launcher sets ({@code meshport.session},
 * {@code meshport.session.durability}, {@code meshport.data}).
 *
 * @param durableDir the folder of the session's file, or null for a session in memory or shared
 * @param durability {@code async} or {@code sync}
 * @param shared the URI of a session kept outside the host (e.g. {@code redis://host:6379/name}), or null
 */
record StorePlace(Path durableDir, String durability, URI shared) {
    static StorePlace of(StoreConfig config, BundleContext context) {
        String where = setting(config.session(), context.getProperty("meshport.session"), "file");
        String durability = setting(config.durability(), context.getProperty("meshport.session.durability"), "async");
        URI shared = null;
        if (!where.equals("file") && !where.equals("memory")) {
            shared = sharedUri(where);
        }
        if (!durability.equals("async") && !durability.equals("sync")) {
            throw new IllegalArgumentException("durability: '" + durability + "' is neither 'async' nor 'sync'");
        }
        return new StorePlace(where.equals("file") ? durableFolder(config.directory(), context) : null, durability, shared);
    }

    /** @return the URI of a shared session, e.g. {@code redis://host:6379/name} */
    static URI sharedUri(String where) {
        URI uri;
        try {
            uri = new URI(where);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("session: '" + where + "' is not 'file', 'memory' or a URI such as"
                    + " redis://HOST:PORT/NAME (" + e.getReason() + ")");
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("session: '" + where + "' is not 'file', 'memory' or a URI such as"
                    + " redis://HOST:PORT/NAME");
        }
        return uri;
    }

    private static String setting(String configured, String property, String otherwise) {
        String v = configured != null && !configured.isBlank() ? configured : property;
        return v == null || v.isBlank() ? otherwise : v.trim();
    }

    private static Path durableFolder(String configured, BundleContext context) {
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured.trim());
        }
        String data = context.getProperty("meshport.data");
        if (data != null) {
            return Paths.get(data, "session");
        }
        File area = context.getDataFile("session");
        if (area == null) {
            throw new IllegalStateException("the session has no folder: set 'directory', or the framework property meshport.data");
        }
        return area.toPath();
    }
}
