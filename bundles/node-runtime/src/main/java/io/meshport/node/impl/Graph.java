package io.meshport.node.impl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.meshport.mesh.Mesh;
import io.meshport.node.CookResult;
import io.meshport.node.NodeGraph;
import io.meshport.node.NodeInfo;
import io.meshport.node.NodeState;
import io.meshport.node.NodeTypeInfo;
import io.meshport.node.ParmTemplate;
import io.meshport.session.SessionStore;
import io.meshport.support.Log;

/**
 * The node graph as {@link NodeGraph}: puts together its {@link GraphModel} (the nodes and their
 * wiring), {@link GraphEdits} (changes, each saved before it is acknowledged), {@link Cooker} (cooking
 * and caching) and {@link AutoCooker} (re-cooking when session keys change), and answers what a node is.
 *
 * <p>Locking, in one place: the graph lock ({@link GraphModel#lock}) guards every node and is held only
 * for short steps; the edit lock ({@link GraphEdits}) makes changes one at a time, with their saves; the
 * cook lock ({@link Cooker}) runs cooks one at a time. Each of the edit and cook locks is taken before
 * the graph lock, and the runtime never holds the two together, so a save never waits for a cook nor a
 * cook for a save, and neither holds up a reader for longer than a short step. Under the graph lock the
 * only calls out are to the session store (reads, and a cook's publish, whose listeners only queue).
 * Callers' threads read, change and cook; the auto-cook thread cooks; the session store's writers only
 * queue changes for it.
 */
final class Graph implements NodeGraph {
    private final TypeRegistry types;
    private final Log log;
    private final GraphModel model;
    private final GraphEdits edits;
    private final Cooker cooker;
    private final AutoCooker autoCooker;

    /**
     * Restores the saved graph, then starts following the session.
     *
     * @param store the session
     * @param types the node types on the whiteboard
     * @param log where to report
     * @param file where the graph is saved and loaded from, or null to keep it in memory only
     */
    Graph(SessionStore store, TypeRegistry types, Log log, GraphFile file) {
        this.types = types;
        this.log = log;
        this.model = new GraphModel(types);
        this.edits = new GraphEdits(model, file, log);
        this.cooker = new Cooker(model, store, types, log);
        edits.restore();
        types.onChange(this::typesChanged);
        this.autoCooker = new AutoCooker(store, model, cooker, log);
    }

    @Override
    public List<NodeTypeInfo> types() {
        return model.typeInfos();
    }

    @Override
    public String create(String parent, String type, String name) {
        return edits.create(parent, type, name);
    }

    @Override
    public void delete(String path) {
        edits.delete(path);
    }

    @Override
    public List<String> children(String path) {
        return model.children(path);
    }

    @Override
    public void setParm(String path, String name, Object value) {
        edits.setParm(path, name, value);
    }

    @Override
    public Object parm(String path, String name) {
        return model.parm(path, name);
    }

    @Override
    public void setInput(String path, int index, String source) {
        edits.setInput(path, index, source);
    }

    @Override
    public void setAutoCook(String path, boolean on) {
        edits.setAutoCook(path, on);
    }

    @Override
    public CookResult cook(String path) {
        return cooker.cook(path);
    }

    @Override
    public NodeInfo node(String path) {
        synchronized (model.lock) {
            Node n = model.require(path);
            if (n.isNetwork()) {
                return new NodeInfo(n.path, n.type, NodeState.COOKED, null, List.of(), Map.of(), List.of(), false, 0, 0, null,
                        0, Map.of(), Map.of());
            }
            TypeRegistry.Registration reg = types.get(n.type);
            Map<String, Object> parms = new LinkedHashMap<>();
            if (reg == null) {
                parms.putAll(n.parms);
            } else {
                for (ParmTemplate t : reg.parms) {
                    parms.put(t.name(), GraphModel.effective(n, t, null));
                }
            }
            NodeState state;
            String error = n.error;
            if (reg == null) {
                state = NodeState.UNAVAILABLE;
                error = GraphModel.unavailable(n.type);
            } else if (n.stamp == null) {
                state = NodeState.UNCOOKED;
            } else if (!cooker.fresh(n)) {
                state = NodeState.DIRTY; // an error it had may be gone: its next cook will tell
            } else {
                state = n.error != null ? NodeState.ERROR : NodeState.COOKED;
            }
            Map<String, Long> keys = new LinkedHashMap<>();
            if (n.stamp != null) {
                for (int i = 0; i < n.stamp.keys.length; i++) {
                    keys.put(n.stamp.keys[i], n.stamp.keyVersions[i]);
                }
            }
            List<String> inputs = new ArrayList<>(n.inputs);
            if (reg != null) {
                while (inputs.size() < reg.inputs) {
                    inputs.add(null);
                }
                inputs = new ArrayList<>(inputs.subList(0, reg.inputs));
            }
            return new NodeInfo(n.path, n.type, state, error, n.warnings, Collections.unmodifiableMap(parms),
                    Collections.unmodifiableList(inputs), n.autoCook, n.cookCount, n.lastCookMillis, n.outputKey, n.outputVersion,
                    Collections.unmodifiableMap(keys), n.stats);
        }
    }

    @Override
    public Optional<Mesh> output(String path) {
        synchronized (model.lock) {
            return Optional.ofNullable(model.requireLeaf(path).output);
        }
    }

    /** Reports which nodes a change of the types' services made unavailable or available again. */
    void typesChanged(Set<String> names) {
        for (String name : names) {
            int count = model.countOfType(name);
            if (count > 0) {
                log.info(count + " node" + (count == 1 ? "" : "s") + " of type '" + name + "' "
                        + (types.get(name) == null ? "now unavailable (kept with their parameters)" : "served by "
                                + types.get(name).provider));
            }
        }
    }

    /** Stops auto-cooking, waiting a bounded time for a running cook. Every change is saved already. */
    void close() {
        cooker.stop();
        types.onChange(names -> { });
        autoCooker.close();
    }
}
