package io.meshport.listener.impl;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.meshport.protocol.ExportedService;
import io.meshport.support.Log;
import io.meshport.support.RankedServices;

/**
 * The services bundles export to remote callers ({@link ExportedService}), by name. Only the public
 * methods of the interfaces a service is registered under are callable; {@code Object}'s methods never
 * are. When two services export one name, the higher service ranking serves it. A call for a name whose
 * service just left waits a moment for its successor, unless its bundle was uninstalled ({@link Whiteboard}).
 */
final class ExportRegistry {
    static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.]{0,63}");

    /** One exported service and its callable methods, by name. */
    static final class Export {
        final String name;
        final Object service;
        final Map<String, List<Method>> methods;

        Export(String name, Object service, Map<String, List<Method>> methods) {
            this.name = name;
            this.service = service;
            this.methods = methods;
        }

        /** @return the callable method names, sorted */
        List<String> methodNames() {
            return new ArrayList<>(methods.keySet());
        }
    }

    private final Log log;
    private final Whiteboard<Export> exports;

    ExportRegistry(Log log) {
        this.log = log;
        this.exports = new Whiteboard<>("exported service", log);
    }

    /**
     * Adds an exported service.
     *
     * @param serviceId its service id
     * @param name the value of its {@value ExportedService#PROPERTY} property (may be anything)
     * @param ranking its service ranking
     * @param provider the bundle providing it, for people
     * @param service the service object
     * @param interfaces the interfaces it is registered under (classes among them are ignored)
     */
    void add(long serviceId, Object name, int ranking, String provider, Object service, List<Class<?>> interfaces) {
        add(serviceId, Whiteboard.NO_BUNDLE, name, ranking, provider, service, interfaces);
    }

    /** @param bundleId the id of the bundle providing it */
    void add(long serviceId, long bundleId, Object name, int ranking, String provider, Object service, List<Class<?>> interfaces) {
        if (!(name instanceof String) || !NAME.matcher((String) name).matches()) {
            log.warn("a service from " + provider + " exports the name " + (name == null ? "(none)" : "'" + name + "'")
                    + ", which is not a name callers can use (a letter, then letters, digits, _ or .); it is not exported", null);
            return;
        }
        Map<String, List<Method>> methods = new TreeMap<>();
        for (Class<?> type : interfaces) {
            if (!type.isInterface() || !type.isInstance(service)) {
                continue;
            }
            for (Method m : type.getMethods()) {
                if (!Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() != Object.class) {
                    // Loops, not lambdas: exports are read again as a freshly updated listener starts (see DaemonThreads).
                    List<Method> same = methods.get(m.getName());
                    if (same == null) {
                        same = new ArrayList<>();
                        methods.put(m.getName(), same);
                    }
                    if (!containsSignature(same, m)) {
                        same.add(m);
                    }
                }
            }
        }
        if (methods.isEmpty()) {
            log.warn("the service '" + name + "' from " + provider + " is registered under no interface with methods; nothing of it"
                    + " is callable, so it is not exported", null);
            return;
        }
        for (List<Method> l : methods.values()) {
            l.sort(FEWER_PARAMETERS_FIRST);
        }
        exports.add(new RankedServices.Entry<>(serviceId, (String) name, ranking, provider,
                new Export((String) name, service, Collections.unmodifiableMap(methods))), bundleId);
    }

    private static final java.util.Comparator<Method> FEWER_PARAMETERS_FIRST = new java.util.Comparator<Method>() {
        @Override
        public int compare(Method a, Method b) {
            return Integer.compare(a.getParameterCount(), b.getParameterCount());
        }
    };

    private static boolean containsSignature(List<Method> methods, Method m) {
        for (Method o : methods) {
            if (java.util.Arrays.equals(o.getParameterTypes(), m.getParameterTypes())) {
                return true;
            }
        }
        return false;
    }

    void remove(long serviceId) {
        exports.remove(serviceId);
    }

    /** @param bundleId the id of a bundle that was uninstalled: the names its services exported are not waited for */
    void uninstalled(long bundleId) {
        exports.uninstalled(bundleId);
    }

    /** @return the export serving a name, or null */
    Export get(String name) {
        RankedServices.Entry<Export> e = exports.get(name);
        return e == null ? null : e.value();
    }

    /** @return the export serving a name, waiting a moment when its bundle is being updated (not uninstalled); or null */
    Export await(String name) {
        RankedServices.Entry<Export> e = exports.await(name, CodecRegistry.SWAP_GRACE_MS);
        return e == null ? null : e.value();
    }

    /** @return the exported names, sorted */
    List<String> names() {
        return exports.names();
    }
}
