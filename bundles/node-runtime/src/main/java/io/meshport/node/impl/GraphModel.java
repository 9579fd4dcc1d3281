package io.meshport.node.impl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.meshport.node.NodeGraph;
import io.meshport.node.NodeTypeInfo;
import io.meshport.node.ParmTemplate;
import io.meshport.node.ParmType;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * The graph's structure: its nodes by path, the networks holding them, their parameters and wiring, and
 * the rules every change must follow (names, types, parameter values, no cycles).
 *
 * <p>Locking: {@link #lock} (the graph lock) guards the node map and every field of every {@link Node},
 * what a user set and what its last cook left. The methods here take it themselves, for one short step
 * each; the cooker, the auto-cooker and the graph's views take it around their own steps, and use the
 * methods marked "lock held". Nothing slow runs under it: no cook of a node type, no save.
 */
final class GraphModel {
    static final int MAX_NODES = 10_000;
    static final Pattern NODE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    /**
     * A change made to the model: the nodes it made, removed or changed, and how to put back what it
     * altered (see {@link GraphModel#undo}).
     */
    record Change(List<String> paths, Runnable undo) {
    }

    /** The graph lock. */
    final Object lock = new Object();
    private final TypeRegistry types;
    private final TreeMap<String, Node> nodes = new TreeMap<>(); // guarded by lock

    /** @param types the node types on the whiteboard */
    GraphModel(TypeRegistry types) {
        this.types = types;
        nodes.put("/", new Node("/", NodeGraph.NETWORK_TYPE));
        nodes.put("/obj", new Node("/obj", NodeGraph.NETWORK_TYPE));
    }

    // ------------------------------------------------------------------ changes

    /** Makes a node. @return the change, whose only path is the node's */
    Change add(String parent, String type, String name) {
        String path;
        synchronized (lock) {
            Node p = require(parent);
            if (!p.isNetwork()) {
                throw badArgs("'" + p.path + "' is a " + p.type + " node, not a network; nodes are created in networks such as /obj");
            }
            if (type == null || type.isEmpty()) {
                throw badArgs("no node type given; available: " + typeNames());
            }
            TypeRegistry.Registration reg = NodeGraph.NETWORK_TYPE.equals(type) ? null : types.get(type);
            if (reg == null && !NodeGraph.NETWORK_TYPE.equals(type)) {
                throw badArgs("no node type '" + type + "'; available: " + typeNames());
            }
            if (nodes.size() >= MAX_NODES + 2) {
                throw new MeshportException(ErrorCode.OVERLOADED, "the graph holds " + MAX_NODES + " nodes, its limit");
            }
            String prefix = p.path.equals("/") ? "/" : p.path + "/";
            if (name == null || name.isEmpty()) {
                int i = 1;
                while (nodes.containsKey(prefix + type + i)) {
                    i++;
                }
                path = prefix + type + i;
            } else {
                if (!NODE_NAME.matcher(name).matches()) {
                    throw badArgs("node name '" + name + "' must be a letter or _, then up to 63 letters, digits or _");
                }
                path = prefix + name;
                if (nodes.containsKey(path)) {
                    throw badArgs("a node '" + path + "' exists already");
                }
            }
            Node n = new Node(path, type);
            if (reg != null) {
                for (ParmTemplate t : reg.parms) {
                    n.parms.put(t.name(), t.defaultValue());
                    n.parmTypes.put(t.name(), t.type());
                }
                for (int i = 0; i < reg.inputs; i++) {
                    n.inputs.add(null);
                }
            }
            nodes.put(path, n);
        }
        return new Change(List.of(path), () -> nodes.remove(path));
    }

    /** Removes a node, the nodes inside it, and the wiring to them. @return the change, its paths those removed */
    Change remove(String path) {
        Map<String, Node> removed = new LinkedHashMap<>();
        Map<Node, List<String>> rewired = new HashMap<>();
        synchronized (lock) {
            Node n = require(path);
            if (n.path.equals("/") || n.path.equals("/obj")) {
                throw badArgs("'" + n.path + "' is part of every graph and cannot be deleted");
            }
            removed.put(n.path, n);
            removed.putAll(nodes.subMap(n.path + "/", n.path + "0")); // '0' follows '/'
            nodes.keySet().removeAll(removed.keySet());
            for (Node other : nodes.values()) {
                for (int i = 0; i < other.inputs.size(); i++) {
                    if (other.inputs.get(i) != null && removed.containsKey(other.inputs.get(i))) {
                        rewired.putIfAbsent(other, new ArrayList<>(other.inputs));
                        other.inputs.set(i, null);
                        other.revision++;
                    }
                }
            }
        }
        return new Change(List.copyOf(removed.keySet()), () -> {
            nodes.putAll(removed);
            rewired.forEach((other, inputs) -> {
                other.inputs.clear();
                other.inputs.addAll(inputs);
                other.revision++;
            });
        });
    }

    /** Sets a parameter, checked against its template. @return the change, or null when the value was set already */
    Change setParm(String path, String name, Object value) {
        Node n;
        Object before;
        ParmType typeBefore;
        synchronized (lock) {
            n = requireLeaf(path);
            TypeRegistry.Registration reg = available(n, "its parameters cannot be changed now");
            ParmTemplate t = template(n, reg, name);
            Object v;
            try {
                v = ParmValues.normalize(t, value);
            } catch (IllegalArgumentException e) {
                throw badArgs(n.path + ": " + e.getMessage());
            }
            if (Objects.equals(n.parms.get(name), v) && n.parmTypes.get(name) == t.type()) {
                return null;
            }
            before = n.parms.put(name, v);
            typeBefore = n.parmTypes.put(name, t.type());
            n.revision++;
        }
        return new Change(List.of(n.path), () -> {
            putBack(n.parms, name, before);
            putBack(n.parmTypes, name, typeBefore);
            n.revision++;
        });
    }

    private static <V> void putBack(Map<String, V> map, String key, V before) {
        if (before == null) {
            map.remove(key);
        } else {
            map.put(key, before);
        }
    }

    /** Wires a node's input to another node's output (null or empty: to nothing). @return the change, or null when it was so */
    Change setInput(String path, int index, String source) {
        Node n;
        List<String> before;
        synchronized (lock) {
            n = requireLeaf(path);
            before = new ArrayList<>(n.inputs);
            if (!wire(n, index, source)) {
                return null;
            }
        }
        return new Change(List.of(n.path), () -> {
            n.inputs.clear();
            n.inputs.addAll(before);
            n.revision++;
        });
    }

    /** @return true if the wiring changed (lock held) */
    private boolean wire(Node n, int index, String source) {
        TypeRegistry.Registration reg = available(n, "its inputs cannot be changed now");
        if (index < 0 || index >= reg.inputs) {
            throw badArgs(n.path + " (" + n.type + ") has " + reg.inputs + " input" + (reg.inputs == 1 ? "" : "s")
                    + (reg.inputs == 0 ? "" : ", numbered from 0") + "; there is no input " + index);
        }
        while (n.inputs.size() <= index) {
            n.inputs.add(null);
        }
        String wired = null;
        if (source != null && !source.isEmpty()) {
            Node src = require(source);
            if (src.isNetwork()) {
                throw badArgs("'" + src.path + "' is a network; only nodes with output can feed an input");
            }
            if (src == n || dependsOn(src, n)) {
                throw badArgs("wiring " + src.path + " into " + n.path + " would make a cycle");
            }
            wired = src.path;
        }
        if (Objects.equals(n.inputs.get(index), wired)) {
            return false;
        }
        n.inputs.set(index, wired);
        n.revision++;
        return true;
    }

    /** @return true if {@code a} reads, through its inputs, the output of {@code b} (lock held) */
    private boolean dependsOn(Node a, Node b) {
        Deque<Node> todo = new ArrayDeque<>(List.of(a));
        Set<Node> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Node x = todo.pop();
            if (!seen.add(x)) {
                continue;
            }
            for (String p : x.inputs) {
                Node in = p == null ? null : nodes.get(p);
                if (in == b) {
                    return true;
                }
                if (in != null) {
                    todo.push(in);
                }
            }
        }
        return false;
    }

    /** Turns a node's auto-cook on or off. @return the change, or null when it was so */
    Change setAutoCook(String path, boolean on) {
        Node n;
        synchronized (lock) {
            n = requireLeaf(path);
            if (n.autoCook == on) {
                return null;
            }
            n.autoCook = on;
        }
        return new Change(List.of(n.path), () -> n.autoCook = !on);
    }

    /** Puts back what a change altered. */
    void undo(Change change) {
        synchronized (lock) {
            change.undo().run();
        }
    }

    // ------------------------------------------------------------------ saves

    /** @return what is saved of the graph: every node but those in every graph, sorted by path */
    List<GraphFormat.Saved> saved() {
        List<GraphFormat.Saved> saved = new ArrayList<>();
        synchronized (lock) {
            for (Node n : nodes.values()) {
                if (!n.path.equals("/") && !n.path.equals("/obj")) { // in every graph
                    saved.add(GraphFormat.Saved.of(n));
                }
            }
        }
        return saved;
    }

    /** Puts back the nodes of a save, which {@link GraphFormat} checked whole. */
    void restore(List<GraphFormat.Saved> saved) {
        synchronized (lock) {
            for (GraphFormat.Saved s : saved) {
                nodes.put(s.path(), s.toNode());
            }
        }
    }

    /** @return the type of a parameter of a node type that is there now, or null */
    ParmType parmType(String type, String parm) {
        TypeRegistry.Registration r = types.get(type);
        ParmTemplate t = r == null ? null : r.parmsByName.get(parm);
        return t == null ? null : t.type();
    }

    // ------------------------------------------------------------------ reading

    /** @return the node types, the graph's own {@code network} among them, sorted by name */
    List<NodeTypeInfo> typeInfos() {
        List<NodeTypeInfo> out = new ArrayList<>();
        out.add(new NodeTypeInfo(NodeGraph.NETWORK_TYPE, "holds other nodes", List.of(), 0, "the node graph"));
        for (TypeRegistry.Registration r : types.all()) {
            out.add(r.info());
        }
        out.sort((a, b) -> a.type().compareTo(b.type()));
        return out;
    }

    /** @return the paths of the nodes directly inside a network */
    List<String> children(String path) {
        synchronized (lock) {
            Node n = require(path);
            if (!n.isNetwork()) {
                throw badArgs("'" + n.path + "' is a " + n.type + " node, not a network: it has no children");
            }
            List<String> out = new ArrayList<>();
            String prefix = n.path.equals("/") ? "/" : n.path + "/";
            for (String p : nodes.tailMap(prefix, false).keySet()) {
                if (!p.startsWith(prefix)) {
                    break;
                }
                if (p.indexOf('/', prefix.length()) < 0) {
                    out.add(p);
                }
            }
            return out;
        }
    }

    /** @return a parameter's value: as stored when the type is unavailable, else as a cook would read it */
    Object parm(String path, String name) {
        synchronized (lock) {
            Node n = requireLeaf(path);
            TypeRegistry.Registration reg = types.get(n.type);
            if (reg == null) {
                if (!n.parms.containsKey(name)) {
                    throw new MeshportException(ErrorCode.NOT_FOUND, n.path + " has no stored parameter '" + name
                            + "' (and its type '" + n.type + "' is unavailable)");
                }
                return n.parms.get(name);
            }
            ParmTemplate t = template(n, reg, name);
            return effective(n, t, null);
        }
    }

    /** @return how many nodes are of a type */
    int countOfType(String type) {
        int count = 0;
        synchronized (lock) {
            for (Node n : nodes.values()) {
                if (n.type.equals(type)) {
                    count++;
                }
            }
        }
        return count;
    }

    /** @return the node at a path, or null (lock held) */
    Node get(String path) {
        return nodes.get(path);
    }

    /** @return every node, sorted by path (lock held) */
    Collection<Node> all() {
        return nodes.values();
    }

    /** @return the node at a path; NOT_FOUND when there is none (lock held) */
    Node require(String path) {
        String p = normalize(path);
        Node n = nodes.get(p);
        if (n == null) {
            throw new MeshportException(ErrorCode.NOT_FOUND, "no node '" + path + "'");
        }
        return n;
    }

    /** @return the node at a path, which is not a network (lock held) */
    Node requireLeaf(String path) {
        Node n = require(path);
        if (n.isNetwork()) {
            throw badArgs("'" + n.path + "' is a network: it has no parameters, inputs or output");
        }
        return n;
    }

    private static String normalize(String path) {
        if (path == null || !path.startsWith("/")) {
            throw badArgs("node path '" + path + "' must start with /, e.g. /obj/scatter1");
        }
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    // ------------------------------------------------------------------ rules

    private TypeRegistry.Registration available(Node n, String consequence) {
        TypeRegistry.Registration reg = types.get(n.type);
        if (reg == null) {
            throw badArgs(n.path + ": " + unavailable(n.type) + "; " + consequence);
        }
        return reg;
    }

    private static ParmTemplate template(Node n, TypeRegistry.Registration reg, String name) {
        ParmTemplate t = reg.parmsByName.get(name);
        if (t == null) {
            throw new MeshportException(ErrorCode.NOT_FOUND, n.path + " (" + n.type + ") has no parameter '" + name
                    + "'; its parameters: " + String.join(", ", reg.parmsByName.keySet()));
        }
        return t;
    }

    /**
     * @param warnings where to say that the stored value no longer fits, or null
     * @return the node's value for a parameter: the stored one if it fits the template, else the default (lock held)
     */
    static Object effective(Node n, ParmTemplate t, List<String> warnings) {
        Object stored = n.parms.get(t.name());
        if (stored == null) {
            return t.defaultValue();
        }
        try {
            return ParmValues.normalize(t, stored);
        } catch (IllegalArgumentException e) {
            if (warnings != null) {
                warnings.add("the stored value no longer fits: " + e.getMessage() + "; the default " + t.defaultValue() + " is used");
            }
            return t.defaultValue();
        }
    }

    private String typeNames() {
        List<String> names = new ArrayList<>();
        for (NodeTypeInfo t : typeInfos()) {
            names.add(t.type());
        }
        return String.join(", ", names);
    }

    /** @return why a node of a type cannot be cooked or changed now */
    static String unavailable(String type) {
        return "node type '" + type + "' is not available: no service provides it (is its plugin bundle stopped?)";
    }

    private static MeshportException badArgs(String message) {
        return new MeshportException(ErrorCode.BAD_ARGS, message);
    }
}
