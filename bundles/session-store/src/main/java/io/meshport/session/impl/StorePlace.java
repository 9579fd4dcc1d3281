package io.meshport.session.impl;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.osgi.framework.BundleContext;

/**
 * Where the session store keeps its session and when it acknowledges writes, from its configuration,
 * else the framework properties the launcher sets ({@code meshport.session},
 * {@code meshport.session.durability}, {@code meshport.data}).
 *
 * @param durableDir the folder of the session's file, or null for a session in memory
 * @param durability {@code async} or {@code sync}
 */
record StorePlace(Path durableDir, String durability) {
    static StorePlace of(StoreConfig config, BundleContext context) {
        String where = setting(config.session(), context.getProperty("meshport.session"), "file");
        String durability = setting(config.durability(), context.getProperty("meshport.session.durability"), "async");
        if (!where.equals("file") && !where.equals("memory")) {
            throw new IllegalArgumentException("session: '" + where + "' is neither 'file' nor 'memory'");
        }
        if (!durability.equals("async") && !durability.equals("sync")) {
            throw new IllegalArgumentException("durability: '" + durability + "' is neither 'async' nor 'sync'");
        }
        return new StorePlace(where.equals("file") ? durableFolder(config.directory(), context) : null, durability);
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
