package io.meshport.node;

import java.util.List;
import java.util.Optional;

import io.meshport.mesh.Mesh;

/**
 * The host's graph of nodes. Nodes live under networks and are addressed by paths, as in Houdini:
 * {@code /obj} is a network that always exists, {@code /obj/scatter1} a node in it. Nodes of plugin
 * types ({@link NodeType}) are leaves; networks are nodes of the built-in type {@value #NETWORK_TYPE}.
 *
 * <p>A node cooks when its output is asked for and something it depends on has changed since its last
 * cook: a parameter, the output of a node wired to one of its inputs, or a session key it read. A
 * node with auto-cook on (the default) that has cooked once re-cooks by itself when a session key it
 * read changes, and so do the nodes downstream of it. The graph is saved in the host's data folder and
 * comes back after a restart or an update of the runtime.
 *
 * <p>Failures are {@link io.meshport.protocol.MeshportException}s whose code says what kind:
 * {@code NOT_FOUND} (no such node or parameter), {@code BAD_ARGS} (a bad name, type, value or wiring,
 * with a message naming it), {@code CALL_FAILED} (a cook failed; the node's error says why). Thread
 * safe.
 */
@org.osgi.annotation.versioning.ProviderType
public interface NodeGraph {
    /** The type name of networks, the nodes that hold other nodes. */
    String NETWORK_TYPE = "network";

    /** @return the available node types, sorted by name (networks included) */
    List<NodeTypeInfo> types();

    /**
     * Creates a node.
     *
     * @param parent the path of a network, e.g. {@code "/obj"}
     * @param type a type name
     * @param name the new node's name (a letter or {@code _}, then letters, digits or {@code _}), or
     *        null or empty for the type name followed by the first free number
     * @return the new node's path
     */
    String create(String parent, String type, String name);

    /**
     * Deletes a node, and everything in it for a network. Inputs wired to it are disconnected.
     *
     * @param path the node's path
     */
    void delete(String path);

    /**
     * @param path the path of a network ({@code "/"} for the top)
     * @return the paths of the nodes in it, sorted
     */
    List<String> children(String path);

    /**
     * Sets a parameter. The value is checked against the parameter's template: numbers for int and
     * float parameters (an int parameter takes only whole numbers), text for text parameters, one of
     * the items for a menu, a boolean (or 0/1) for a toggle, a list of numbers of the right length for
     * a vector; within the range if there is one.
     *
     * @param path the node's path
     * @param name the parameter's name
     * @param value the new value
     */
    void setParm(String path, String name, Object value);

    /**
     * @param path the node's path
     * @param name the parameter's name
     * @return its value, of the Java type its {@link ParmType} names
     */
    Object parm(String path, String name);

    /**
     * Wires the output of one node to an input of another. Wiring that would make a cycle is refused.
     *
     * @param path the node whose input it is
     * @param index the input number, from 0
     * @param source the path of the node whose output feeds it, or null to disconnect the input
     */
    void setInput(String path, int index, String source);

    /**
     * @param path the node's path
     * @param on whether the node re-cooks by itself when a session key it read changes
     */
    void setAutoCook(String path, boolean on);

    /**
     * Cooks a node if it is out of date, after cooking its inputs, and publishes its output if its type
     * asks for that.
     *
     * @param path the node's path
     * @return what the cook did
     */
    CookResult cook(String path);

    /**
     * @param path the node's path
     * @return a snapshot of the node
     */
    NodeInfo node(String path);

    /**
     * @param path the node's path
     * @return the output of its last successful cook, which may be out of date (see {@link NodeInfo#state()})
     */
    Optional<Mesh> output(String path);
}
