package io.meshport.web.impl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.meshport.node.CookResult;
import io.meshport.node.NodeGraph;
import io.meshport.node.NodeInfo;
import io.meshport.node.NodeTypeInfo;
import io.meshport.protocol.MeshportException;

/**
 * The node panel's API, a thin layer over {@link NodeGraph}: every check (names, types, parameter
 * values against their templates, wiring) is the graph's own, and its errors come back with their
 * code and message as they are.
 *
 * <ul>
 * <li>{@code GET /api/nodes}: {@code {available, types, nodes}}, every node of the graph with its
 * type, state, error, parameters and output key.</li>
 * <li>{@code POST /api/nodes/create {parent, type, name?}}, {@code /parm {path, name, value}},
 * {@code /cook {path}}, {@code /delete {path}}, {@code /autocook {path, on}}.</li>
 * </ul>
 * Errors: {@code NOT_FOUND} is 404, {@code BAD_ARGS} 400, {@code CALL_FAILED} (a cook failed) 409,
 * each with {@code {code, message}}; no node graph in the host is 503.
 */
public final class NodesServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** Nodes listed at most (the graph is walked from the top). */
    static final int MAX_NODES = 2000;

    private final transient Supplier<NodeGraph> graph;

    /** @param graph gives the node graph, or null while the host has none */
    public NodesServlet(Supplier<NodeGraph> graph) {
        this.graph = graph;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        NodeGraph g = graph.get();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("available", g != null);
        if (g == null) {
            m.put("message", "the host has no node graph (is the node runtime bundle deployed?)");
            Http.json(response, HttpServletResponse.SC_OK, m);
            return;
        }
        try {
            List<Object> types = new ArrayList<>();
            for (NodeTypeInfo t : g.types()) {
                types.add(t);
            }
            List<Object> nodes = new ArrayList<>();
            walk(g, "/", nodes);
            m.put("types", types);
            m.put("nodes", nodes);
            Http.json(response, HttpServletResponse.SC_OK, m);
        } catch (MeshportException e) {
            fail(response, e);
        }
    }

    private static void walk(NodeGraph g, String network, List<Object> out) {
        for (String child : g.children(network)) {
            if (out.size() >= MAX_NODES) {
                return;
            }
            NodeInfo n;
            try {
                n = g.node(child);
            } catch (MeshportException e) {
                continue; // deleted meanwhile
            }
            out.add(n);
            if (NodeGraph.NETWORK_TYPE.equals(n.type())) {
                walk(g, child, out);
            }
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        NodeGraph g = graph.get();
        if (g == null) {
            Http.refuse(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "UNAVAILABLE",
                    "the host has no node graph (is the node runtime bundle deployed?)");
            return;
        }
        String action = request.getPathInfo() == null ? "" : request.getPathInfo().replaceFirst("^/", "");
        Map<?, ?> body;
        try {
            Object v = Http.readJson(request.getInputStream());
            if (!(v instanceof Map)) {
                throw new IllegalArgumentException("the request body must be a JSON object");
            }
            body = (Map<?, ?>) v;
        } catch (IllegalArgumentException e) {
            // a body too large is left unread
            Http.refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, "BAD_ARGS", e.getMessage());
            return;
        }
        try {
            Object result;
            switch (action) {
                case "create":
                    result = Map.of("path", g.create(text(body, "parent"), text(body, "type"), optionalText(body, "name")));
                    break;
                case "parm": {
                    String path = text(body, "path");
                    String name = text(body, "name");
                    if (!body.containsKey("value")) {
                        throw new IllegalArgumentException("'value' is missing");
                    }
                    g.setParm(path, name, body.get("value"));
                    result = g.node(path);
                    break;
                }
                case "cook": {
                    CookResult r = g.cook(text(body, "path"));
                    result = r;
                    break;
                }
                case "delete":
                    g.delete(text(body, "path"));
                    result = Map.of("deleted", text(body, "path"));
                    break;
                case "autocook": {
                    Object on = body.get("on");
                    if (!(on instanceof Boolean)) {
                        throw new IllegalArgumentException("'on' must be true or false");
                    }
                    g.setAutoCook(text(body, "path"), (Boolean) on);
                    result = g.node(text(body, "path"));
                    break;
                }
                default:
                    Http.error(response, HttpServletResponse.SC_NOT_FOUND, "NOT_FOUND",
                            "no node action '" + action + "'; there are create, parm, cook, delete, autocook");
                    return;
            }
            Http.json(response, HttpServletResponse.SC_OK, result);
        } catch (MeshportException e) {
            fail(response, e);
        } catch (IllegalArgumentException e) {
            Http.error(response, HttpServletResponse.SC_BAD_REQUEST, "BAD_ARGS", e.getMessage());
        }
    }

    private static void fail(HttpServletResponse response, MeshportException e) throws IOException {
        int status;
        switch (e.code()) {
            case NOT_FOUND:
                status = HttpServletResponse.SC_NOT_FOUND;
                break;
            case CALL_FAILED:
                status = HttpServletResponse.SC_CONFLICT;
                break;
            default:
                status = HttpServletResponse.SC_BAD_REQUEST;
        }
        Http.error(response, status, e.code().name(), e.getMessage());
    }

    private static String text(Map<?, ?> body, String name) {
        Object v = body.get(name);
        if (!(v instanceof String) || ((String) v).isEmpty()) {
            throw new IllegalArgumentException("'" + name + "' must be non-empty text");
        }
        return (String) v;
    }

    private static String optionalText(Map<?, ?> body, String name) {
        Object v = body.get(name);
        return v instanceof String && !((String) v).isEmpty() ? (String) v : null;
    }
}
