package io.meshport.node.impl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import io.meshport.mesh.Mesh;
import io.meshport.node.CookException;
import io.meshport.node.CookResult;
import io.meshport.node.ParmTemplate;
import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;
import io.meshport.support.Log;

/**
 * Cooks a node and what feeds its inputs, when something it saw changed, and publishes its output.
 *
 * <p>Caching is by validation, not by dirty flags: a cook records a {@link Node.Stamp} of what it saw
 * (the node's revision, the type service, each input's output revision, each session key's version),
 * and the node is up to date while all of those still hold. Nothing has to be notified for a node to
 * know it is out of date, so no notification can be lost.
 *
 * <p>Waves: every cook belongs to a wave, a number; a caller's cook starts one, and the session writes
 * a cook makes carry its wave (see {@link #waveOfChange}), so the auto-cooker can cook a node at most
 * once per wave.
 *
 * <p>Locking: cooks run one at a time, under the cook lock (a caller's cook, or a whole wave of the
 * auto-cooker's, see {@link #exclusively}), and outside the graph lock, which each cook takes only for
 * short steps: to read what to cook, to check the stamp, and to publish and record the result in one
 * step (so a client that sees the output key change finds the node cooked). The cook lock is taken
 * before the graph lock, never inside it; the counter of output revisions is guarded by the graph lock.
 */
final class Cooker {
    /** The wave a thread's cook belongs to, so that the session writes it makes carry it. */
    private static final ThreadLocal<Long> CURRENT_WAVE = new ThreadLocal<>();

    private final GraphModel model;
    private final SessionStore store;
    private final TypeRegistry types;
    private final Log log;
    private final ReentrantLock cookLock = new ReentrantLock();
    private final AtomicLong waves = new AtomicLong();
    private long outputRevisions; // guarded by the graph lock
    private volatile boolean stopping;

    /** What running a node type's cook gave: its output or error, its context (null if it did not run), its time. */
    private record Outcome(Mesh out, String error, CookContextImpl ctx, double millis) {
        static Outcome failed(String error) {
            return new Outcome(null, error, null, 0);
        }
    }

    /**
     * @param model the graph
     * @param store the session: read by cooks, written by publishes
     * @param types the node types on the whiteboard
     * @param log where to report
     */
    Cooker(GraphModel model, SessionStore store, TypeRegistry types, Log log) {
        this.model = model;
        this.store = store;
        this.types = types;
        this.log = log;
    }

    /** Cooks a node for a caller, in a wave of its own. @return what it gave; CALL_FAILED when it failed */
    CookResult cook(String path) {
        Node n;
        synchronized (model.lock) {
            n = model.requireLeaf(path);
        }
        long wave = waves.incrementAndGet();
        boolean recooked;
        cookLock.lock();
        try {
            recooked = cookTree(n, wave);
        } finally {
            cookLock.unlock();
        }
        synchronized (model.lock) {
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

    /** Runs cooks (calls of {@link #cookTree}) while no other cook runs. */
    void exclusively(Runnable cooks) {
        cookLock.lock();
        try {
            cooks.run();
        } finally {
            cookLock.unlock();
        }
    }

    /**
     * @return the wave of a session change being made now: the wave of the cook publishing it on this
     *         thread, or a new wave (a client's write)
     */
    long waveOfChange() {
        Long w = CURRENT_WAVE.get();
        return w != null ? w : waves.incrementAndGet();
    }

    /** Tells running and later cooks that the host is stopping ({@code CookContext.cancelled()}). */
    void stop() {
        stopping = true;
    }

    /** @return true once {@link #stop} was called */
    boolean stopping() {
        return stopping;
    }

    /**
     * Cooks the inputs of a node, then the node if it is out of date. Cook lock held.
     *
     * @return true if the node itself cooked
     */
    boolean cookTree(Node n, long wave) {
        return cookTree(n, wave, 0);
    }

    private boolean cookTree(Node n, long wave, int depth) {
        if (depth > GraphModel.MAX_NODES) {
            throw new IllegalStateException("inputs nested deeper than the graph has nodes at " + n.path);
        }
        TypeRegistry.Registration reg;
        String[] inputPaths;
        synchronized (model.lock) {
            if (model.get(n.path) != n) {
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
        String inputError = cookInputs(inputPaths, wave, depth, inputs, inputRevisions);
        long revision;
        List<String> warnings = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        synchronized (model.lock) {
            if (upToDate(n, reg, inputRevisions)) {
                return false;
            }
            revision = n.revision;
            if (reg != null) {
                for (ParmTemplate t : reg.parms) {
                    values.put(t.name(), GraphModel.effective(n, t, warnings));
                }
            }
        }
        Outcome outcome = reg == null ? Outcome.failed(GraphModel.unavailable(n.type))
                : inputError != null ? Outcome.failed(inputError) : run(n, reg, values, inputs);
        record(n, reg, wave, revision, inputRevisions, warnings, outcome);
        return true;
    }

    /**
     * Cooks the nodes wired into the inputs, and fills in their outputs and output revisions (-1 where
     * nothing is wired). Cook lock held.
     *
     * @return why the inputs keep the node from cooking, or null
     */
    private String cookInputs(String[] inputPaths, long wave, int depth, Mesh[] inputs, long[] inputRevisions) {
        String inputError = null;
        for (int i = 0; i < inputPaths.length; i++) {
            inputRevisions[i] = -1;
            if (inputPaths[i] == null) {
                continue;
            }
            Node in;
            synchronized (model.lock) {
                in = model.get(inputPaths[i]);
            }
            if (in == null) {
                inputError = inputError != null ? inputError : "input " + i + " (" + inputPaths[i] + ") no longer exists";
                continue;
            }
            cookTree(in, wave, depth + 1);
            synchronized (model.lock) {
                inputs[i] = in.output;
                inputRevisions[i] = in.outputRevision;
                if (in.error != null && inputError == null) {
                    inputError = "input " + i + " (" + in.path + ") failed: " + in.error;
                } else if (in.output == null && inputError == null) {
                    inputError = "input " + i + " (" + in.path + ") has no output";
                }
            }
        }
        return inputError;
    }

    /** Runs the node type's cook, outside the graph lock, catching whatever it throws. */
    private Outcome run(Node n, TypeRegistry.Registration reg, Map<String, Object> values, Mesh[] inputs) {
        String error = null;
        Mesh out = null;
        CookContextImpl ctx = new CookContextImpl(n.path, reg.parmsByName, values, inputs, store, this::stopping);
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
        double millis = (System.nanoTime() - t0) / 1e6;
        if (error == null && ctx.publishKey != null && out == null) {
            error = "the cook produced no geometry to publish to '" + ctx.publishKey + "'";
        }
        return new Outcome(out, error, ctx, millis);
    }

    /**
     * Publishes the output where the cook asked to, and records the cook in the node, in one step under
     * the graph lock: a client that sees the output key change (a watch event) and asks for the node then
     * finds it cooked, never still dirty. (The store calls its listeners inside put; the auto-cooker's
     * only queues the change.)
     *
     * @param revision the node's revision the cook saw
     * @param inputRevisions the output revision of each input the cook saw
     */
    private void record(Node n, TypeRegistry.Registration reg, long wave, long revision, long[] inputRevisions, List<String> warnings,
            Outcome o) {
        String error = o.error();
        CookContextImpl ctx = o.ctx();
        SessionEntry published = null;
        synchronized (model.lock) {
            if (error == null && ctx != null && ctx.publishKey != null) {
                Long outer = CURRENT_WAVE.get();
                CURRENT_WAVE.set(wave);
                try {
                    published = store.put(ctx.publishKey, SessionValue.KIND_MESH, o.out().retainedBytes(), SessionValue.ofMesh(o.out()),
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
            n.output = error == null ? o.out() : null;
            n.outputRevision = ++outputRevisions;
            n.outputKey = published == null ? null : published.key();
            n.outputVersion = published == null ? 0 : published.version();
            n.lastWave = wave;
            if (ctx != null) {
                n.cookCount++;
                n.lastCookMillis = o.millis();
            }
        }
    }

    /** @return true if nothing the node's last cook saw has changed (graph lock held) */
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

    /** @return true if the node and everything upstream of it are up to date (graph lock held) */
    boolean fresh(Node n) {
        return fresh(n, 0);
    }

    private boolean fresh(Node n, int depth) {
        if (depth > GraphModel.MAX_NODES) {
            return false;
        }
        TypeRegistry.Registration reg = types.get(n.type);
        int count = reg != null ? reg.inputs : n.inputs.size();
        long[] revisions = new long[count];
        List<Node> upstream = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Node in = i < n.inputs.size() && n.inputs.get(i) != null ? model.get(n.inputs.get(i)) : null;
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
}
