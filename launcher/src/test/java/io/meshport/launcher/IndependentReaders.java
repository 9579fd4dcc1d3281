package io.meshport.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;

/**
 * Reads mesh files with Debian's {@code python3-meshio} and {@code python3-open3d} (the script
 * {@code independent_readers.py} next to this class), for comparison with what Meshport reads.
 */
final class IndependentReaders {
    private IndependentReaders() {
    }

    /**
     * @param dir a folder to write the script into
     * @param files the files to read
     * @return per file, {@code "meshio"} and {@code "open3d"}: what each read (maps, lists, numbers as
     *         doubles, NaN and infinities included), or a map holding {@code "error"}
     */
    static Map<Path, Map<String, Object>> read(Path dir, List<Path> files) throws Exception {
        try {
            PythonRunner.run(dir, Map.of(), 120, "-c", "import meshio, open3d");
        } catch (AssertionError e) {
            throw new AssertionError("the comparison needs Debian's python3-meshio and python3-open3d"
                    + " (apt-get install python3-meshio python3-open3d; .ci/run installs them): " + e.getMessage(), e);
        }
        Path script = dir.resolve("independent_readers.py");
        try (InputStream in = IndependentReaders.class.getResourceAsStream("independent_readers.py")) {
            Files.copy(in, script);
        }
        List<String> args = new ArrayList<>(List.of(script.toString()));
        files.forEach(f -> args.add(f.toString()));
        String out = PythonRunner.run(dir, Map.of(), 300, args.toArray(new String[0]));
        Map<Path, Map<String, Object>> all = new HashMap<>();
        JsonFactory json = JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
        for (String line : out.split("\n")) {
            if (!line.startsWith("{\"file\"")) {
                continue; // Open3D's own messages
            }
            try (JsonParser p = json.createParser(line)) {
                p.nextToken();
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) value(p);
                all.put(Path.of((String) m.get("file")), m);
            }
        }
        if (all.size() != files.size()) {
            throw new AssertionError("the independent readers answered for " + all.size() + " of " + files.size() + " files:\n" + out);
        }
        return all;
    }

    private static Object value(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Object> m = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = p.currentName();
                p.nextToken();
                m.put(k, value(p));
            }
            return m;
        }
        if (t == JsonToken.START_ARRAY) {
            List<Object> l = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                l.add(value(p));
            }
            return l;
        }
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            return t == JsonToken.VALUE_TRUE;
        }
        return p.getDoubleValue();
    }
}
