package io.meshport.nodes.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import io.meshport.support.Log;

/**
 * The saved node graph: one JSON file, {@code graph.json}, that people can read. A save writes a
 * temporary file, forces it to disk, moves the previous save to {@code graph.json.bak}, and moves the
 * new one into place, each move atomic; so at any moment one of the two files is a complete save.
 *
 * <p>Loading never trusts a file: one that cannot be read, is not JSON, is cut short, or breaks the
 * format is reported, moved aside as {@code graph.json.corrupt-TIME}, and the previous save is loaded
 * instead. Nothing is ever loaded partly.
 */
final class GraphFile {
    static final String FORMAT = "meshport-node-graph";
    static final int VERSION = 1;
    private static final long MAX_BYTES = 64L << 20;
    private static final JsonFactory JSON = new JsonFactory();

    /** One saved node. */
    record Saved(String path, String type, boolean autoCook, List<String> inputs, Map<String, Object> parms) {
    }

    private final Path file;
    private final Path backup;
    private final Log log;

    /**
     * @param dir the folder holding the save files (created when missing)
     * @param log where problems are reported
     */
    GraphFile(Path dir, Log log) {
        this.file = dir.resolve("graph.json");
        this.backup = dir.resolve("graph.json.bak");
        this.log = log;
    }

    /** @return the save file */
    Path path() {
        return file;
    }

    /**
     * @return the nodes of the newest readable save, sorted by path; empty when there is none
     */
    List<Saved> load() {
        for (Path p : new Path[] {file, backup}) {
            if (!Files.exists(p)) {
                continue;
            }
            try {
                List<Saved> nodes = parse(p);
                if (p == backup) {
                    log.warn("the node graph was loaded from the previous save, " + p, null);
                }
                return nodes;
            } catch (IOException | IllegalArgumentException e) {
                Path aside = p.resolveSibling(p.getFileName() + ".corrupt-" + Instant.now().toString().replace(':', '-'));
                String what = e instanceof JsonProcessingException ? "it is not complete JSON ("
                        + ((JsonProcessingException) e).getOriginalMessage() + ")" : e.getMessage();
                try {
                    Files.move(p, aside, StandardCopyOption.REPLACE_EXISTING);
                    log.error("the node graph save " + p + " is unusable: " + what + "; it was moved to " + aside
                            + (p == file ? " and the previous save is used if there is one" : ""), null);
                } catch (IOException moveFailed) {
                    log.error("the node graph save " + p + " is unusable: " + what + "; it could not be moved aside ("
                            + moveFailed.getMessage() + ")", null);
                }
            }
        }
        return List.of();
    }

    private List<Saved> parse(Path p) throws IOException {
        long size = Files.size(p);
        if (size > MAX_BYTES) {
            throw new IllegalArgumentException("it holds " + size + " bytes, more than a graph save may (" + MAX_BYTES + ")");
        }
        Object root;
        try (JsonParser parser = JSON.createParser(Files.readAllBytes(p))) {
            if (parser.nextToken() == null) {
                throw new IllegalArgumentException("it is empty");
            }
            root = read(parser, 0);
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("it has something after its JSON object");
            }
        }
        if (!(root instanceof Map)) {
            throw new IllegalArgumentException("it is not a JSON object");
        }
        Map<?, ?> top = (Map<?, ?>) root;
        if (!FORMAT.equals(top.get("format"))) {
            throw new IllegalArgumentException("its 'format' is not \"" + FORMAT + "\"");
        }
        if (!Long.valueOf(VERSION).equals(top.get("version"))) {
            throw new IllegalArgumentException("its 'version' is " + top.get("version") + "; this runtime reads version " + VERSION);
        }
        if (!(top.get("nodes") instanceof List)) {
            throw new IllegalArgumentException("its 'nodes' is not an array");
        }
        List<?> list = (List<?>) top.get("nodes");
        List<Saved> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map) || !(((Map<?, ?>) list.get(i)).get("path") instanceof String)
                    || !(((Map<?, ?>) list.get(i)).get("type") instanceof String)) {
                throw new IllegalArgumentException("node " + i + " has no text 'path' and 'type'");
            }
            Map<?, ?> n = (Map<?, ?>) list.get(i);
            String path = (String) n.get("path");
            if (!path.startsWith("/") || path.length() < 2) {
                throw new IllegalArgumentException("node " + i + ": '" + path + "' is not a node path");
            }
            List<String> inputs = new ArrayList<>();
            if (n.containsKey("inputs")) {
                if (!(n.get("inputs") instanceof List) || ((List<?>) n.get("inputs")).size() > 64) {
                    throw new IllegalArgumentException(path + ": 'inputs' is not an array of at most 64 paths");
                }
                for (Object in : (List<?>) n.get("inputs")) {
                    if (in != null && !(in instanceof String)) {
                        throw new IllegalArgumentException(path + ": an input is neither a path nor null");
                    }
                    inputs.add((String) in);
                }
            }
            Map<String, Object> parms = new LinkedHashMap<>();
            if (n.containsKey("parms")) {
                if (!(n.get("parms") instanceof Map)) {
                    throw new IllegalArgumentException(path + ": 'parms' is not an object");
                }
                for (Map.Entry<?, ?> e : ((Map<?, ?>) n.get("parms")).entrySet()) {
                    parms.put((String) e.getKey(), value(path, (String) e.getKey(), e.getValue()));
                }
            }
            Object auto = n.containsKey("autoCook") ? n.get("autoCook") : Boolean.TRUE;
            if (!(auto instanceof Boolean)) {
                throw new IllegalArgumentException(path + ": 'autoCook' is not true or false");
            }
            out.add(new Saved(path, (String) n.get("type"), (Boolean) auto, inputs, parms));
        }
        out.sort((a, b) -> a.path().compareTo(b.path()));
        return out;
    }

    /**
     * Reads the JSON value at the parser's current token: objects as maps, arrays as lists, whole
     * numbers as {@code Long} (or {@code BigInteger} when too big, which no parameter takes), other
     * numbers as {@code Double}. Jackson's streaming parser, not its object mapper: the mapper costs a
     * quarter of a second of class loading at host start.
     */
    private static Object read(JsonParser p, int depth) throws IOException {
        if (depth > 32) {
            throw new IllegalArgumentException("it nests deeper than a graph save does");
        }
        switch (p.currentToken()) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
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
                throw new IllegalArgumentException("unexpected " + p.currentToken() + " at " + p.currentLocation());
        }
    }

    private static Object value(String path, String name, Object v) {
        if (v instanceof Long || v instanceof Double || v instanceof String || v instanceof Boolean) {
            return v;
        }
        if (v instanceof List && ((List<?>) v).size() <= 16) {
            List<Object> list = new ArrayList<>();
            for (Object e : (List<?>) v) {
                if (!(e instanceof Long || e instanceof Double)) {
                    throw new IllegalArgumentException(path + ": parameter '" + name + "' holds a list with a non-number in it");
                }
                list.add(((Number) e).doubleValue());
            }
            return list;
        }
        String what = v == null ? "null" : v instanceof Map ? "an object" : v instanceof List ? "a long list" : "a number too big";
        throw new IllegalArgumentException(path + ": parameter '" + name + "' holds " + what + ", which no parameter type takes");
    }

    /**
     * Saves the nodes.
     *
     * @param nodes the nodes, in any order
     * @throws IOException if the files cannot be written
     */
    void save(List<Saved> nodes) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("saved", Instant.now().toString());
        List<Map<String, Object>> list = new ArrayList<>();
        for (Saved s : nodes) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("path", s.path());
            n.put("type", s.type());
            n.put("autoCook", s.autoCook());
            n.put("inputs", s.inputs());
            n.put("parms", s.parms());
            list.add(n);
        }
        root.put("nodes", list);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(buf).useDefaultPrettyPrinter()) {
            write(g, root);
        }
        byte[] bytes = buf.toByteArray();
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        if (Files.exists(file)) {
            Files.move(file, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v instanceof Map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                g.writeFieldName((String) e.getKey());
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List) {
            g.writeStartArray();
            for (Object e : (List<?>) v) {
                write(g, e);
            }
            g.writeEndArray();
        } else if (v instanceof Double || v instanceof Float) {
            g.writeNumber(((Number) v).doubleValue());
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
