package io.meshport.client;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.meshport.mesh.Mesh;
import io.meshport.mesh.MeshReader;
import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborMessage;
import io.meshport.wire.CborValues;
import io.meshport.wire.call.CallValues;
import io.meshport.wire.mesh.MeshCborReader;
import io.meshport.wire.mesh.MeshCborWriter;

/**
 * Reads the host's replies into the API's types: each op's result, and error replies as
 * {@link MeshportClientException}s. Stateless; the parsers run on a link's reader thread (the hello's
 * on the thread opening the link).
 */
final class Replies {
    private static final MeshCborReader MESH_READER = new MeshCborReader();

    /** Meshes in call arguments and results: written and read in bulk, as put and get do. */
    static final CallValues.Meshes MESHES = new CallValues.Meshes() {
        @Override
        public Mesh read(byte[] b, int off, int len) {
            return MESH_READER.read(b, off, len, MeshReader.NO_BASE);
        }

        @Override
        public List<ByteBuffer> write(Mesh mesh) {
            return MeshCborWriter.encode(mesh);
        }
    };

    /** Reads a reply's result, the bytes {@code [resultStart, resultEnd)} of its frame. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(byte[] frame, int resultStart, int resultEnd) throws CborFormatException;
    }

    private Replies() {
    }

    /** @return the error an error reply carries, or {@code INTERNAL} when it has no error map */
    static MeshportClientException error(CborMessage m) {
        Object e = m.value("error");
        if (e instanceof Map) {
            Map<?, ?> err = (Map<?, ?>) e;
            Object detail = err.get("detail");
            return new MeshportClientException(String.valueOf(err.get("code")), String.valueOf(err.get("message")),
                    detail instanceof Map ? stringKeys(detail) : null);
        }
        return new MeshportClientException("INTERNAL", "an error reply without an error map", null);
    }

    static HostInfo hostInfo(byte[] f, int s, int e) throws CborFormatException {
        Map<?, ?> r = (Map<?, ?>) CborValues.decode(f, s, e);
        return new HostInfo((String) r.get("server"), ((Number) r.get("protocol")).intValue(), (String) r.get("session"),
                strings(r.get("codecs")), strings(r.get("services")), ((Number) r.get("maxFrameBytes")).longValue(),
                Boolean.TRUE.equals(r.get("uploads")));
    }

    static Long time(byte[] f, int s, int e) throws CborFormatException {
        return ((Number) ((Map<?, ?>) CborValues.decode(f, s, e)).get("time")).longValue();
    }

    static Object nothing(byte[] f, int s, int e) {
        return null;
    }

    static PutResult putResult(byte[] f, int s, int e) throws CborFormatException {
        Map<?, ?> r = (Map<?, ?>) CborValues.decode(f, s, e);
        return new PutResult((String) r.get("key"), ((Number) r.get("version")).longValue(), (String) r.get("kind"),
                stringKeys(r.get("summary")));
    }

    static String uploadId(byte[] f, int s, int e) throws CborFormatException {
        Map<?, ?> r = (Map<?, ?>) CborValues.decode(f, s, e);
        return r.get("upload") + "/" + ((Number) r.get("chunkBytes")).longValue();
    }

    static Long received(byte[] f, int s, int e) throws CborFormatException {
        return ((Number) ((Map<?, ?>) CborValues.decode(f, s, e)).get("received")).longValue();
    }

    static MeshEntry meshEntry(byte[] f, int s, int e) throws CborFormatException {
        CborMessage r = CborMessage.parse(f, s, e - s);
        int b = r.valueStart("body");
        Mesh mesh = MESH_READER.read(f, b, r.valueEnd("body") - b, MeshReader.NO_BASE);
        return new MeshEntry(r.text("key", true), r.uint("version", true, 0), mesh);
    }

    static Entry entry(byte[] f, int s, int e) throws CborFormatException {
        CborMessage r = CborMessage.parse(f, s, e - s);
        return new Entry(r.text("key", true), r.uint("version", true, 0), r.text("codec", true), r.value("body"));
    }

    /** @return the version of a delete */
    static Long version(byte[] f, int s, int e) throws CborFormatException {
        return CborMessage.parse(f, s, e - s).uint("version", true, 0);
    }

    static List<EntryInfo> entries(byte[] f, int s, int e) throws CborFormatException {
        List<EntryInfo> rows = new ArrayList<>();
        for (Object o : (List<?>) CborValues.decode(f, s, e)) {
            Map<?, ?> m = (Map<?, ?>) o;
            rows.add(new EntryInfo((String) m.get("key"), ((Number) m.get("version")).longValue(), (String) m.get("kind"),
                    (String) m.get("codec"), ((Number) m.get("bytes")).longValue(), ((Number) m.get("updated")).longValue()));
        }
        return rows;
    }

    /** @return each listed key with its version */
    static Map<String, Long> versions(byte[] f, int s, int e) throws CborFormatException {
        Map<String, Long> listed = new HashMap<>();
        for (Object o : (List<?>) CborValues.decode(f, s, e)) {
            Map<?, ?> m = (Map<?, ?>) o;
            listed.put((String) m.get("key"), ((Number) m.get("version")).longValue());
        }
        return listed;
    }

    /** @return the host's id of a new watch */
    static long watchId(byte[] f, int s, int e) throws CborFormatException {
        return CborMessage.parse(f, s, e - s).uint("watch", true, 0);
    }

    /** @return a call's result read as {@code type} */
    static Parser<Object> callResult(java.lang.reflect.Type type) {
        return (f, s, e) -> CallValues.read(f, s, e, type, MESHES);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stringKeys(Object o) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (o instanceof Map) {
            ((Map<Object, Object>) o).forEach((k, v) -> m.put(String.valueOf(k), v));
        }
        return Collections.unmodifiableMap(m);
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List) {
            for (Object x : (List<?>) o) {
                out.add(String.valueOf(x));
            }
        }
        return Collections.unmodifiableList(out);
    }
}
