package io.meshport.wire.call;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import io.meshport.mesh.Mesh;
import io.meshport.protocol.WireValue;
import io.meshport.wire.CborTagged;
import io.meshport.wire.CborWriter;
import io.meshport.wire.call.CallValues.MappingException;
import io.meshport.wire.call.CallValues.Meshes;
import io.meshport.wire.call.CallValues.Out;
import io.meshport.wire.mesh.TypedArray;

/**
 * Writes Java values as CBOR: plain values as they are, records as maps of their components, enums by
 * name, wire values by their shape, primitive arrays as typed arrays, meshes as their encoded parts
 * (not copied), nested at most {@link CallValues#MAX_DEPTH} deep.
 */
final class ValueWriter {
    private ValueWriter() {
    }

    /**
     * Writes a Java value nested {@code depth} deep.
     *
     * @see CallValues#write(Out, Object, Meshes)
     */
    static void write(Out out, Object v, Meshes meshes, int depth) {
        if (depth > CallValues.MAX_DEPTH) {
            throw new MappingException("a value nested more than " + CallValues.MAX_DEPTH + " deep (a cycle?)");
        }
        CborWriter w = out.writer();
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Number || v instanceof byte[]
                || v instanceof CborTagged) {
            w.value(v);
        } else if (v instanceof Mesh) {
            out.append(meshes.write((Mesh) v));
        } else if (v instanceof Optional) {
            write(out, ((Optional<?>) v).orElse(null), meshes, depth + 1);
        } else if (v instanceof WireValue) {
            write(out, ((WireValue) v).toWire(), meshes, depth + 1);
        } else if (v instanceof Enum) {
            w.text(((Enum<?>) v).name());
        } else if (v instanceof float[]) {
            float[] f = (float[]) v;
            ByteBuffer b = ByteBuffer.allocate(4 * f.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(f);
            w.tag(TypedArray.TAG_FLOAT32_LE).bytes(b.array());
        } else if (v instanceof int[]) {
            int[] a = (int[]) v;
            ByteBuffer b = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(a);
            w.tag(TypedArray.TAG_SINT32_LE).bytes(b.array());
        } else if (v instanceof double[]) {
            double[] d = (double[]) v;
            ByteBuffer b = ByteBuffer.allocate(8 * d.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asDoubleBuffer().put(d);
            w.tag(86).bytes(b.array()); // float64 little-endian
        } else if (v instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) v;
            w.mapHeader(m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Object k = e.getKey();
                out.writer().value(k instanceof String || k instanceof Number ? k : String.valueOf(k));
                write(out, e.getValue(), meshes, depth + 1);
            }
        } else if (v instanceof Collection) {
            Collection<?> c = (Collection<?>) v;
            w.arrayHeader(c.size());
            for (Object e : c) {
                write(out, e, meshes, depth + 1);
            }
        } else if (v.getClass().isArray()) {
            int n = Array.getLength(v);
            w.arrayHeader(n);
            for (int i = 0; i < n; i++) {
                write(out, Array.get(v, i), meshes, depth + 1);
            }
        } else if (v.getClass().isRecord()) {
            writeRecord(out, v, meshes, depth);
        } else {
            throw new MappingException("a " + v.getClass().getName() + " cannot travel in a call (not a record, enum,"
                    + " collection, map, mesh or WireValue)");
        }
    }

    private static void writeRecord(Out out, Object v, Meshes meshes, int depth) {
        RecordComponent[] parts = v.getClass().getRecordComponents();
        out.writer().mapHeader(parts.length);
        for (RecordComponent p : parts) {
            out.writer().text(p.getName());
            Object value;
            try {
                Method acc = p.getAccessor();
                acc.setAccessible(true);
                value = acc.invoke(v);
            } catch (ReflectiveOperationException e) {
                throw new MappingException("cannot read " + v.getClass().getSimpleName() + "." + p.getName() + ": " + e);
            }
            write(out, value, meshes, depth + 1);
        }
    }
}
