package io.meshport.node.impl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.meshport.mesh.Mesh;
import io.meshport.node.ParmType;

/**
 * One node of the graph: what a user set (type, parameters, wiring, auto-cook), and what its last cook
 * left (output, error, the stamp of what it saw). Every field is guarded by the graph lock
 * ({@link GraphModel#lock}).
 */
final class Node {
    final String path;
    final String type;
    /** Parameter values as set or loaded, in their Java types; kept while the type is unavailable. */
    final Map<String, Object> parms = new LinkedHashMap<>();
    /** The type of each value in {@link #parms}, saved with it: a save is checked against it without the plugin. */
    final Map<String, ParmType> parmTypes = new HashMap<>();
    /** The path wired to each input, null where none is. */
    final List<String> inputs = new ArrayList<>();
    boolean autoCook = true;
    /** Bumped by every change a user makes to the node's parameters or wiring. */
    long revision;

    // What the last cook left.
    Stamp stamp;
    Mesh output;
    /** Graph-wide number of the cook that made {@link #output}; changes whenever the output does. */
    long outputRevision;
    String error;
    List<String> warnings = List.of();
    Map<String, Object> stats = Map.of();
    String outputKey;
    long outputVersion;
    long cookCount;
    double lastCookMillis;
    /** The wave that last cooked this node (see {@link Cooker}). */
    long lastWave = -1;

    Node(String path, String type) {
        this.path = path;
        this.type = type;
    }

    boolean isNetwork() {
        return io.meshport.node.NodeGraph.NETWORK_TYPE.equals(type);
    }

    /** @return the node's name, the last segment of its path */
    String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** @return the path of the network holding it */
    String parent() {
        int i = path.lastIndexOf('/');
        return i == 0 ? "/" : path.substring(0, i);
    }

    /**
     * What a cook saw: the node's revision, the type service, the output revision of each input, and
     * the version of each session key it read. The node is up to date while all of them still hold.
     */
    static final class Stamp {
        final long revision;
        final long typeServiceId;
        final long[] inputRevisions;
        final String[] keys;
        final long[] keyVersions;

        Stamp(long revision, long typeServiceId, long[] inputRevisions, String[] keys, long[] keyVersions) {
            this.revision = revision;
            this.typeServiceId = typeServiceId;
            this.inputRevisions = inputRevisions;
            this.keys = keys;
            this.keyVersions = keyVersions;
        }

        /** @return the version the key was read at, or -1 if it was not read */
        long versionOf(String key) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i].equals(key)) {
                    return keyVersions[i];
                }
            }
            return -1;
        }
    }
}
