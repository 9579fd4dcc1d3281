package io.meshport.node;

import java.util.List;

import io.meshport.mesh.Mesh;

/**
 * A node type, provided by a plugin as a whiteboard service with the service property {@value #NAME}
 * naming the type (see {@link NodeTypeName}). The host's node graph creates nodes of the type, keeps
 * their parameter values, and calls {@link #cook(CookContext)} when a node's output is wanted and
 * something it depends on has changed.
 *
 * <pre>{@code
 * @Component(service = NodeType.class)
 * @NodeTypeName("scatter")
 * public final class ScatterNode implements NodeType { ... }
 * }</pre>
 *
 * <p>When two services claim one name, the higher service ranking serves it. When the plugin goes
 * away, the nodes of its type stay in the graph, marked unavailable, with their parameters, and cook
 * again when a service of that name comes back.
 *
 * <p>{@link #cook(CookContext)} may be called from any thread, but never for two nodes at once by
 * one graph; it should not keep state between calls (the graph caches outputs). It reports failures
 * by throwing {@link CookException} with a message for people; any other exception is reported as
 * the node's error too, with its class name.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface NodeType {
    /** The service property holding the type name. */
    String NAME = "meshport.node.type.name";

    /** @return one line saying what the node does */
    String description();

    /**
     * @return the parameters of nodes of this type, in the order a user interface shows them; names
     *         must be unique. Called when the service is registered; the list must not change after.
     */
    List<ParmTemplate> parms();

    /** @return the number of geometry inputs a node of this type has (0 by default) */
    default int inputs() {
        return 0;
    }

    /**
     * Computes the node's output.
     *
     * @param context the parameter values, the inputs' geometry, read access to the session, and a
     *        way to report warnings and figures and to publish the output into the session
     * @return the output geometry, or null for none
     * @throws CookException when the node cannot cook; its message becomes the node's error
     */
    Mesh cook(CookContext context);
}
