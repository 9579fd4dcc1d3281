package io.meshport.launcher;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link ObjParser} read from an OBJ file, in flat growing arrays, before it becomes a mesh
 * ({@link ObjMesh}): the {@code v}, {@code vt} and {@code vn} lists, each face's corners (0-based numbers
 * into those lists), and per face its line, group, object, material and
 * smoothing group. Names are numbered in the order they first appear.
 */
final class ObjData {
    /** A growing {@code float[]}. */
    static final class Floats {
        float[] a = new float[48];
        int size;

        void add(float f) {
            if (size == a.length) {
                a = Arrays.copyOf(a, a.length + (a.length >> 1) + 16);
            }
            a[size++] = f;
        }

        float[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }

    /** A growing {@code int[]}. */
    static final class Ints {
        int[] a = new int[48];
        int size;

        void add(int i) {
            if (size == a.length) {
                a = Arrays.copyOf(a, a.length + (a.length >> 1) + 16);
            }
            a[size++] = i;
        }

        int get(int k) {
            return a[k];
        }

        int[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }

    /** Names numbered in the order they first appear. */
    static final class Names {
        final Map<String, Integer> numbers = new LinkedHashMap<>();
        /** Whether the statement that sets them appeared at all. */
        boolean used;

        int number(String name) {
            used = true;
            return numbers.computeIfAbsent(name, n -> numbers.size());
        }

        List<String> list() {
            return new ArrayList<>(numbers.keySet());
        }
    }

    /** x y z per {@code v}. */
    final Floats positions = new Floats();
    /** r g b per {@code v}, from the first {@code v} that has colours on (zeros before it). */
    final Floats colors = new Floats();
    int coloredVertices;
    /** u v per {@code vt}. */
    final Floats texcoords = new Floats();
    /** x y z per {@code vn}. */
    final Floats normals = new Floats();

    /** What a corner's vt or vn is when it names none. */
    static final int NONE = Integer.MIN_VALUE;

    /**
     * Per corner of a face: its v, vt and vn (0-based, negative when a relative number counts back past the
     * first; {@link #NONE} where the corner names no vt or vn).
     */
    final Ints cornerV = new Ints();
    final Ints cornerT = new Ints();
    final Ints cornerN = new Ints();
    /** Per face: its corners, the line it is on, its group, object and material (-1: none) and smoothing group. */
    final Ints faceCounts = new Ints();
    final Ints faceLine = new Ints();
    final Ints faceGroup = new Ints();
    final Ints faceObject = new Ints();
    final Ints faceMaterial = new Ints();
    final Ints faceSmooth = new Ints();

    final Names groups = new Names();
    final Names objects = new Names();
    final Names materials = new Names();
    final List<String> mtllibs = new ArrayList<>();

    /** Lines ({@code l}, and {@code f} of two corners): their vertices (0-based v), and how many each has. */
    final Ints linePoints = new Ints();
    final Ints lineCounts = new Ints();
    /** The first line of each, for messages. */
    final Ints lineLine = new Ints();

    int vertices() {
        return positions.size / 3;
    }

    int faces() {
        return faceCounts.size;
    }
}
