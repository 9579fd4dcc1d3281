package io.meshport.node.impl;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.meshport.mesh.Mesh;
import io.meshport.node.CookResult;
import io.meshport.node.NodeGraph;
import io.meshport.node.NodeInfo;
import io.meshport.node.NodeType;
import io.meshport.node.NodeTypeInfo;
import io.meshport.protocol.ExportedService;
import io.meshport.session.SessionStore;
import io.meshport.support.Log;

/**
 * The node graph component: follows the node types on the whiteboard, and runs a {@link Graph} for as
 * long as it is active, saved under the host's data folder ({@code meshport.data}/nodes, or the
 * configured {@code stateDir}; the bundle's own data area when neither is set). Immediate, so that the
 * graph is loaded and auto-cooks from the start, whether or not anyone has asked for it yet. Exported
 * to remote callers as {@code nodes}: the methods of {@link NodeGraph}, and nothing else.
 */
@Component(service = NodeGraph.class, immediate = true, configurationPid = NodeGraphComponent.PID)
@Designate(ocd = NodeGraphComponent.Config.class)
@ExportedService("nodes")
public final class NodeGraphComponent implements NodeGraph {
    /** Configuration PID of the node graph. */
    public static final String PID = "io.meshport.nodes";

    /** Configuration of the node graph. */
    @ObjectClassDefinition(name = "Meshport node graph")
    public @interface Config {
        /** @return the folder of the graph's save file; empty for {@code meshport.data}/nodes */
        @AttributeDefinition(description = "Folder of the graph's save file; empty for the host's data folder (meshport.data)/nodes")
        String stateDir() default "";
    }

    @Reference
    private SessionStore store;

    @Reference(service = LoggerFactory.class)
    private volatile Logger logger;

    private final Log log = Log.osgi(() -> logger);
    private final TypeRegistry types = new TypeRegistry(log);
    private volatile Graph graph;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindType(NodeType type, ServiceReference<NodeType> ref) {
        Bundle b = ref.getBundle();
        Object ranking = ref.getProperty(Constants.SERVICE_RANKING);
        types.add((Long) ref.getProperty(Constants.SERVICE_ID), ref.getProperty(NodeType.NAME),
                ranking instanceof Integer ? (Integer) ranking : 0, b == null ? "?" : b.getSymbolicName() + " " + b.getVersion(), type);
    }

    void updatedType(NodeType type, ServiceReference<NodeType> ref) {
        types.remove((Long) ref.getProperty(Constants.SERVICE_ID));
        bindType(type, ref);
    }

    void unbindType(NodeType type, ServiceReference<NodeType> ref) {
        types.remove((Long) ref.getProperty(Constants.SERVICE_ID));
    }

    @Activate
    void activate(BundleContext ctx, Config config) {
        Path dir;
        if (!config.stateDir().isEmpty()) {
            dir = Paths.get(config.stateDir());
        } else if (ctx.getProperty("meshport.data") != null) {
            dir = Paths.get(ctx.getProperty("meshport.data"), "nodes");
        } else {
            dir = ctx.getDataFile("nodes").toPath();
        }
        Graph g = new Graph(store, types, log, new GraphFile(dir.toAbsolutePath(), log));
        // While the host stops, plugins stop before the runtime: saying their nodes became unavailable
        // would only be noise on the way out.
        Bundle system = ctx.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        types.onChange(names -> {
            if (system == null || system.getState() != Bundle.STOPPING) {
                g.typesChanged(names);
            }
        });
        graph = g;
    }

    @Deactivate
    void deactivate() {
        Graph g = graph;
        graph = null;
        if (g != null) {
            g.close();
        }
    }

    /** @return the running graph (for the shell commands) */
    Graph graph() {
        Graph g = graph;
        if (g == null) {
            throw new IllegalStateException("the node graph is stopped");
        }
        return g;
    }

    @Override
    public List<NodeTypeInfo> types() {
        return graph().types();
    }

    @Override
    public String create(String parent, String type, String name) {
        return graph().create(parent, type, name);
    }

    @Override
    public void delete(String path) {
        graph().delete(path);
    }

    @Override
    public List<String> children(String path) {
        return graph().children(path);
    }

    @Override
    public void setParm(String path, String name, Object value) {
        graph().setParm(path, name, value);
    }

    @Override
    public Object parm(String path, String name) {
        return graph().parm(path, name);
    }

    @Override
    public void setInput(String path, int index, String source) {
        graph().setInput(path, index, source);
    }

    @Override
    public void setAutoCook(String path, boolean on) {
        graph().setAutoCook(path, on);
    }

    @Override
    public CookResult cook(String path) {
        return graph().cook(path);
    }

    @Override
    public NodeInfo node(String path) {
        return graph().node(path);
    }

    @Override
    public Optional<Mesh> output(String path) {
        return graph().output(path);
    }
}
