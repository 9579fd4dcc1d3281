package io.meshport.node.impl;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.meshport.node.CookResult;
import io.meshport.node.NodeGraph;
import io.meshport.node.NodeInfo;
import io.meshport.node.NodeTypeInfo;
import io.meshport.node.ParmTemplate;
import io.meshport.protocol.MeshportException;

/**
 * Gogo shell commands of the node graph, scope {@code node}: {@code node:types}, {@code node:ls},
 * {@code node:create}, {@code node:set}, {@code node:get}, {@code node:wire}, {@code node:cook},
 * {@code node:info}, {@code node:autocook}, {@code node:rm}. Each prints a short text; a failure prints
 * its error code and message instead of a stack trace.
 */
@Component(service = NodeCommands.class, property = {"osgi.command.scope=node",
        "osgi.command.function=types", "osgi.command.function=ls", "osgi.command.function=create",
        "osgi.command.function=set", "osgi.command.function=get", "osgi.command.function=wire",
        "osgi.command.function=cook", "osgi.command.function=info", "osgi.command.function=autocook",
        "osgi.command.function=rm"})
public final class NodeCommands {
    @Reference
    private NodeGraph graph;

    /** Creates the commands over a graph (the component gets its graph injected). */
    public NodeCommands() {
    }

    NodeCommands(NodeGraph graph) {
        this.graph = graph;
    }

    private interface Action {
        String run();
    }

    private static String guarded(Action a) {
        try {
            return a.run();
        } catch (MeshportException e) {
            return e.code() + ": " + e.getMessage();
        }
    }

    /** @return the node types with their parameters */
    public String types() {
        return guarded(() -> {
            StringBuilder s = new StringBuilder();
            for (NodeTypeInfo t : graph.types()) {
                s.append(t.type()).append(" - ").append(t.description());
                if (t.inputs() > 0) {
                    s.append(" (").append(t.inputs()).append(t.inputs() == 1 ? " input)" : " inputs)");
                }
                s.append("   [").append(t.provider()).append("]\n");
                for (ParmTemplate p : t.parms()) {
                    s.append("    ").append(p).append('\n');
                }
            }
            return s.toString();
        });
    }

    /** @return every node, with its type and state */
    public String ls() {
        return ls("/");
    }

    /**
     * @param path a network
     * @return the nodes under it, recursively, with their type and state
     */
    public String ls(String path) {
        return guarded(() -> {
            StringBuilder s = new StringBuilder();
            list(path, 0, s);
            return s.length() == 0 ? "(no nodes under " + path + ")" : s.toString();
        });
    }

    private void list(String path, int depth, StringBuilder s) {
        for (String child : graph.children(path)) {
            NodeInfo n = graph.node(child);
            s.append("  ".repeat(depth)).append(child).append("  ").append(n.type());
            if (!NodeGraph.NETWORK_TYPE.equals(n.type())) {
                s.append("  ").append(n.state().name().toLowerCase(Locale.ROOT));
                if (n.error() != null) {
                    s.append(": ").append(n.error());
                }
            }
            s.append('\n');
            if (NodeGraph.NETWORK_TYPE.equals(n.type())) {
                list(child, depth + 1, s);
            }
        }
    }

    /**
     * @param parent a network
     * @param type a node type
     * @return the new node's path
     */
    public String create(String parent, String type) {
        return guarded(() -> graph.create(parent, type, null));
    }

    /**
     * @param parent a network
     * @param type a node type
     * @param name the new node's name
     * @return the new node's path
     */
    public String create(String parent, String type, String name) {
        return guarded(() -> graph.create(parent, type, name));
    }

    /**
     * @param path a node
     * @param parm a parameter
     * @param value its new value as text (vectors as {@code 1,2,3}, toggles as on or off)
     * @return the value now held
     */
    public String set(String path, String parm, String value) {
        return guarded(() -> {
            String type = graph.node(path).type();
            ParmTemplate template = null;
            for (NodeTypeInfo t : graph.types()) {
                if (t.type().equals(type)) {
                    template = t.parms().stream().filter(p -> p.name().equals(parm)).findFirst().orElse(null);
                }
            }
            Object v = value;
            if (template != null) { // else setParm names what is wrong (unavailable type, unknown parameter)
                try {
                    v = ParmValues.parse(template, value);
                } catch (IllegalArgumentException e) {
                    return "BAD_ARGS: " + path + ": " + e.getMessage();
                }
            }
            graph.setParm(path, parm, v);
            return parm + " = " + graph.parm(path, parm);
        });
    }

    /**
     * @param path a node
     * @param parm a parameter
     * @return its value
     */
    public String get(String path, String parm) {
        return guarded(() -> String.valueOf(graph.parm(path, parm)));
    }

    /**
     * @param path a node
     * @param input an input number
     * @param source the node to wire into it, or {@code -} to disconnect it
     * @return what was done
     */
    public String wire(String path, int input, String source) {
        return guarded(() -> {
            boolean off = "-".equals(source);
            graph.setInput(path, input, off ? null : source);
            return off ? path + " input " + input + " disconnected" : source + " -> " + path + " input " + input;
        });
    }

    /**
     * @param path a node
     * @return what the cook did
     */
    public String cook(String path) {
        return guarded(() -> {
            CookResult r = graph.cook(path);
            StringBuilder s = new StringBuilder(r.path());
            s.append(r.recooked() ? String.format(Locale.ROOT, " cooked in %.1f ms: ", r.millis()) : " was up to date: ");
            s.append(r.points()).append(" points, ").append(r.faces()).append(" faces");
            if (r.outputKey() != null) {
                s.append(", published to ").append(r.outputKey()).append(" (version ").append(r.outputVersion()).append(')');
            }
            for (Map.Entry<String, Object> e : r.stats().entrySet()) {
                s.append("\n  ").append(e.getKey()).append(" = ").append(e.getValue());
            }
            for (String w : r.warnings()) {
                s.append("\n  warning: ").append(w);
            }
            return s.toString();
        });
    }

    /**
     * @param path a node
     * @return its state, error, parameters, inputs and last cook
     */
    public String info(String path) {
        return guarded(() -> {
            NodeInfo n = graph.node(path);
            StringBuilder s = new StringBuilder();
            s.append(n.path()).append("  ").append(n.type()).append("  ").append(n.state().name().toLowerCase(Locale.ROOT)).append('\n');
            if (n.error() != null) {
                s.append("  error: ").append(n.error()).append('\n');
            }
            for (String w : n.warnings()) {
                s.append("  warning: ").append(w).append('\n');
            }
            for (Map.Entry<String, Object> e : n.parms().entrySet()) {
                s.append("  ").append(e.getKey()).append(" = ").append(e.getValue()).append('\n');
            }
            List<String> inputs = n.inputs();
            for (int i = 0; i < inputs.size(); i++) {
                s.append("  input ").append(i).append(": ").append(inputs.get(i) == null ? "-" : inputs.get(i)).append('\n');
            }
            s.append("  auto-cook ").append(n.autoCook() ? "on" : "off").append(", cooked ").append(n.cookCount()).append(" times");
            if (n.cookCount() > 0) {
                s.append(String.format(Locale.ROOT, ", last in %.1f ms", n.lastCookMillis()));
            }
            s.append('\n');
            if (!n.sessionKeys().isEmpty()) {
                s.append("  reads ").append(n.sessionKeys()).append('\n');
            }
            if (n.outputKey() != null) {
                s.append("  published to ").append(n.outputKey()).append(" (version ").append(n.outputVersion()).append(")\n");
            }
            for (Map.Entry<String, Object> e : n.stats().entrySet()) {
                s.append("  ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
            }
            return s.toString();
        });
    }

    /**
     * @param path a node
     * @param onOff {@code on} or {@code off}
     * @return the setting now
     */
    public String autocook(String path, String onOff) {
        return guarded(() -> {
            boolean on = switch (onOff.toLowerCase(Locale.ROOT)) {
                case "on", "true", "1" -> true;
                case "off", "false", "0" -> false;
                default -> throw new MeshportException(io.meshport.protocol.ErrorCode.BAD_ARGS, "on or off expected, not '" + onOff + "'");
            };
            graph.setAutoCook(path, on);
            return path + " auto-cook " + (on ? "on" : "off");
        });
    }

    /**
     * @param path a node
     * @return what was deleted
     */
    public String rm(String path) {
        return guarded(() -> {
            graph.delete(path);
            return "deleted " + path;
        });
    }
}
