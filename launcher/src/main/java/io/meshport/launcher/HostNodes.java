package io.meshport.launcher;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The node graph of an {@link EmbeddedHost}, driven from the launcher (the demo) and the benchmarks.
 * The launcher's class path has its own copy of the API, which is not the class space the host's
 * bundles see, so the graph's methods are called by name and records come back as maps of their
 * components. (Remote programs use the protocol instead; this is for in-process tools.)
 */
public final class HostNodes {
    private static final String NODE_GRAPH = "io.meshport.node.NodeGraph";
    private final BundleContext context;

    /** @param host a running host */
    public HostNodes(EmbeddedHost host) {
        this.context = host.framework().getBundleContext();
    }

    /**
     * Waits for the graph to offer a node type.
     *
     * @param type the type name
     * @param timeoutMs how long to wait
     * @return true if it is there
     */
    public boolean awaitType(String type, long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < end) {
            try {
                for (Object t : (List<?>) call("types")) {
                    if (type.equals(components(t).get("type"))) {
                        return true;
                    }
                }
            } catch (IllegalStateException e) {
                // the graph is not there yet
            }
            Thread.sleep(20);
        }
        return false;
    }

    /**
     * Calls a method of the node graph.
     *
     * @param method the method's name (the graph has no overloads)
     * @param args its arguments
     * @return what it returned; records as maps of their components
     * @throws IllegalStateException when there is no graph, or the call failed (with its message)
     */
    public Object call(String method, Object... args) {
        ServiceReference<?>[] refs;
        try {
            refs = context.getAllServiceReferences(NODE_GRAPH, null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (refs == null || refs.length == 0) {
            throw new IllegalStateException("the host has no node graph (is the node runtime bundle deployed?)");
        }
        Object graph = context.getService(refs[0]);
        try {
            Class<?> api = refs[0].getBundle().loadClass(NODE_GRAPH);
            for (Method m : api.getMethods()) {
                if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                    Object r = m.invoke(graph, args);
                    return r != null && r.getClass().isRecord() ? components(r) : r;
                }
            }
            throw new IllegalStateException("the node graph has no method " + method + " with " + args.length + " arguments");
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new IllegalStateException(cause.getMessage(), cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call the node graph: " + e, e);
        } finally {
            context.ungetService(refs[0]);
        }
    }

    /** @return the components of a record by name */
    public static Map<String, Object> components(Object record) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            for (java.lang.reflect.RecordComponent c : record.getClass().getRecordComponents()) {
                out.put(c.getName(), c.getAccessor().invoke(record));
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
