package io.meshport.node;

import java.util.List;
import java.util.Optional;

import org.joml.Vector3f;

import io.meshport.mesh.Mesh;
import io.meshport.session.SessionEntry;

/**
 * What a {@link NodeType} sees while it cooks one node: the node's parameter values, its inputs'
 * geometry, the session (read through here, so that the graph knows which keys the node depends on
 * and re-cooks it when they change), and ways to report warnings and figures and to publish the
 * output into the session. Valid only during the cook it was given to.
 */
@org.osgi.annotation.versioning.ProviderType
public interface CookContext {
    /** @return the path of the node being cooked, e.g. {@code "/obj/scatter1"} */
    String path();

    /**
     * @param name a parameter of the node's type
     * @return its value, of the Java type its {@link ParmType} names
     * @throws IllegalArgumentException if the type has no such parameter
     */
    Object parm(String name);

    /**
     * @param name an int parameter
     * @return its value
     * @throws IllegalArgumentException if there is no int parameter of that name
     */
    long intParm(String name);

    /**
     * @param name a float parameter (an int parameter is read as a float too)
     * @return its value
     * @throws IllegalArgumentException if there is no number parameter of that name
     */
    double floatParm(String name);

    /**
     * @param name a text or menu parameter
     * @return its value
     * @throws IllegalArgumentException if there is no text or menu parameter of that name
     */
    String textParm(String name);

    /**
     * @param name a toggle parameter
     * @return its value
     * @throws IllegalArgumentException if there is no toggle parameter of that name
     */
    boolean toggleParm(String name);

    /**
     * @param name a vector parameter
     * @return its components
     * @throws IllegalArgumentException if there is no vector parameter of that name
     */
    List<Double> vectorParm(String name);

    /**
     * Stores the first three components of a vector parameter in {@code dest} (missing ones as 0).
     *
     * @param name a vector parameter
     * @param dest will hold the result
     * @return dest
     * @throws IllegalArgumentException if there is no vector parameter of that name
     */
    Vector3f vectorParm(String name, Vector3f dest);

    /** @return the number of inputs of the node's type */
    int inputCount();

    /**
     * @param index an input number, from 0
     * @return the output of the node wired to that input (cooked before this cook began), or null when
     *         nothing is wired there or that node has no output
     * @throws IndexOutOfBoundsException for an input the type does not have
     */
    Mesh input(int index);

    /**
     * Reads a session key and records that the node depends on it: when the key changes, the node is
     * out of date (and re-cooks by itself when the node's auto-cook is on).
     *
     * @param key a session key
     * @return its entry, or empty when it does not exist (which is recorded too: the key appearing
     *         makes the node out of date)
     * @throws CookException if the key is not a valid key
     */
    Optional<SessionEntry> session(String key);

    /**
     * Reads a session key holding a mesh, as {@link #session(String)} does.
     *
     * @param key a session key
     * @param parmName the parameter the key came from, named in the error messages (or null)
     * @return the mesh
     * @throws CookException if the key does not exist or holds no mesh
     */
    Mesh sessionMesh(String key, String parmName);

    /**
     * Asks the graph to write the geometry this cook returns into the session under {@code key}, once
     * the cook succeeds (the previous value there is replaced; a cook that fails writes nothing).
     * Remote clients can then {@code get} and {@code watch} it.
     *
     * @param key a session key
     * @throws CookException if the key is not a valid key
     */
    void publish(String key);

    /**
     * Reports a problem that does not stop the node from cooking; shown with the node's state.
     *
     * @param message what is wrong, for people
     */
    void warning(String message);

    /**
     * Reports a figure about this cook, shown with the node's state and returned by
     * {@link NodeGraph#cook(String)}, e.g. {@code stat("minSpacing", 0.012)}.
     *
     * @param name the figure's name
     * @param value a number, text or boolean
     */
    void stat(String name, Object value);

    /** @return true when the graph no longer wants this cook's result; a long cook may stop early */
    boolean cancelled();
}
