package io.meshport.node.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import io.meshport.node.ParmType;

/**
 * The saved graph's format: a JSON document that people can read, carrying a SHA-256 checksum of its
 * content, and the checks a save must pass before any of it is used.
 *
 * <pre>
 * {"format": "meshport-node-graph", "version": 2, "saved": "2026-01-02T03:04:05Z",
 *  "nodes": [{"path": "/obj/o", "type": "offset", "autoCook": true, "inputs": ["/geo/p"],
 *             "parms": {"steps": {"type": "int", "value": 7}}}],
 *  "sha256": "..."}
 * </pre>
 *
 * The checksum is of the canonical form of every field but {@code sha256}: compact JSON, each object's
 * fields sorted by name. Each parameter is saved with its type, so that a value that does not fit it
 * ({@code "count": "lots"}) is found at load even when the node's plugin is not there yet. Version 1,
 * written before checksums, held bare values; it is still read, its values checked against the
 * templates of the types that are there, and saved again as version 2.
 *
 * <p>Anything unexpected refuses the whole save: nothing is ever loaded in part.
 */
final class GraphFormat {
    static final String FORMAT = "meshport-node-graph";
    static final int VERSION = 2;
    private static final int MAX_INPUTS = 64;
    private static final int MAX_DEPTH = 32;
    private static final JsonFactory JSON = new JsonFactory();
    private static final Set<String> TOP_FIELDS = Set.of("format", "version", "saved", "nodes", "sha256");
    private static final Set<String> NODE_FIELDS = Set.of("path", "type", "autoCook", "inputs", "parms");

    private GraphFormat() {
    }

    /** One saved node. */
    record Saved(String path, String type, boolean autoCook, List<String> inputs, Map<String, Parm> parms) {
        /** @return what is saved of a node (the graph lock held) */
        static Saved of(Node n) {
            Map<String, Parm> parms = new LinkedHashMap<>();
            n.parms.forEach((name, v) -> parms.put(name, new Parm(n.parmTypes.getOrDefault(name, ParmValues.typeOf(v)), v)));
            return new Saved(n.path, n.type, n.autoCook, new ArrayList<>(n.inputs), parms);
        }

        /** @return the node as saved, not cooked yet */
        Node toNode() {
            Node n = new Node(path, type);
            n.autoCook = autoCook;
            parms.forEach((name, p) -> {
                n.parms.put(name, p.value());
                n.parmTypes.put(name, p.type());
            });
            n.inputs.addAll(inputs);
            return n;
        }
    }

    /** A saved parameter value, in the Java type of the parameter type it was saved as. */
    record Parm(ParmType type, Object value) {
    }

    /** What a save held, sorted by path, and the format version it was written in. */
    record Decoded(List<Saved> nodes, int version) {
    }

    /** A save that must not be used; the message says why, as a sentence following "it is damaged: ". */
    static final class DamagedException extends Exception {
        private static final long serialVersionUID = 1L;

        DamagedException(String message) {
            super(message);
        }
    }

    /**
     * @param nodes the nodes to save, sorted by path (networks before what they hold)
     * @param when the time of the save, written for people
     * @return the save file's content
     */
    static byte[] encode(List<Saved> nodes, Instant when) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("saved", when.toString());
        List<Object> list = new ArrayList<>();
        for (Saved s : nodes) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("path", s.path());
            n.put("type", s.type());
            n.put("autoCook", s.autoCook());
            n.put("inputs", s.inputs());
            Map<String, Object> parms = new LinkedHashMap<>();
            for (Map.Entry<String, Parm> e : s.parms().entrySet()) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("type", e.getValue().type().wireName());
                p.put("value", e.getValue().value());
                parms.put(e.getKey(), p);
            }
            n.put("parms", parms);
            list.add(n);
        }
        root.put("nodes", list);
        root.put("sha256", checksum(root));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(buf).useDefaultPrettyPrinter()) {
            write(g, root, false);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e); // a byte array does not fail
        }
        buf.write('\n');
        return buf.toByteArray();
    }

    /**
     * @param bytes a save file's content
     * @param templates gives the type of a parameter of a node type that is there now, or null; used for
     *        version 1 saves, which did not record types
     * @return the nodes, sorted by path
     * @throws DamagedException if anything in it is not as a save is written
     */
    static Decoded decode(byte[] bytes, BiFunction<String, String, ParmType> templates) throws DamagedException {
        Object root;
        try (JsonParser parser = JSON.createParser(bytes)) {
            if (parser.nextToken() == null) {
                throw new DamagedException("it is empty");
            }
            root = read(parser, 0);
            if (parser.nextToken() != null) {
                throw new DamagedException("it has something after its JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new DamagedException("it is not complete JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new DamagedException("it cannot be parsed (" + e.getMessage() + ")");
        }
        if (!(root instanceof Map)) {
            throw new DamagedException("it is not a JSON object");
        }
        Map<?, ?> top = (Map<?, ?>) root;
        onlyFields(top, TOP_FIELDS, "the document");
        if (!FORMAT.equals(top.get("format"))) {
            throw new DamagedException("its 'format' is not \"" + FORMAT + "\"");
        }
        Object v = top.get("version");
        int version = Long.valueOf(1).equals(v) ? 1 : Long.valueOf(VERSION).equals(v) ? VERSION : -1;
        if (version < 0) {
            throw new DamagedException("its 'version' is " + v + "; this runtime reads versions 1 and " + VERSION);
        }
        if (version >= 2) {
            verifyChecksum(top);
        } else if (top.containsKey("sha256")) {
            throw new DamagedException("a version 1 save has no checksum, yet this one has 'sha256'");
        }
        if (top.containsKey("saved") && !(top.get("saved") instanceof String)) {
            throw new DamagedException("its 'saved' is not text");
        }
        if (!(top.get("nodes") instanceof List)) {
            throw new DamagedException("its 'nodes' is not an array");
        }
        List<?> list = (List<?>) top.get("nodes");
        if (list.size() > GraphModel.MAX_NODES) {
            throw new DamagedException("it holds " + list.size() + " nodes, more than a graph may (" + GraphModel.MAX_NODES + ")");
        }
        List<Saved> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            out.add(node(i, list.get(i), version, templates));
        }
        out.sort((a, b) -> a.path().compareTo(b.path()));
        SavedGraphCheck.check(out);
        return new Decoded(out, version);
    }

    private static Saved node(int i, Object o, int version, BiFunction<String, String, ParmType> templates) throws DamagedException {
        if (!(o instanceof Map) || !(((Map<?, ?>) o).get("path") instanceof String) || !(((Map<?, ?>) o).get("type") instanceof String)) {
            throw new DamagedException("node " + i + " has no text 'path' and 'type'");
        }
        Map<?, ?> n = (Map<?, ?>) o;
        String path = (String) n.get("path");
        String type = (String) n.get("type");
        onlyFields(n, NODE_FIELDS, "node " + path);
        List<String> inputs = new ArrayList<>();
        if (n.containsKey("inputs")) {
            if (!(n.get("inputs") instanceof List) || ((List<?>) n.get("inputs")).size() > MAX_INPUTS) {
                throw new DamagedException("node " + path + ": 'inputs' is not an array of at most " + MAX_INPUTS + " paths");
            }
            for (Object in : (List<?>) n.get("inputs")) {
                if (in != null && !(in instanceof String)) {
                    throw new DamagedException("node " + path + ": an input is neither a path nor null");
                }
                inputs.add((String) in);
            }
        }
        Map<String, Parm> parms = new LinkedHashMap<>();
        if (n.containsKey("parms")) {
            if (!(n.get("parms") instanceof Map)) {
                throw new DamagedException("node " + path + ": 'parms' is not an object");
            }
            for (Map.Entry<?, ?> e : ((Map<?, ?>) n.get("parms")).entrySet()) {
                String name = (String) e.getKey();
                try {
                    parms.put(name, version >= 2 ? typed(name, e.getValue()) : bare(type, name, e.getValue(), templates));
                } catch (IllegalArgumentException bad) {
                    throw new DamagedException("node " + path + ": " + bad.getMessage());
                }
            }
        }
        Object auto = n.containsKey("autoCook") ? n.get("autoCook") : Boolean.TRUE;
        if (!(auto instanceof Boolean)) {
            throw new DamagedException("node " + path + ": 'autoCook' is not true or false");
        }
        return new Saved(path, type, (Boolean) auto, inputs, parms);
    }

    /** A version 2 parameter: {@code {"type": "int", "value": 7}}. */
    private static Parm typed(String name, Object saved) {
        if (!(saved instanceof Map) || ((Map<?, ?>) saved).size() != 2 || !((Map<?, ?>) saved).containsKey("value")
                || !(((Map<?, ?>) saved).get("type") instanceof String)) {
            throw new IllegalArgumentException("parameter '" + name + "' is not saved as {\"type\": ..., \"value\": ...}");
        }
        String typeName = (String) ((Map<?, ?>) saved).get("type");
        for (ParmType t : ParmType.values()) {
            if (t.wireName().equals(typeName)) {
                return new Parm(t, ParmValues.ofType(name, t, ((Map<?, ?>) saved).get("value")));
            }
        }
        throw new IllegalArgumentException("parameter '" + name + "' has the type '" + typeName + "', which is no parameter type");
    }

    /** A version 1 parameter: the bare value, checked against the template when the node's type is there. */
    private static Parm bare(String nodeType, String name, Object value, BiFunction<String, String, ParmType> templates) {
        ParmType t = templates.apply(nodeType, name);
        if (t == null) {
            t = ParmValues.typeOf(value);
            if (t == null) {
                throw new IllegalArgumentException("parameter '" + name + "' holds " + ParmValues.describe(value)
                        + ", which no parameter type takes");
            }
        }
        return new Parm(t, ParmValues.ofType(name, t, value));
    }

    private static void onlyFields(Map<?, ?> m, Set<String> allowed, String where) throws DamagedException {
        for (Object k : m.keySet()) {
            if (!allowed.contains(k)) {
                throw new DamagedException(where + " has a field '" + k + "' that saves do not have");
            }
        }
    }

    private static void verifyChecksum(Map<?, ?> top) throws DamagedException {
        Object saved = top.get("sha256");
        if (!(saved instanceof String)) {
            throw new DamagedException("it has no checksum ('sha256'), which every version " + VERSION + " save has");
        }
        Map<Object, Object> content = new LinkedHashMap<>(top);
        content.remove("sha256");
        String computed = checksum(content);
        if (!MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII), ((String) saved).getBytes(StandardCharsets.UTF_8))) {
            throw new DamagedException("its checksum does not match its content (saved sha256 " + saved + ", computed " + computed
                    + "): it changed after it was written");
        }
    }

    /** @return the hex SHA-256 of the canonical form of {@code content} */
    private static String checksum(Map<?, ?> content) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(buf)) {
            write(g, content, true);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(buf.toByteArray()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * Reads the JSON value at the parser's current token: objects as maps (a field given twice is
     * damage), arrays as lists, whole numbers as {@code Long} (or {@code BigInteger} when too big, which
     * no parameter takes), other numbers as {@code Double}. Jackson's streaming parser, not its object
     * mapper: the mapper costs a quarter of a second of class loading at host start.
     */
    private static Object read(JsonParser p, int depth) throws IOException, DamagedException {
        if (depth > MAX_DEPTH) {
            throw new DamagedException("it nests deeper than a graph save does");
        }
        switch (p.currentToken()) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    if (m.containsKey(name)) {
                        throw new DamagedException("the field '" + name + "' appears twice in one object");
                    }
                    m.put(name, read(p, depth + 1));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p, depth + 1));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue() : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new DamagedException("unexpected " + p.currentToken() + " at " + p.currentLocation());
        }
    }

    /** Writes a value; {@code canonical}: each object's fields sorted by name (for the checksum). */
    private static void write(JsonGenerator g, Object v, boolean canonical) throws IOException {
        if (v instanceof Map) {
            g.writeStartObject();
            Map<?, ?> m = canonical ? new TreeMap<>((Map<?, ?>) v) : (Map<?, ?>) v;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName((String) e.getKey());
                write(g, e.getValue(), canonical);
            }
            g.writeEndObject();
        } else if (v instanceof List) {
            g.writeStartArray();
            for (Object e : (List<?>) v) {
                write(g, e, canonical);
            }
            g.writeEndArray();
        } else if (v instanceof Double || v instanceof Float) {
            g.writeNumber(((Number) v).doubleValue());
        } else if (v instanceof java.math.BigInteger) {
            g.writeNumber((java.math.BigInteger) v);
        } else if (v instanceof Number) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Boolean) {
            g.writeBoolean((Boolean) v);
        } else if (v == null) {
            g.writeNull();
        } else {
            g.writeString(String.valueOf(v));
        }
    }
}
