package io.meshport.mesh;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import org.joml.Vector3f;

/**
 * One named attribute of a {@link Mesh}: tuples of {@link #size()} elements, one tuple per point,
 * vertex, face, or one for the whole mesh ({@link #owner()}), stored as floats, ints or text in one
 * flat array (tuple {@code t}, component {@code c} is element {@code t * size + c}).
 *
 * <p>Immutable. The factories take ownership of the array they are given: the caller must not change
 * it afterwards. Readers get values, copies or read-only buffers, never the array itself.
 */
public final class Attribute {
    /** The largest tuple size. */
    public static final int MAX_SIZE = 16;

    private final String name;
    private final AttributeOwner owner;
    private final int size;
    private final AttributeStorage storage;
    private final float[] floats;
    private final int[] ints;
    private final String[] strings;

    private Attribute(String name, AttributeOwner owner, int size, AttributeStorage storage,
            float[] floats, int[] ints, String[] strings) {
        this.name = name;
        this.owner = owner;
        this.size = size;
        this.storage = storage;
        this.floats = floats;
        this.ints = ints;
        this.strings = strings;
    }

    /**
     * A float attribute.
     *
     * @param name the name, matching {@code [A-Za-z_][A-Za-z0-9_]*}
     * @param owner what the tuples belong to
     * @param size elements per tuple, 1 to 16
     * @param data the elements; the attribute takes ownership of this array
     * @return the attribute
     * @throws InvalidMeshException when the name, size or data length is wrong
     */
    public static Attribute ofFloats(String name, AttributeOwner owner, int size, float[] data) {
        check(name, owner, size, data == null ? -1 : data.length);
        return new Attribute(name, owner, size, AttributeStorage.FLOAT, data, null, null);
    }

    /**
     * An int attribute.
     *
     * @param name the name, matching {@code [A-Za-z_][A-Za-z0-9_]*}
     * @param owner what the tuples belong to
     * @param size elements per tuple, 1 to 16
     * @param data the elements; the attribute takes ownership of this array
     * @return the attribute
     * @throws InvalidMeshException when the name, size or data length is wrong
     */
    public static Attribute ofInts(String name, AttributeOwner owner, int size, int[] data) {
        check(name, owner, size, data == null ? -1 : data.length);
        return new Attribute(name, owner, size, AttributeStorage.INT, null, data, null);
    }

    /**
     * A text attribute.
     *
     * @param name the name, matching {@code [A-Za-z_][A-Za-z0-9_]*}
     * @param owner what the tuples belong to
     * @param size elements per tuple, 1 to 16
     * @param data the elements, none null; the attribute takes ownership of this array
     * @return the attribute
     * @throws InvalidMeshException when the name, size or data is wrong
     */
    public static Attribute ofStrings(String name, AttributeOwner owner, int size, String[] data) {
        check(name, owner, size, data == null ? -1 : data.length);
        for (int i = 0; i < data.length; i++) {
            if (data[i] == null) {
                throw new InvalidMeshException("attributes." + name + ".data[" + i + "] is null");
            }
        }
        return new Attribute(name, owner, size, AttributeStorage.STRING, null, null, data);
    }

    private static void check(String name, AttributeOwner owner, int size, int length) {
        String problem = nameProblem(name);
        if (problem != null) {
            throw new InvalidMeshException(problem);
        }
        if (owner == null) {
            throw new InvalidMeshException("attributes." + name + ".owner is missing");
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new InvalidMeshException("attributes." + name + ".size is " + size + ", outside 1.." + MAX_SIZE);
        }
        if (length < 0) {
            throw new InvalidMeshException("attributes." + name + ".data is missing");
        }
        if (length % size != 0) {
            throw new InvalidMeshException("attributes." + name + ".data has " + length
                    + " elements, not a multiple of its size " + size);
        }
    }

    /**
     * Checks an attribute name.
     *
     * @param name a proposed attribute name
     * @return null when the name is valid, else what is wrong with it
     */
    public static String nameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "attributes: an attribute name is empty";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            if (!(letter || (i > 0 && c >= '0' && c <= '9'))) {
                return "attributes: name '" + name + "' does not match [A-Za-z_][A-Za-z0-9_]* (character "
                        + i + ")";
            }
        }
        return null;
    }

    /** @return the attribute's name */
    public String name() {
        return name;
    }

    /** @return what the tuples belong to */
    public AttributeOwner owner() {
        return owner;
    }

    /** @return elements per tuple */
    public int size() {
        return size;
    }

    /** @return how the elements are stored */
    public AttributeStorage storage() {
        return storage;
    }

    /** @return the number of elements, {@code tupleCount() * size()} */
    public int elementCount() {
        switch (storage) {
            case FLOAT: return floats.length;
            case INT: return ints.length;
            default: return strings.length;
        }
    }

    /** @return the number of tuples */
    public int tupleCount() {
        return elementCount() / size;
    }

    /**
     * @param tuple the tuple number
     * @param component the component within the tuple, {@code 0 <= component < size()}
     * @return the element of a float attribute
     * @throws IllegalStateException if the attribute is not stored as floats
     */
    public float getFloat(int tuple, int component) {
        return floatData()[tuple * size + component];
    }

    /**
     * @param tuple the tuple number
     * @param component the component within the tuple
     * @return the element of an int attribute
     * @throws IllegalStateException if the attribute is not stored as ints
     */
    public int getInt(int tuple, int component) {
        return intData()[tuple * size + component];
    }

    /**
     * @param tuple the tuple number
     * @param component the component within the tuple
     * @return the element of a text attribute
     * @throws IllegalStateException if the attribute is not stored as text
     */
    public String getString(int tuple, int component) {
        if (strings == null) {
            throw new IllegalStateException("attribute " + name + " is " + storage.wireName() + ", not string");
        }
        return strings[tuple * size + component];
    }

    /**
     * Reads the first three components of a float tuple and stores them in {@code dest}.
     *
     * @param tuple the tuple number
     * @param dest will hold the result
     * @return dest
     * @throws IllegalStateException if the attribute is not three or more floats per tuple
     */
    public Vector3f get(int tuple, Vector3f dest) {
        float[] f = floatData();
        if (size < 3) {
            throw new IllegalStateException("attribute " + name + " has size " + size + ", not 3");
        }
        int i = tuple * size;
        return dest.set(f[i], f[i + 1], f[i + 2]);
    }

    /** @return a read-only view of a float attribute's elements, position 0 */
    public FloatBuffer floats() {
        return FloatBuffer.wrap(floatData()).asReadOnlyBuffer();
    }

    /** @return a read-only view of an int attribute's elements, position 0 */
    public IntBuffer ints() {
        return IntBuffer.wrap(intData()).asReadOnlyBuffer();
    }

    /** @return an unmodifiable view of a text attribute's elements */
    public List<String> strings() {
        if (strings == null) {
            throw new IllegalStateException("attribute " + name + " is " + storage.wireName() + ", not string");
        }
        return Collections.unmodifiableList(Arrays.asList(strings));
    }

    /**
     * The same data under another name (the array is shared, not copied).
     *
     * @param newName the new name
     * @return the renamed attribute
     */
    public Attribute withName(String newName) {
        check(newName, owner, size, elementCount());
        return new Attribute(newName, owner, size, storage, floats, ints, strings);
    }

    /** @return an estimate of the heap this attribute holds, in bytes */
    public long retainedBytes() {
        long b = 64;
        if (floats != null) {
            b += 16 + 4L * floats.length;
        } else if (ints != null) {
            b += 16 + 4L * ints.length;
        } else {
            b += 16 + 4L * strings.length;
            for (String s : strings) {
                b += 40 + s.length();
            }
        }
        return b;
    }

    private float[] floatData() {
        if (floats == null) {
            throw new IllegalStateException("attribute " + name + " is " + storage.wireName() + ", not float");
        }
        return floats;
    }

    private int[] intData() {
        if (ints == null) {
            throw new IllegalStateException("attribute " + name + " is " + storage.wireName() + ", not int");
        }
        return ints;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Attribute)) {
            return false;
        }
        Attribute a = (Attribute) o;
        return name.equals(a.name) && owner == a.owner && size == a.size && storage == a.storage
                && Arrays.equals(floats, a.floats) && Arrays.equals(ints, a.ints) && Arrays.equals(strings, a.strings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, owner, size, storage);
    }

    @Override
    public String toString() {
        return "Attribute[" + name + ", " + owner.wireName() + ", " + storage.wireName() + "[" + size + "] x "
                + tupleCount() + "]";
    }
}
