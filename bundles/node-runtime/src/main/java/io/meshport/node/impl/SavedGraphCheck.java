package io.meshport.node.impl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.meshport.node.NodeGraph;

/**
 * The rules of the graph that a save must follow as a whole, since the graph itself never lets them be
 * broken: node paths made of valid names, each node saved once, in a network that is there, networks
 * without inputs or parameters, inputs wired to other nodes of the save that have an output, and no
 * cycle. A save that breaks one is damaged (or edited by hand) and is not loaded at all.
 */
final class SavedGraphCheck {
    private SavedGraphCheck() {
    }

    /**
     * @param nodes a save's nodes, sorted by path
     * @throws GraphFormat.DamagedException naming the first node that breaks a rule
     */
    static void check(List<GraphFormat.Saved> nodes) throws GraphFormat.DamagedException {
        Map<String, GraphFormat.Saved> byPath = new HashMap<>();
        for (GraphFormat.Saved s : nodes) {
            if (!isPath(s.path())) {
                throw new GraphFormat.DamagedException("node '" + s.path() + "': not a node path (names of a letter or _ then up to 63"
                        + " letters, digits or _, each after a /)");
            }
            if (s.path().equals("/obj")) {
                throw new GraphFormat.DamagedException("node /obj: it is part of every graph and never saved");
            }
            if (byPath.put(s.path(), s) != null) {
                throw new GraphFormat.DamagedException("node " + s.path() + " is saved twice");
            }
            boolean network = NodeGraph.NETWORK_TYPE.equals(s.type());
            if (!network && !TypeRegistry.TYPE_NAME.matcher(s.type()).matches()) {
                throw new GraphFormat.DamagedException("node " + s.path() + ": '" + s.type() + "' is not a type name");
            }
            if (network && (!s.inputs().isEmpty() || !s.parms().isEmpty())) {
                throw new GraphFormat.DamagedException("node " + s.path() + ": a network has no inputs or parameters, yet it has some");
            }
        }
        for (GraphFormat.Saved s : nodes) {
            String parent = s.path().substring(0, Math.max(1, s.path().lastIndexOf('/')));
            GraphFormat.Saved p = byPath.get(parent);
            if (!parent.equals("/") && !parent.equals("/obj") && (p == null || !NodeGraph.NETWORK_TYPE.equals(p.type()))) {
                throw new GraphFormat.DamagedException("node " + s.path() + ": " + parent + (p == null ? " is not in the save" : " is not a network"));
            }
            for (int i = 0; i < s.inputs().size(); i++) {
                String in = s.inputs().get(i);
                GraphFormat.Saved src = in == null ? null : byPath.get(in);
                if (in != null && (src == null || src == s || NodeGraph.NETWORK_TYPE.equals(src.type()))) {
                    throw new GraphFormat.DamagedException("node " + s.path() + ": input " + i + " is wired to '" + in
                            + "', which is not another node of the save with an output");
                }
            }
        }
        String cycle = cycle(nodes);
        if (cycle != null) {
            throw new GraphFormat.DamagedException("node " + cycle + " is wired into a cycle");
        }
    }

    private static boolean isPath(String path) {
        if (!path.startsWith("/") || path.length() < 2) {
            return false;
        }
        for (String name : path.substring(1).split("/", -1)) {
            if (!GraphModel.NODE_NAME.matcher(name).matches()) {
                return false;
            }
        }
        return true;
    }

    /** @return a node on a cycle of the wiring, or null when there is none (Kahn's topological sort) */
    private static String cycle(List<GraphFormat.Saved> nodes) {
        Map<String, Set<String>> waitsFor = new HashMap<>();
        Map<String, List<String>> readers = new HashMap<>();
        Deque<String> ready = new ArrayDeque<>();
        for (GraphFormat.Saved s : nodes) {
            Set<String> in = new LinkedHashSet<>();
            for (String p : s.inputs()) {
                if (p != null) {
                    in.add(p);
                    readers.computeIfAbsent(p, k -> new ArrayList<>()).add(s.path());
                }
            }
            waitsFor.put(s.path(), in);
            if (in.isEmpty()) {
                ready.add(s.path());
            }
        }
        int done = 0;
        while (!ready.isEmpty()) {
            String p = ready.pop();
            done++;
            for (String r : readers.getOrDefault(p, List.of())) {
                Set<String> w = waitsFor.get(r);
                if (w.remove(p) && w.isEmpty()) {
                    ready.add(r);
                }
            }
        }
        if (done == nodes.size()) {
            return null;
        }
        for (Map.Entry<String, Set<String>> e : new TreeMap<>(waitsFor).entrySet()) {
            if (!e.getValue().isEmpty()) {
                return e.getKey();
            }
        }
        return "?";
    }
}
