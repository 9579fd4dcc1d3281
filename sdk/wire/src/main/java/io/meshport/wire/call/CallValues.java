package io.meshport.wire.call;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.meshport.mesh.Mesh;
import io.meshport.protocol.WireValue;
import io.meshport.wire.Cbor;
import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborTagged;
import io.meshport.wire.CborValues;
import io.meshport.wire.CborWriter;
import io.meshport.wire.Quoted;
import io.meshport.wire.mesh.TypedArray;

/**
 * Maps the arguments and results of {@code call} between CBOR and Java types, the same way on both
 * ends (the listener calling a service, the Java client's proxies): numbers of any width, text,
 * booleans, null, byte strings, lists and arrays (RFC 8746 typed arrays too), maps, records as maps
 * of their components, enums by name, {@link WireValue}s by their own shape, {@code Optional}, and
 * {@link Mesh} in the {@code mesh} codec's shape. A mesh at the top level of an argument or result
 * goes through without being decoded into plain values first: its typed arrays are read in bulk.
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
        Class<?> raw = rawClass(type);
        if (raw == Mesh.class) {
            return isNull(b, start) ? null : meshes.read(b, start, end - start);
        }
        if (raw == Optional.class && rawClass(typeArgument(type, 0)) == Mesh.class) {
            return isNull(b, start) ? Optional.empty() : Optional.of(meshes.read(b, start, end - start));
        }
        Object v = CborValues.decode(b, start, end);
        checkDepth(v, 0);
        return convert(v, type, meshes);
    }

    /** The deepest nesting of arrays, maps and tags a value may have, read or written. */
    static final int MAX_DEPTH = 64;

    /** Refuses an argument nested deeper than a result may be, so that whatever is read can be sent back. */
    private static void checkDepth(Object v, int depth) {
        if (depth > MAX_DEPTH) {
            throw new MappingException("a value nested more than " + MAX_DEPTH + " deep");
        }
        if (v instanceof java.util.List) {
            for (Object e : (java.util.List<?>) v) {
                checkDepth(e, depth + 1);
            }
        } else if (v instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                checkDepth(e.getKey(), depth + 1);
                checkDepth(e.getValue(), depth + 1);
            }
        } else if (v instanceof io.meshport.wire.CborTagged) {
            checkDepth(((io.meshport.wire.CborTagged) v).value(), depth + 1);
        }
    }

    private static boolean isNull(byte[] b, int pos) {
        int ib = b[pos] & 0xff;
        return ib == 0xf6 || ib == 0xf7; // null, undefined
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
        Class<?> raw = rawClass(type);
        if (raw == Optional.class) {
            return v == null ? Optional.empty() : Optional.of(convert(v, typeArgument(type, 0), meshes));
        }
        if (v == null) {
            if (raw.isPrimitive()) {
                throw new MappingException(raw.getName() + " expected, got null");
            }
            return null;
        }
        if (raw == Object.class) {
            return plain(v);
        }
        if (raw == String.class) {
            if (v instanceof String) {
                return v;
            }
            throw mismatch("text", v);
        }
        if (raw == boolean.class || raw == Boolean.class) {
            if (v instanceof Boolean) {
                return v;
            }
            throw mismatch("true or false", v);
        }
        if (raw == long.class || raw == Long.class) {
            return whole(v, Long.MIN_VALUE, Long.MAX_VALUE);
        }
        if (raw == int.class || raw == Integer.class) {
            return (int) whole(v, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        if (raw == short.class || raw == Short.class) {
            return (short) whole(v, Short.MIN_VALUE, Short.MAX_VALUE);
        }
        if (raw == byte.class || raw == Byte.class) {
            return (byte) whole(v, Byte.MIN_VALUE, Byte.MAX_VALUE);
        }
        if (raw == double.class || raw == Double.class) {
            return number(v);
        }
        if (raw == float.class || raw == Float.class) {
            return (float) number(v);
        }
        if (raw == Number.class) {
            if (v instanceof Number) {
                return v;
            }
            throw mismatch("a number", v);
        }
        if (raw == byte[].class) {
            if (v instanceof byte[]) {
                return v;
            }
            if (v instanceof CborTagged && ((CborTagged) v).value() instanceof byte[]) {
                return ((CborTagged) v).value();
            }
            throw mismatch("a byte string", v);
        }
        if (raw == Mesh.class) {
            if (!(v instanceof Map)) {
                throw mismatch("a mesh map", v);
            }
            byte[] enc = new CborWriter().value(v).toByteArray(); // a mesh nested in something else
            return meshes.read(enc, 0, enc.length);
        }
        if (raw.isEnum()) {
            return enumConstant(raw, v);
        }
        if (raw.isArray()) {
            List<?> list = list(v);
            Class<?> component = raw.getComponentType();
            Type elementType = type instanceof GenericArrayType ? ((GenericArrayType) type).getGenericComponentType() : component;
            Object array = Array.newInstance(component, list.size());
            for (int i = 0; i < list.size(); i++) {
                Array.set(array, i, convert(list.get(i), elementType, meshes));
            }
            return array;
        }
        if (Collection.class.isAssignableFrom(raw) || raw == Iterable.class) {
            List<?> list = list(v);
            Type elementType = typeArgument(type, 0);
            Collection<Object> out = Set.class.isAssignableFrom(raw) ? new LinkedHashSet<>() : new ArrayList<>(list.size());
            for (Object e : list) {
                out.add(convert(e, elementType, meshes));
            }
            return Set.class.isAssignableFrom(raw) ? Collections.unmodifiableSet((Set<Object>) out)
                    : Collections.unmodifiableList((List<Object>) out);
        }
        if (Map.class.isAssignableFrom(raw)) {
            if (!(v instanceof Map)) {
                throw mismatch("a map", v);
            }
            Type keyType = typeArgument(type, 0);
            Type valueType = typeArgument(type, 1);
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                out.put(convert(e.getKey(), keyType, meshes), convert(e.getValue(), valueType, meshes));
            }
            return Collections.unmodifiableMap(out);
        }
        if (raw.isRecord()) {
            return record(raw, v, meshes);
        }
        Method fromWire = fromWire(raw);
        if (fromWire != null) {
            try {
                return fromWire.invoke(null, plain(v));
            } catch (ReflectiveOperationException e) {
                Throwable c = e.getCause() != null ? e.getCause() : e;
                throw new MappingException("not a valid " + raw.getSimpleName() + ": " + Quoted.bound(c.getMessage(), 2 * Quoted.MAX));
            }
        }
        throw new MappingException("values of type " + raw.getName() + " cannot travel in a call");
    }

    /** @return the value with typed arrays turned into Java arrays, for parameters typed Object */
    private static Object plain(Object v) {
        if (v instanceof CborTagged) {
            CborTagged t = (CborTagged) v;
            TypedArray ta = TypedArray.ofTag(t.tag());
            if (ta != null && t.value() instanceof byte[]) {
                return typedArray(ta, (byte[]) t.value());
            }
            return v;
        }
        if (v instanceof List) {
            List<Object> out = new ArrayList<>(((List<?>) v).size());
            for (Object e : (List<?>) v) {
                out.add(plain(e));
            }
            return out;
        }
        if (v instanceof Map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                out.put(plain(e.getKey()), plain(e.getValue()));
            }
            return out;
        }
        return v;
    }

    private static Object typedArray(TypedArray ta, byte[] bytes) {
        int n = bytes.length / ta.elementSize();
        if (n * ta.elementSize() != bytes.length) {
            throw new MappingException("a " + ta.describe() + " typed array of " + bytes.length + " bytes, not a multiple of "
                    + ta.elementSize());
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ta.order());
        if (ta.floating()) {
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = ta.elementSize() == 4 ? buf.getFloat(4 * i) : ta.elementSize() == 8 ? buf.getDouble(8 * i)
                        : Cbor.halfToFloat(buf.getShort(2 * i));
            }
            return d;
        }
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
            switch (ta.elementSize()) {
                case 1:
                    l[i] = ta.signed() ? bytes[i] : bytes[i] & 0xff;
                    break;
                case 2:
                    l[i] = ta.signed() ? buf.getShort(2 * i) : buf.getShort(2 * i) & 0xffff;
                    break;
                case 4:
                    l[i] = ta.signed() ? buf.getInt(4 * i) : buf.getInt(4 * i) & 0xffffffffL;
                    break;
                default:
                    l[i] = buf.getLong(8 * i);
            }
        }
        return l;
    }

    private static List<?> list(Object v) {
        Object p = plain(v);
        if (p instanceof List) {
            return (List<?>) p;
        }
        List<Object> out = new ArrayList<>();
        if (p instanceof double[]) {
            for (double d : (double[]) p) {
                out.add(d);
            }
            return out;
        }
        if (p instanceof long[]) {
            for (long l : (long[]) p) {
                out.add(l);
            }
            return out;
        }
        throw mismatch("a list", v);
    }

    private static long whole(Object v, long min, long max) {
        long l;
        if (v instanceof Long) {
            l = (Long) v;
        } else if (v instanceof Double && Double.isFinite((Double) v) && (Double) v == Math.rint((Double) v)
                && Math.abs((Double) v) < 9.3e18) {
            l = (long) (double) (Double) v;
        } else if (v instanceof Number) {
            throw new MappingException("a whole number between " + min + " and " + max + " expected, got " + shown(v));
        } else {
            throw mismatch("a whole number", v);
        }
        if (l < min || l > max) {
            throw new MappingException("a whole number between " + min + " and " + max + " expected, got " + l);
        }
        return l;
    }

    private static double number(Object v) {
        if (v instanceof Long || v instanceof Double) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof BigInteger) {
            return ((BigInteger) v).doubleValue();
        }
        throw mismatch("a number", v);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumConstant(Class<?> type, Object v) {
        if (!(v instanceof String)) {
            throw mismatch("one of " + names(type), v);
        }
        for (Object c : type.getEnumConstants()) {
            if (((Enum) c).name().equalsIgnoreCase((String) v)
                    || c instanceof WireValue && v.equals(((WireValue) c).toWire())) {
                return c;
            }
        }
        throw new MappingException("one of " + names(type) + " expected, got " + Quoted.quote((String) v));
    }

    private static List<String> names(Class<?> enumType) {
        List<String> out = new ArrayList<>();
        for (Object c : enumType.getEnumConstants()) {
            out.add(c instanceof WireValue ? String.valueOf(((WireValue) c).toWire()) : ((Enum<?>) c).name());
        }
        return out;
    }

    private static Object record(Class<?> type, Object v, Meshes meshes) {
        if (!(v instanceof Map)) {
            throw mismatch("a map of " + type.getSimpleName() + "'s fields", v);
        }
        Map<?, ?> m = (Map<?, ?>) v;
        RecordComponent[] parts = type.getRecordComponents();
        Class<?>[] types = new Class<?>[parts.length];
        Object[] values = new Object[parts.length];
        for (int i = 0; i < parts.length; i++) {
            types[i] = parts[i].getType();
            try {
                values[i] = convert(m.get(parts[i].getName()), parts[i].getGenericType(), meshes);
            } catch (MappingException e) {
                throw new MappingException("field '" + parts[i].getName() + "': " + e.getMessage());
            }
        }
        try {
            Constructor<?> c = type.getDeclaredConstructor(types);
            c.setAccessible(true);
            return c.newInstance(values);
        } catch (ReflectiveOperationException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            throw new MappingException("not a valid " + type.getSimpleName() + ": " + Quoted.bound(c.getMessage(), 2 * Quoted.MAX));
        }
    }

    private static Method fromWire(Class<?> type) {
        try {
            Method m = type.getMethod("fromWire", Object.class);
            return Modifier.isStatic(m.getModifiers()) && type.isAssignableFrom(m.getReturnType()) ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static MappingException mismatch(String expected, Object v) {
        return new MappingException(expected + " expected, got " + describe(v));
    }

    /** @return a short description of a plain value: its CBOR type, and the value when short */
    public static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        String type = v instanceof String ? "text" : v instanceof Boolean ? "a boolean" : v instanceof Number ? "number"
                : v instanceof List ? "a list" : v instanceof Map ? "a map" : v instanceof byte[] ? "a byte string"
                : v instanceof CborTagged ? "a tagged item" : v.getClass().getSimpleName();
        if (v instanceof String) {
            return type + " " + Quoted.quote((String) v, 40);
        }
        if (v instanceof Number) {
            return type + " " + shown(v);
        }
        if (v instanceof Boolean) {
            return type + " " + v;
        }
        return type;
    }

    /** @return a number as a message quotes it: a bignum of a client's is cut like any text it sent */
    private static String shown(Object v) {
        return Quoted.bound(String.valueOf(v), 40);
    }

    /** @return the class of a type: the raw class of a parameterized type, Object for variables and wildcards */
    public static Class<?> rawClass(Type t) {
        if (t instanceof Class) {
            return (Class<?>) t;
        }
        if (t instanceof ParameterizedType) {
            return (Class<?>) ((ParameterizedType) t).getRawType();
        }
        if (t instanceof GenericArrayType) {
            return Array.newInstance(rawClass(((GenericArrayType) t).getGenericComponentType()), 0).getClass();
        }
        if (t instanceof WildcardType) {
            Type[] upper = ((WildcardType) t).getUpperBounds();
            return upper.length == 0 ? Object.class : rawClass(upper[0]);
        }
        if (t instanceof TypeVariable) {
            Type[] bounds = ((TypeVariable<?>) t).getBounds();
            return bounds.length == 0 ? Object.class : rawClass(bounds[0]);
        }
        return Object.class;
    }

    private static Type typeArgument(Type t, int i) {
        if (t instanceof ParameterizedType) {
            Type[] args = ((ParameterizedType) t).getActualTypeArguments();
            return i < args.length ? args[i] : Object.class;
        }
        return Object.class;
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
        write(out, v, meshes, 0);
    }

    private static void write(Out out, Object v, Meshes meshes, int depth) {
        if (depth > MAX_DEPTH) {
            throw new MappingException("a value nested more than " + MAX_DEPTH + " deep (a cycle?)");
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
            RecordComponent[] parts = v.getClass().getRecordComponents();
            w.mapHeader(parts.length);
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
        } else {
            throw new MappingException("a " + v.getClass().getName() + " cannot travel in a call (not a record, enum,"
                    + " collection, map, mesh or WireValue)");
        }
    }
}
