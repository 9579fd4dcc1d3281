package io.meshport.node.impl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import io.meshport.node.NodeGraph;
import io.meshport.node.NodeType;
import io.meshport.node.NodeTypeInfo;
import io.meshport.node.ParmTemplate;
import io.meshport.support.Log;
import io.meshport.support.RankedServices;

/**
 * The node types on the whiteboard, by name ({@link RankedServices}: the highest ranking serves a name
 * claimed twice). Each service is asked once, when it comes, for its description and parameters, and
 * one whose name or parameter list is unusable is logged and ignored. The graph is told which names
 * changed hands.
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

        NodeTypeInfo info() {
            return new NodeTypeInfo(name, description, parms, inputs, provider);
        }
    }

    private final Log log;
    private final RankedServices<Registration> types;
    private volatile Consumer<Set<String>> onChange = names -> { };

    TypeRegistry(Log log) {
        this.log = log;
        this.types = new RankedServices<>("node type", log);
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
        notify(types.add(new RankedServices.Entry<>(serviceId, r.name, ranking, provider, r)));
    }

    void remove(long serviceId) {
        notify(types.remove(serviceId));
    }

    private void notify(Set<String> changed) {
        if (!changed.isEmpty()) {
            onChange.accept(changed);
        }
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

    /** @return the registration serving a type name, or null */
    Registration get(String name) {
        RankedServices.Entry<Registration> e = types.get(name);
        return e == null ? null : e.value();
    }

    /** @return the registrations serving each name, sorted by name */
    List<Registration> all() {
        List<Registration> out = new ArrayList<>();
        for (RankedServices.Entry<Registration> e : types.all()) {
            out.add(e.value());
        }
        return out;
    }
}
