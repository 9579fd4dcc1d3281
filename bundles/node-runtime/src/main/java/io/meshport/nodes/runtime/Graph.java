package io.meshport.nodes.runtime;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

import io.meshport.mesh.Mesh;
import io.meshport.node.CookException;
import io.meshport.node.CookResult;
import io.meshport.node.NodeGraph;
import io.meshport.node.NodeInfo;
import io.meshport.node.NodeState;
import io.meshport.node.NodeTypeInfo;
import io.meshport.node.ParmTemplate;
import io.meshport.node.ParmType;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionChange;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;
import io.meshport.support.Log;

/**
 * The node graph. Structure and node state are guarded by one lock, held only for short steps; cooks
 * run outside it, one at a time (the cook lock), so that a long cook never blocks a caller reading or
 * editing the graph.
 *
 * <p>Caching is by validation, not by dirty flags: a cook records a {@link Node.Stamp} of what it saw
 * (the node's revision, the type service, each input's output revision, each session key's version),
 * and the node is up to date while all of those still hold. Nothing has to be notified for a node to
 * know it is out of date, so no notification can be lost.
 *
 * <p>Auto-cook: every session change is handed to one background thread, which cooks the nodes with
 * auto-cook on that read the changed key at another version, and the nodes downstream of them. Writes
 * made by cooks belong to the "wave" of the change that caused them, and a node cooks at most once per
 * wave, so nodes that feed each other through session keys cannot cook each other forever.
 *
 * <p>Saving: every change a user makes is saved before it is acknowledged. Changes are made one at a
 * time (the edit lock): applied under the lock, saved outside it (readers are not held up by the disk),
 * and undone if the save fails, the caller getting {@code CALL_FAILED} that says why.
 */
final class Graph implements NodeGraph {
    static final int MAX_NODES = 10_000;
    static final Pattern NODE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    /** The wave a thread's cook belongs to, so that the session writes it makes carry it. */
    private static final ThreadLocal<Long> CURRENT_WAVE = new ThreadLocal<>();

    private final SessionStore store;
    private final TypeRegistry types;
    private final Log log;
    private final GraphFile file;
    private final Object lock = new Object();
    /** Held for the whole of a change that is saved: apply, save, and undo if the save failed. */
    private final Object edits = new Object();
    private final TreeMap<String, Node> nodes = new TreeMap<>();
    private final ReentrantLock cookLock = new ReentrantLock();
    private final ExecutorService autoCooker;
    private final AtomicLong waves = new AtomicLong();
    private final SessionStore.Subscription subscription;
    private long outputRevisions; // guarded by lock
    private volatile boolean closed;

    /**
     * @param store the session
     * @param types the node types on the whiteboard
     * @param log where to report
     * @param file where the graph is saved and loaded from, or null to keep it in memory only
     */
    Graph(SessionStore store, TypeRegistry types, Log log, GraphFile file) {
        this.store = store;
        this.types = types;
        this.log = log;
        this.file = file;
        this.autoCooker = Executors.newSingleThreadExecutor(r -> daemon(r, "meshport-node-autocook"));
        nodes.put("/", new Node("/", NETWORK_TYPE));
        nodes.put("/obj", new Node("/obj", NETWORK_TYPE));
        if (file != null) {
            restore(file.load((type, parm) -> {
                TypeRegistry.Registration r = types.get(type);
                ParmTemplate t = r == null ? null : r.parmsByName.get(parm);
                return t == null ? null : t.type();
            }));
        }
        types.onChange(this::typesChanged);
        this.subscription = store.subscribe("", this::sessionChanged);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    // ------------------------------------------------------------------ structure

    @Override
    public List<NodeTypeInfo> types() {
        List<NodeTypeInfo> out = new ArrayList<>();
        out.add(new NodeTypeInfo(NETWORK_TYPE, "holds other nodes", List.of(), 0, "the node graph"));
        for (TypeRegistry.Registration r : types.all()) {
            out.add(r.info());
        }
        out.sort((a, b) -> a.type().compareTo(b.type()));
        return out;
    }

    @Override
    public String create(String parent, String type, String name) {
        synchronized (edits) {
            String path = add(parent, type, name);
            persist(() -> nodes.remove(path));
            log.info("created " + path + " (" + type + ")");
            return path;
        }
    }

    /** @return the path of the node made (the edit lock held) */
    private String add(String parent, String type, String name) {
        String path;
        synchronized (lock) {
            Node p = require(parent);
            if (!p.isNetwork()) {
                throw badArgs("'" + p.path + "' is a " + p.type + " node, not a network; nodes are created in networks such as /obj");
            }
            if (type == null || type.isEmpty()) {
                throw badArgs("no node type given; available: " + typeNames());
            }
            TypeRegistry.Registration reg = NETWORK_TYPE.equals(type) ? null : types.get(type);
            if (reg == null && !NETWORK_TYPE.equals(type)) {
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
        return path;
    }

    @Override
    public void delete(String path) {
        synchronized (edits) {
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
            persist(() -> {
                nodes.putAll(removed);
                rewired.forEach((other, inputs) -> {
                    other.inputs.clear();
                    other.inputs.addAll(inputs);
                    other.revision++;
                });
            });
            log.info("deleted " + String.join(", ", removed.keySet()));
        }
    }

    @Override
    public List<String> children(String path) {
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

    @Override
    public void setParm(String path, String name, Object value) {
        synchronized (edits) {
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
                    return;
                }
                before = n.parms.put(name, v);
                typeBefore = n.parmTypes.put(name, t.type());
                n.revision++;
            }
            persist(() -> {
                putBack(n.parms, name, before);
                putBack(n.parmTypes, name, typeBefore);
                n.revision++;
            });
        }
    }

    private static <V> void putBack(Map<String, V> map, String key, V before) {
        if (before == null) {
            map.remove(key);
        } else {
            map.put(key, before);
        }
    }

    @Override
    public Object parm(String path, String name) {
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

    @Override
    public void setInput(String path, int index, String source) {
        synchronized (edits) {
            Node n;
            List<String> before;
            synchronized (lock) {
                n = requireLeaf(path);
                before = new ArrayList<>(n.inputs);
                if (!wire(n, index, source)) {
                    return;
                }
            }
            persist(() -> {
                n.inputs.clear();
                n.inputs.addAll(before);
                n.revision++;
            });
        }
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
        Set<Node> seen = new java.util.HashSet<>();
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

    @Override
    public void setAutoCook(String path, boolean on) {
        synchronized (edits) {
            Node n;
            synchronized (lock) {
                n = requireLeaf(path);
                if (n.autoCook == on) {
                    return;
                }
                n.autoCook = on;
            }
            persist(() -> n.autoCook = !on);
        }
    }

    @Override
    public NodeInfo node(String path) {
        synchronized (lock) {
            Node n = require(path);
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
                    parms.put(t.name(), effective(n, t, null));
                }
            }
            NodeState state;
            String error = n.error;
            if (reg == null) {
                state = NodeState.UNAVAILABLE;
                error = unavailable(n.type);
            } else if (n.stamp == null) {
                state = NodeState.UNCOOKED;
            } else if (!fresh(n, 0)) {
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
        synchronized (lock) {
            return Optional.ofNullable(requireLeaf(path).output);
        }
    }

    private Node require(String path) {
        String p = normalize(path);
        Node n = nodes.get(p);
        if (n == null) {
            throw new MeshportException(ErrorCode.NOT_FOUND, "no node '" + path + "'");
        }
        return n;
    }

    private Node requireLeaf(String path) {
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

    /** @return the node's value for a parameter: the stored one if it fits the template, else the default */
    private static Object effective(Node n, ParmTemplate t, List<String> warnings) {
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
        for (NodeTypeInfo t : types()) {
            names.add(t.type());
        }
        return String.join(", ", names);
    }

    static String unavailable(String type) {
        return "node type '" + type + "' is not available: no service provides it (is its plugin bundle stopped?)";
    }

    private static MeshportException badArgs(String message) {
        return new MeshportException(ErrorCode.BAD_ARGS, message);
    }

    /** Reports which nodes a change of the types' services made unavailable or available again. */
    void typesChanged(Set<String> names) {
        for (String name : names) {
            int count = 0;
            synchronized (lock) {
                for (Node n : nodes.values()) {
                    if (n.type.equals(name)) {
                        count++;
                    }
                }
            }
            if (count > 0) {
                log.info(count + " node" + (count == 1 ? "" : "s") + " of type '" + name + "' "
                        + (types.get(name) == null ? "now unavailable (kept with their parameters)" : "served by "
                                + types.get(name).provider));
            }
        }
    }

    // ------------------------------------------------------------------ cooking

    @Override
    public CookResult cook(String path) {
        Node n;
        synchronized (lock) {
            n = requireLeaf(path);
        }
        long wave = waves.incrementAndGet();
        boolean recooked;
        cookLock.lock();
        try {
            recooked = cookTree(n, wave, 0);
        } finally {
            cookLock.unlock();
        }
        synchronized (lock) {
            if (n.error != null) {
                throw new MeshportException(ErrorCode.CALL_FAILED, "cook of " + n.path + " failed: " + n.error,
                        Map.of("path", n.path));
            }
            Mesh out = n.output;
            return new CookResult(n.path, out == null ? 0 : out.pointCount(), out == null ? 0 : out.vertexCount(),
                    out == null ? 0 : out.faceCount(), n.outputKey, n.outputVersion, recooked, recooked ? n.lastCookMillis : 0,
                    n.warnings, n.stats);
        }
    }

    /**
     * Cooks the inputs of a node, then the node if it is out of date. Cook lock held.
     *
     * @return true if the node itself cooked
     */
    private boolean cookTree(Node n, long wave, int depth) {
        if (depth > MAX_NODES) {
            throw new IllegalStateException("inputs nested deeper than the graph has nodes at " + n.path);
        }
        TypeRegistry.Registration reg;
        String[] inputPaths;
        synchronized (lock) {
            if (nodes.get(n.path) != n) {
                return false; // deleted meanwhile
            }
            reg = types.get(n.type);
            int count = reg != null ? reg.inputs : n.inputs.size();
            inputPaths = new String[count];
            for (int i = 0; i < count && i < n.inputs.size(); i++) {
                inputPaths[i] = n.inputs.get(i);
            }
        }
        Mesh[] inputs = new Mesh[inputPaths.length];
        long[] inputRevisions = new long[inputPaths.length];
        String inputError = null;
        for (int i = 0; i < inputPaths.length; i++) {
            inputRevisions[i] = -1;
            if (inputPaths[i] == null) {
                continue;
            }
            Node in;
            synchronized (lock) {
                in = nodes.get(inputPaths[i]);
            }
            if (in == null) {
                inputError = inputError != null ? inputError : "input " + i + " (" + inputPaths[i] + ") no longer exists";
                continue;
            }
            cookTree(in, wave, depth + 1);
            synchronized (lock) {
                inputs[i] = in.output;
                inputRevisions[i] = in.outputRevision;
                if (in.error != null && inputError == null) {
                    inputError = "input " + i + " (" + in.path + ") failed: " + in.error;
                } else if (in.output == null && inputError == null) {
                    inputError = "input " + i + " (" + in.path + ") has no output";
                }
            }
        }
        long revision;
        List<String> warnings = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        synchronized (lock) {
            if (upToDate(n, reg, inputRevisions)) {
                return false;
            }
            revision = n.revision;
            if (reg != null) {
                for (ParmTemplate t : reg.parms) {
                    values.put(t.name(), effective(n, t, warnings));
                }
            }
        }
        String error = null;
        Mesh out = null;
        CookContextImpl ctx = null;
        SessionEntry published = null;
        double millis = 0;
        if (reg == null) {
            error = unavailable(n.type);
        } else if (inputError != null) {
            error = inputError;
        } else {
            ctx = new CookContextImpl(n.path, reg.parmsByName, values, inputs, store, () -> closed);
            long t0 = System.nanoTime();
            try {
                out = reg.type.cook(ctx);
            } catch (CookException e) {
                error = e.getMessage() == null ? "the " + n.type + " node failed (no message)" : e.getMessage();
            } catch (OutOfMemoryError e) {
                error = "the host ran out of memory while cooking; lower the node's counts or give the host more heap";
            } catch (RuntimeException | LinkageError e) {
                error = "the " + n.type + " node failed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                log.warn("node type '" + n.type + "' (" + reg.provider + ") failed cooking " + n.path, e);
            }
            millis = (System.nanoTime() - t0) / 1e6;
            if (error == null && ctx.publishKey != null && out == null) {
                error = "the cook produced no geometry to publish to '" + ctx.publishKey + "'";
            }
        }
        // The publish and the node's new state happen under one lock: a client that sees the output
        // key change (a watch event) and asks for the node then finds it cooked, never still dirty.
        // (The store calls its listeners inside put; the graph's own only queues the change.)
        synchronized (lock) {
            if (error == null && ctx != null && ctx.publishKey != null) {
                Long outer = CURRENT_WAVE.get();
                CURRENT_WAVE.set(wave);
                try {
                    published = store.put(ctx.publishKey, SessionValue.KIND_MESH, out.retainedBytes(), SessionValue.ofMesh(out),
                            SessionStore.ANY_VERSION);
                } catch (MeshportException e) {
                    error = "could not publish to '" + ctx.publishKey + "': " + e.getMessage();
                } finally {
                    CURRENT_WAVE.set(outer);
                }
            }
            String[] keys = new String[0];
            long[] versions = new long[0];
            if (ctx != null) {
                keys = ctx.keysRead.keySet().toArray(new String[0]);
                versions = new long[keys.length];
                for (int i = 0; i < keys.length; i++) {
                    versions[i] = ctx.keysRead.get(keys[i]);
                    if (published != null && keys[i].equals(published.key())) {
                        versions[i] = published.version(); // its own write does not make it out of date
                    }
                }
                warnings.addAll(ctx.warnings);
            }
            n.stamp = new Node.Stamp(revision, reg == null ? -1 : reg.serviceId, inputRevisions, keys, versions);
            n.error = error;
            n.warnings = List.copyOf(warnings);
            n.stats = ctx == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(ctx.stats));
            n.output = error == null ? out : null;
            n.outputRevision = ++outputRevisions;
            n.outputKey = published == null ? null : published.key();
            n.outputVersion = published == null ? 0 : published.version();
            n.lastWave = wave;
            if (ctx != null) {
                n.cookCount++;
                n.lastCookMillis = millis;
            }
        }
        return true;
    }

    /** @return true if nothing the node's last cook saw has changed (lock held) */
    private boolean upToDate(Node n, TypeRegistry.Registration reg, long[] inputRevisions) {
        Node.Stamp s = n.stamp;
        if (s == null || s.revision != n.revision || s.typeServiceId != (reg == null ? -1 : reg.serviceId)
                || !Arrays.equals(s.inputRevisions, inputRevisions)) {
            return false;
        }
        for (int i = 0; i < s.keys.length; i++) {
            if (store.get(s.keys[i]).map(SessionEntry::version).orElse(0L) != s.keyVersions[i]) {
                return false;
            }
        }
        return true;
    }

    /** @return true if the node and everything upstream of it are up to date (lock held) */
    private boolean fresh(Node n, int depth) {
        if (depth > MAX_NODES) {
            return false;
        }
        TypeRegistry.Registration reg = types.get(n.type);
        int count = reg != null ? reg.inputs : n.inputs.size();
        long[] revisions = new long[count];
        List<Node> upstream = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Node in = i < n.inputs.size() && n.inputs.get(i) != null ? nodes.get(n.inputs.get(i)) : null;
            revisions[i] = in == null ? -1 : in.outputRevision;
            if (in != null) {
                upstream.add(in);
            }
        }
        if (!upToDate(n, reg, revisions)) {
            return false;
        }
        for (Node in : upstream) {
            if (!fresh(in, depth + 1)) {
                return false;
            }
        }
        return true;
    }

    /** Called by the session store, under its write lock: hands the change to the auto-cook thread. */
    private void sessionChanged(SessionChange change) {
        if (closed) {
            return;
        }
        Long w = CURRENT_WAVE.get();
        long wave = w != null ? w : waves.incrementAndGet();
        try {
            autoCooker.execute(() -> autoCook(change.key(), change.version(), wave));
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void autoCook(String key, long version, long wave) {
        List<Node> targets = new ArrayList<>();
        synchronized (lock) {
            Set<Node> hit = new LinkedHashSet<>();
            for (Node n : nodes.values()) {
                if (n.autoCook && n.stamp != null && n.lastWave != wave) {
                    long seen = n.stamp.versionOf(key);
                    if (seen >= 0 && seen != version) {
                        hit.add(n);
                    }
                }
            }
            if (hit.isEmpty()) {
                return;
            }
            // Downstream of what was hit: nodes fed by them, with auto-cook on and cooked before.
            Map<String, List<Node>> readers = new HashMap<>();
            for (Node n : nodes.values()) {
                for (String p : n.inputs) {
                    if (p != null) {
                        readers.computeIfAbsent(p, k -> new ArrayList<>()).add(n);
                    }
                }
            }
            Deque<Node> todo = new ArrayDeque<>(hit);
            while (!todo.isEmpty()) {
                for (Node r : readers.getOrDefault(todo.pop().path, List.of())) {
                    if (r.autoCook && r.stamp != null && hit.add(r)) {
                        todo.push(r);
                    }
                }
            }
            targets.addAll(hit);
        }
        cookLock.lock();
        try {
            for (Node n : targets) {
                if (closed) {
                    return;
                }
                synchronized (lock) {
                    if (n.lastWave == wave) {
                        continue;
                    }
                }
                try {
                    if (cookTree(n, wave, 0)) {
                        synchronized (lock) {
                            log.info("auto-cooked " + n.path + " after '" + key + "' changed (version " + version + ")"
                                    + (n.error == null ? String.format(java.util.Locale.ROOT, " in %.1f ms", n.lastCookMillis)
                                            : ": " + n.error));
                        }
                    }
                } catch (RuntimeException e) {
                    log.error("auto-cook of " + n.path + " failed", e);
                }
            }
        } finally {
            cookLock.unlock();
        }
    }

    // ------------------------------------------------------------------ saving

    /**
     * Saves the graph after a change (the edit lock held), or undoes the change and throws: a change that
     * is not on disk is not acknowledged, and not kept.
     *
     * @param undo puts back what the change altered; run under the lock
     */
    private void persist(Runnable undo) {
        if (file == null) {
            return;
        }
        List<GraphFormat.Saved> saved = new ArrayList<>();
        synchronized (lock) {
            for (Node n : nodes.values()) {
                if (!n.path.equals("/") && !n.path.equals("/obj")) { // in every graph
                    saved.add(GraphFormat.Saved.of(n));
                }
            }
        }
        try {
            file.save(saved);
        } catch (IOException | RuntimeException e) {
            synchronized (lock) {
                undo.run();
            }
            String failure = file.failure(e);
            log.error(failure + ": the change was undone", null);
            throw new MeshportException(ErrorCode.CALL_FAILED, failure + ", so the change was not made", Map.of("file", file.path().toString()));
        }
    }

    /** Puts back the nodes of a save, which {@link GraphFormat} checked whole. */
    private void restore(GraphFile.Loaded loaded) {
        synchronized (lock) {
            for (GraphFormat.Saved s : loaded.nodes()) {
                nodes.put(s.path(), s.toNode());
            }
        }
        int count = loaded.nodes().size();
        if (loaded.source() != null) {
            log.info("restored " + count + " node" + (count == 1 ? "" : "s") + " from " + loaded.source());
        }
    }

    /** Stops auto-cooking, waiting a bounded time for a running cook. Every change is saved already. */
    void close() {
        closed = true;
        types.onChange(names -> { });
        subscription.close();
        autoCooker.shutdownNow();
        try {
            autoCooker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
