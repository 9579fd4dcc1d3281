package io.meshport.node.impl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import org.joml.Vector3f;

import io.meshport.mesh.Mesh;
import io.meshport.node.CookContext;
import io.meshport.node.CookException;
import io.meshport.node.ParmTemplate;
import io.meshport.node.ParmType;
import io.meshport.protocol.Protocol;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionStore;
import io.meshport.session.SessionValue;

/** The context of one cook; records the session keys read, the key to publish to, warnings and figures. */
final class CookContextImpl implements CookContext {
    private final String path;
    private final Map<String, ParmTemplate> templates;
    private final Map<String, Object> values;
    private final Mesh[] inputs;
    private final SessionStore store;
    private final BooleanSupplier cancelled;
    final Map<String, Long> keysRead = new LinkedHashMap<>();
    final List<String> warnings = new ArrayList<>();
    final Map<String, Object> stats = new LinkedHashMap<>();
    String publishKey;

    CookContextImpl(String path, Map<String, ParmTemplate> templates, Map<String, Object> values, Mesh[] inputs,
            SessionStore store, BooleanSupplier cancelled) {
        this.path = path;
        this.templates = templates;
        this.values = values;
        this.inputs = inputs;
        this.store = store;
        this.cancelled = cancelled;
    }

    @Override
    public String path() {
        return path;
    }

    private Object value(String name, ParmType... types) {
        ParmTemplate t = templates.get(name);
        if (t == null) {
            throw new IllegalArgumentException("node " + path + " has no parameter '" + name + "'");
        }
        for (ParmType type : types) {
            if (t.type() == type) {
                return values.get(name);
            }
        }
        throw new IllegalArgumentException("parameter '" + name + "' of " + path + " is a " + t.type().wireName() + " parameter");
    }

    @Override
    public Object parm(String name) {
        return value(name, ParmType.values());
    }

    @Override
    public long intParm(String name) {
        return (Long) value(name, ParmType.INT);
    }

    @Override
    public double floatParm(String name) {
        return ((Number) value(name, ParmType.FLOAT, ParmType.INT)).doubleValue();
    }

    @Override
    public String textParm(String name) {
        return (String) value(name, ParmType.TEXT, ParmType.MENU);
    }

    @Override
    public boolean toggleParm(String name) {
        return (Boolean) value(name, ParmType.TOGGLE);
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<Double> vectorParm(String name) {
        return (List<Double>) value(name, ParmType.VECTOR);
    }

    @Override
    public Vector3f vectorParm(String name, Vector3f dest) {
        List<Double> v = vectorParm(name);
        return dest.set(v.get(0).floatValue(), v.get(1).floatValue(), v.size() > 2 ? v.get(2).floatValue() : 0f);
    }

    @Override
    public int inputCount() {
        return inputs.length;
    }

    @Override
    public Mesh input(int index) {
        if (index < 0 || index >= inputs.length) {
            throw new IndexOutOfBoundsException("node " + path + " has " + inputs.length + " inputs, not an input " + index);
        }
        return inputs[index];
    }

    private static void checkKey(String key, String what) {
        String problem = Protocol.keyProblem(key);
        if (problem != null) {
            throw new CookException(what + ": " + problem);
        }
    }

    @Override
    public Optional<SessionEntry> session(String key) {
        checkKey(key, "session key '" + key + "'");
        Optional<SessionEntry> e = store.get(key);
        keysRead.put(key, e.map(SessionEntry::version).orElse(0L));
        return e;
    }

    @Override
    public Mesh sessionMesh(String key, String parmName) {
        String what = parmName == null ? "session key '" + key + "'" : "parameter '" + parmName + "'";
        if (key == null || key.isEmpty()) {
            throw new CookException(what + ": no session key given");
        }
        checkKey(key, what);
        SessionEntry e = session(key).orElseThrow(() -> new CookException(what + ": no key '" + key + "' in the session"));
        if (!SessionValue.KIND_MESH.equals(e.kind())) {
            throw new CookException(what + ": '" + key + "' holds a " + e.kind() + " value, not a mesh");
        }
        return e.value().value(Mesh.class);
    }

    @Override
    public void publish(String key) {
        checkKey(key, "output key '" + key + "'");
        publishKey = key;
    }

    @Override
    public void warning(String message) {
        if (message != null && warnings.size() < 100) {
            warnings.add(message);
        }
    }

    @Override
    public void stat(String name, Object value) {
        if (name != null && (value instanceof Number || value instanceof String || value instanceof Boolean)) {
            stats.put(name, value);
        }
    }

    @Override
    public boolean cancelled() {
        return cancelled.getAsBoolean();
    }
}
