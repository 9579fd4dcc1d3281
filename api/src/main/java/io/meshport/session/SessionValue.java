package io.meshport.session;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import org.joml.primitives.AABBf;

import io.meshport.mesh.Mesh;

/**
 * A decoded value ready to be stored: what it is ({@link #kind()}), the value itself, a small summary
 * map that {@code put} and {@code list} report, and an estimate of the heap it holds (counted against
 * the session's memory budget). Immutable.
 *
 * <p>Values of the built-in kinds: {@code "mesh"} holds a {@link Mesh}; {@code "cbor"} holds a
 * {@code byte[]} with one encoded CBOR item; {@code "bytes"} holds a {@code byte[]}. Arrays held by a
 * value must not be changed once it is created.
 */
public final class SessionValue {
    /** Kind of a {@link Mesh} value. */
    public static final String KIND_MESH = "mesh";
    /** Kind of one encoded CBOR item, held as {@code byte[]}. */
    public static final String KIND_CBOR = "cbor";
    /** Kind of opaque bytes, held as {@code byte[]}. */
    public static final String KIND_BYTES = "bytes";

    private final String kind;
    private volatile Object value;
    private final Supplier<Object> loader;
    private final Map<String, Object> summary;
    private final long retainedBytes;

    /**
     * @param kind what the value is, e.g. {@code "mesh"}
     * @param value the value; not copied
     * @param summary a small map of plain values (numbers, text, lists, maps), not copied
     * @param retainedBytes an estimate of the heap the value holds
     */
    public SessionValue(String kind, Object value, Map<String, Object> summary, long retainedBytes) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.value = Objects.requireNonNull(value, "value");
        this.loader = null;
        this.summary = summary == null ? Collections.emptyMap() : Collections.unmodifiableMap(summary);
        this.retainedBytes = retainedBytes;
    }

    private SessionValue(String kind, Supplier<Object> loader, Map<String, Object> summary, long retainedBytes) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.summary = summary == null ? Collections.emptyMap() : Collections.unmodifiableMap(summary);
        this.retainedBytes = retainedBytes;
    }

    /**
     * A value known by its kind and summary whose value is read when first asked for: a session kept
     * outside the host describes its entries (in {@code list}, in changes) without reading them.
     *
     * @param kind what the value is
     * @param loader reads the value; it may throw a {@link io.meshport.protocol.MeshportException}
     *        (e.g. {@code UNAVAILABLE}), and is then asked again on the next call of {@link #value()}
     * @param summary a small map of plain values, not copied
     * @param retainedBytes an estimate of the heap the value holds once read
     * @return the value
     * @since 1.3
     */
    public static SessionValue deferred(String kind, Supplier<Object> loader, Map<String, Object> summary, long retainedBytes) {
        return new SessionValue(kind, loader, summary, retainedBytes);
    }

    /**
     * A mesh value with the standard mesh summary: {@code points, vertices, faces, attributes,
     * bounds}.
     *
     * @param mesh the mesh
     * @return the value
     */
    public static SessionValue ofMesh(Mesh mesh) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("points", mesh.pointCount());
        s.put("vertices", mesh.vertexCount());
        s.put("faces", mesh.faceCount());
        s.put("attributes", List.copyOf(mesh.attributes().keySet()));
        AABBf b = mesh.bounds(new AABBf());
        s.put("bounds", List.of(b.minX, b.minY, b.minZ, b.maxX, b.maxY, b.maxZ));
        return new SessionValue(KIND_MESH, mesh, s, mesh.retainedBytes());
    }

    /** @return what the value is */
    public String kind() {
        return kind;
    }

    /** @return the value (read first when the value is {@link #deferred}) */
    public Object value() {
        Object v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = Objects.requireNonNull(loader.get(), "a deferred value read as null");
                    value = v;
                }
            }
        }
        return v;
    }

    /**
     * @param <T> the expected type
     * @param type the expected class
     * @return the value as that type
     * @throws ClassCastException if it is not
     */
    public <T> T value(Class<T> type) {
        return type.cast(value());
    }

    /** @return the summary map, unmodifiable */
    public Map<String, Object> summary() {
        return summary;
    }

    /** @return an estimate of the heap the value holds, in bytes */
    public long retainedBytes() {
        return retainedBytes;
    }

    @Override
    public String toString() {
        return "SessionValue[" + kind + ", " + summary + "]";
    }
}
