package io.meshport.nodes.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import io.meshport.node.NodeGraph;
import io.meshport.node.NodeType;
import io.meshport.node.NodeTypeInfo;
import io.meshport.node.ParmTemplate;

/**
 * The node types on the whiteboard, by name. When several services claim one name, the highest
 * service ranking serves it (then the oldest service), and the conflict is logged. A service whose
 * name or parameter list is unusable is logged and ignored. Lookups read an immutable snapshot;
 * registrations rebuild it and tell the graph which names changed hands.
 */
final class TypeRegistry {
    static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

    /** One usable node type service, with what it said about itself when it came. */
    static final class Registration {
        final long serviceId;
        final String name;
        final int ranking;
        final String provider;
        final NodeType type;
        final String description;
        final List<ParmTemplate> parms;
        final Map<String, ParmTemplate> parmsByName;
        final int inputs;

        private Registration(long serviceId, String name, int ranking, String provider, NodeType type, String description,
                List<ParmTemplate> parms, int inputs) {
            this.serviceId = serviceId;
            this.name = name;
            this.ranking = ranking;
            this.provider = provider;
            this.type = type;
            this.description = description;
            this.parms = parms;
            Map<String, ParmTemplate> m = new LinkedHashMap<>();
            for (ParmTemplate p : parms) {
                m.put(p.name(), p);
            }
            this.parmsByName = Collections.unmodifiableMap(m);
            this.inputs = inputs;
        }

        boolean beats(Registration o) {
            return ranking != o.ranking ? ranking > o.ranking : serviceId < o.serviceId;
        }

        NodeTypeInfo info() {
            return new NodeTypeInfo(name, description, parms, inputs, provider);
        }
    }

    private final GraphLog log;
    private final Map<Long, Registration> registrations = new HashMap<>();
    private volatile Map<String, Registration> byName = Collections.emptyMap();
    private volatile Consumer<Set<String>> onChange = names -> { };

    TypeRegistry(GraphLog log) {
        this.log = log;
    }

    /** @param listener told the names whose serving registration changed, after each change */
    void onChange(Consumer<Set<String>> listener) {
        this.onChange = listener;
    }

    /**
     * Adds a node type service, asking it for its description and parameters once.
     *
     * @param serviceId its service id
     * @param name the value of its {@value NodeType#NAME} property (may be anything)
     * @param ranking its service ranking
     * @param provider the bundle providing it, for people
     * @param type the service
     */
    void add(long serviceId, Object name, int ranking, String provider, NodeType type) {
        Registration r;
        try {
            r = check(serviceId, name, ranking, provider, type);
        } catch (RuntimeException e) {
            log.warn("a node type service from " + provider + " is ignored: " + e.getMessage(), null);
            return;
        }
        Set<String> changed;
        synchronized (this) {
            registrations.put(serviceId, r);
            changed = rebuild();
        }
        onChange.accept(changed);
    }

    void remove(long serviceId) {
        Set<String> changed;
        synchronized (this) {
            if (registrations.remove(serviceId) == null) {
                return;
            }
            changed = rebuild();
        }
        onChange.accept(changed);
    }

    private static Registration check(long serviceId, Object name, int ranking, String provider, NodeType type) {
        if (!(name instanceof String) || !TYPE_NAME.matcher((String) name).matches()) {
            throw new IllegalArgumentException("its " + NodeType.NAME + " property is " + (name == null ? "missing" : "'" + name + "'")
                    + "; a type name is a letter, then up to 63 letters, digits or _");
        }
        if (NodeGraph.NETWORK_TYPE.equals(name)) {
            throw new IllegalArgumentException("the type name '" + name + "' is the graph's own");
        }
        List<ParmTemplate> parms = List.copyOf(type.parms());
        Set<String> seen = new HashSet<>();
        for (ParmTemplate p : parms) {
            if (!seen.add(p.name())) {
                throw new IllegalArgumentException("type '" + name + "' declares the parameter '" + p.name() + "' twice");
            }
        }
        int inputs = type.inputs();
        if (inputs < 0 || inputs > 64) {
            throw new IllegalArgumentException("type '" + name + "' declares " + inputs + " inputs; 0 to 64 are allowed");
        }
        String description = type.description();
        return new Registration(serviceId, (String) name, ranking, provider, type, description == null ? "" : description, parms, inputs);
    }

    private Set<String> rebuild() {
        Map<String, Registration> winners = new TreeMap<>();
        Map<String, List<Registration>> claims = new HashMap<>();
        for (Registration r : registrations.values()) {
            claims.computeIfAbsent(r.name, k -> new ArrayList<>()).add(r);
            Registration w = winners.get(r.name);
            if (w == null || r.beats(w)) {
                winners.put(r.name, r);
            }
        }
        for (Map.Entry<String, List<Registration>> e : claims.entrySet()) {
            if (e.getValue().size() > 1) {
                Registration w = winners.get(e.getKey());
                StringBuilder s = new StringBuilder("node type '" + e.getKey() + "' is claimed by ");
                for (Registration r : e.getValue()) {
                    s.append(r.provider).append(" (ranking ").append(r.ranking).append(", service ").append(r.serviceId).append("), ");
                }
                s.append("the one from ").append(w.provider).append(" with ranking ").append(w.ranking).append(" serves it");
                log.warn(s.toString(), null);
            }
        }
        Map<String, Registration> old = byName;
        Set<String> changed = new HashSet<>();
        for (String n : old.keySet()) {
            if (winners.get(n) != old.get(n)) {
                changed.add(n);
            }
        }
        for (String n : winners.keySet()) {
            if (old.get(n) != winners.get(n)) {
                changed.add(n);
            }
        }
        byName = Collections.unmodifiableMap(winners);
        return changed;
    }

    /** @return the registration serving a type name, or null */
    Registration get(String name) {
        return byName.get(name);
    }

    /** @return the registrations serving each name, sorted by name */
    List<Registration> all() {
        return new ArrayList<>(byName.values());
    }
}
