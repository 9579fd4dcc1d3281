package io.meshport.wire.call;

import static io.meshport.wire.call.JavaTypes.rawClass;
import static io.meshport.wire.call.JavaTypes.typeArgument;
import static io.meshport.wire.call.PlainValues.plain;
import static io.meshport.wire.call.ValueMessages.mismatch;
import static io.meshport.wire.call.ValueMessages.shown;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
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
import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborTagged;
import io.meshport.wire.CborValues;
import io.meshport.wire.CborWriter;
import io.meshport.wire.Quoted;
import io.meshport.wire.call.CallValues.MappingException;
import io.meshport.wire.call.CallValues.Meshes;

/**
 * Reads CBOR as the Java type a parameter or result asks for: whole numbers that must fit, any
 * number as a float, arrays, lists, sets and maps element by element, records from maps of their
 * components, enums by name or wire value, {@code fromWire} types, {@code Optional}, and meshes.
 */
final class ValueReader {
    private ValueReader() {
    }

    /** @see CallValues#read(byte[], int, int, Type, Meshes) */
    static Object read(byte[] b, int start, int end, Type type, Meshes meshes) throws CborFormatException {
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

    /** Refuses an argument nested deeper than a result may be, so that whatever is read can be sent back. */
    private static void checkDepth(Object v, int depth) {
        if (depth > CallValues.MAX_DEPTH) {
            throw new MappingException("a value nested more than " + CallValues.MAX_DEPTH + " deep");
        }
        if (v instanceof List) {
            for (Object e : (List<?>) v) {
                checkDepth(e, depth + 1);
            }
        } else if (v instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                checkDepth(e.getKey(), depth + 1);
                checkDepth(e.getValue(), depth + 1);
            }
        } else if (v instanceof CborTagged) {
            checkDepth(((CborTagged) v).value(), depth + 1);
        }
    }

    private static boolean isNull(byte[] b, int pos) {
        int ib = b[pos] & 0xff;
        return ib == 0xf6 || ib == 0xf7; // null, undefined
    }

    /** @see CallValues#convert(Object, Type, Meshes) */
    static Object convert(Object v, Type type, Meshes meshes) {
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
            return array(raw, type, v, meshes);
        }
        if (Collection.class.isAssignableFrom(raw) || raw == Iterable.class) {
            return collection(raw, type, v, meshes);
        }
        if (Map.class.isAssignableFrom(raw)) {
            return map(type, v, meshes);
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

    private static Object array(Class<?> raw, Type type, Object v, Meshes meshes) {
        List<?> list = list(v);
        Class<?> component = raw.getComponentType();
        Type elementType = type instanceof GenericArrayType ? ((GenericArrayType) type).getGenericComponentType() : component;
        Object array = Array.newInstance(component, list.size());
        for (int i = 0; i < list.size(); i++) {
            Array.set(array, i, convert(list.get(i), elementType, meshes));
        }
        return array;
    }

    @SuppressWarnings("unchecked")
    private static Object collection(Class<?> raw, Type type, Object v, Meshes meshes) {
        List<?> list = list(v);
        Type elementType = typeArgument(type, 0);
        Collection<Object> out = Set.class.isAssignableFrom(raw) ? new LinkedHashSet<>() : new ArrayList<>(list.size());
        for (Object e : list) {
            out.add(convert(e, elementType, meshes));
        }
        return Set.class.isAssignableFrom(raw) ? Collections.unmodifiableSet((Set<Object>) out)
                : Collections.unmodifiableList((List<Object>) out);
    }

    private static Object map(Type type, Object v, Meshes meshes) {
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

    /** @return a list, or a typed array, as a list of its elements */
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

    /** @return the type's {@code public static T fromWire(Object)}, or null when it has none */
    private static Method fromWire(Class<?> type) {
        try {
            Method m = type.getMethod("fromWire", Object.class);
            return Modifier.isStatic(m.getModifiers()) && type.isAssignableFrom(m.getReturnType()) ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
