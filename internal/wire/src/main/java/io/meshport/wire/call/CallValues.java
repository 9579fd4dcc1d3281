package io.meshport.wire.call;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import io.meshport.mesh.Mesh;
import io.meshport.protocol.WireValue;
import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborValues;
import io.meshport.wire.CborWriter;

/**
 * Maps the arguments and results of {@code call} between CBOR and Java types, the same way on both
 * ends (the listener calling a service, the Java client's proxies): numbers of any width, text,
 * booleans, null, byte strings, lists and arrays (RFC 8746 typed arrays too), maps, records as maps
 * of their components, enums by name, {@link WireValue}s by their own shape, {@code Optional}, and
 * {@link Mesh} in the {@code mesh} codec's shape. A mesh at the top level of an argument or result
 * goes through without being decoded into plain values first: its typed arrays are read in bulk.
 *
 * <p>This class is the package's face. The work is done by {@link ValueReader} (CBOR to Java, with
 * {@link PlainValues} for parameters typed {@code Object}), {@link ValueWriter} (Java to CBOR),
 * {@link ValueMessages} (how a refused value is described) and {@link JavaTypes} (generic types).
 */
public final class CallValues {
    private CallValues() {
    }

    /** How meshes are read and written on this end (the host's mesh codec, or the client's own code). */
    public interface Meshes {
        /** @return the mesh encoded in {@code b[off, off + len)} */
        Mesh read(byte[] b, int off, int len);

        /** @return the mesh encoded as one CBOR item, in parts (not copied) */
        List<ByteBuffer> write(Mesh mesh);
    }

    /** A value that cannot be mapped to the type asked for; the message says why, for people. */
    public static final class MappingException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MappingException(String message) {
            super(message);
        }
    }

    /** The deepest nesting of arrays, maps and tags a value may have, read or written. */
    static final int MAX_DEPTH = 64;

    // ------------------------------------------------------------------ CBOR to Java

    /**
     * Reads one encoded item as a value of {@code type}.
     *
     * @param b the buffer
     * @param start the item's offset
     * @param end its end
     * @param type the Java type wanted
     * @param meshes how to read meshes
     * @return the value
     * @throws MappingException when the item does not fit the type
     * @throws CborFormatException when it is not well-formed
     */
    public static Object read(byte[] b, int start, int end, Type type, Meshes meshes) throws CborFormatException {
        return ValueReader.read(b, start, end, type, meshes);
    }

    /**
     * Converts a plain decoded value ({@link CborValues}) to a Java type.
     *
     * @param v the value
     * @param type the type wanted
     * @param meshes how to read meshes nested in it
     * @return the value
     * @throws MappingException when it does not fit, saying how
     */
    public static Object convert(Object v, Type type, Meshes meshes) {
        return ValueReader.convert(v, type, meshes);
    }

    /** @return a short description of a plain value: its CBOR type, and the value when short */
    public static String describe(Object v) {
        return ValueMessages.describe(v);
    }

    /** @return the class of a type: the raw class of a parameterized type, Object for variables and wildcards */
    public static Class<?> rawClass(Type t) {
        return JavaTypes.rawClass(t);
    }

    // ------------------------------------------------------------------ Java to CBOR

    /** An encoding in progress: CBOR written here, with large parts (meshes) added without a copy. */
    public static final class Out {
        private final List<ByteBuffer> parts = new ArrayList<>();
        private CborWriter w = new CborWriter(256);

        /** @return the writer for the next bytes */
        public CborWriter writer() {
            return w;
        }

        void append(List<ByteBuffer> encoded) {
            if (w.size() > 0) {
                parts.add(w.toByteBuffer());
                w = new CborWriter(256);
            }
            parts.addAll(encoded);
        }

        /** @return everything written, in order */
        public List<ByteBuffer> parts() {
            if (w.size() > 0) {
                parts.add(w.toByteBuffer());
                w = new CborWriter(256);
            }
            return parts;
        }
    }

    /**
     * Writes a Java value.
     *
     * @param out where
     * @param v the value
     * @param meshes how to write meshes
     * @throws MappingException for a value of a type that cannot travel
     */
    public static void write(Out out, Object v, Meshes meshes) {
        ValueWriter.write(out, v, meshes, 0);
    }
}
