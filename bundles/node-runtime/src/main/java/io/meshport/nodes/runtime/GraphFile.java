package io.meshport.nodes.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

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

    /** One saved node. */
    record Saved(String path, String type, boolean autoCook, List<String> inputs, Map<String, Object> parms) {
    }

    private final Path file;
    private final Path backup;
    private final Log log;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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
        JsonNode root = json.readTree(Files.readAllBytes(p));
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("it is empty or not a JSON object");
        }
        if (!FORMAT.equals(root.path("format").asText(null))) {
            throw new IllegalArgumentException("its 'format' is not \"" + FORMAT + "\"");
        }
        if (!root.path("version").canConvertToInt() || root.path("version").asInt() != VERSION) {
            throw new IllegalArgumentException("its 'version' is " + root.path("version") + "; this runtime reads version " + VERSION);
        }
        JsonNode list = root.path("nodes");
        if (!list.isArray()) {
            throw new IllegalArgumentException("its 'nodes' is not an array");
        }
        List<Saved> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode n = list.get(i);
            String where = "node " + i;
            if (!n.isObject() || !n.path("path").isTextual() || !n.path("type").isTextual()) {
                throw new IllegalArgumentException(where + " has no text 'path' and 'type'");
            }
            String path = n.get("path").asText();
            if (!path.startsWith("/") || path.length() < 2) {
                throw new IllegalArgumentException(where + ": '" + path + "' is not a node path");
            }
            List<String> inputs = new ArrayList<>();
            JsonNode ins = n.path("inputs");
            if (!ins.isMissingNode()) {
                if (!ins.isArray() || ins.size() > 64) {
                    throw new IllegalArgumentException(path + ": 'inputs' is not an array of at most 64 paths");
                }
                for (JsonNode in : ins) {
                    if (!in.isNull() && !in.isTextual()) {
                        throw new IllegalArgumentException(path + ": an input is neither a path nor null");
                    }
                    inputs.add(in.isNull() ? null : in.asText());
                }
            }
            Map<String, Object> parms = new LinkedHashMap<>();
            JsonNode ps = n.path("parms");
            if (!ps.isMissingNode()) {
                if (!ps.isObject()) {
                    throw new IllegalArgumentException(path + ": 'parms' is not an object");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = ps.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    parms.put(e.getKey(), value(path, e.getKey(), e.getValue()));
                }
            }
            JsonNode auto = n.path("autoCook");
            if (!auto.isMissingNode() && !auto.isBoolean()) {
                throw new IllegalArgumentException(path + ": 'autoCook' is not true or false");
            }
            out.add(new Saved(path, n.get("type").asText(), auto.isMissingNode() || auto.asBoolean(), inputs, parms));
        }
        out.sort((a, b) -> a.path().compareTo(b.path()));
        return out;
    }

    private static Object value(String path, String name, JsonNode v) {
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isArray() && v.size() <= 16) {
            List<Object> list = new ArrayList<>();
            for (JsonNode e : v) {
                if (!e.isNumber()) {
                    throw new IllegalArgumentException(path + ": parameter '" + name + "' holds a list with a non-number in it");
                }
                list.add(e.asDouble());
            }
            return list;
        }
        throw new IllegalArgumentException(path + ": parameter '" + name + "' holds " + v.getNodeType().toString().toLowerCase()
                + ", which no parameter type takes");
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
        byte[] bytes = json.writeValueAsBytes(root);
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
}
