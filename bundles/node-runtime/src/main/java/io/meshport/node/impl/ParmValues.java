package io.meshport.node.impl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.meshport.node.ParmTemplate;
import io.meshport.node.ParmType;

/**
 * Checks a value given for a parameter against its template and turns it into the parameter's Java
 * type ({@code Long}, {@code Double}, {@code String}, {@code Boolean}, {@code List<Double>}). Values
 * arrive from remote callers (CBOR: any integer or float width), the shell (text) and the save file
 * (JSON), so every number form is accepted where it makes sense.
 */
final class ParmValues {
    private ParmValues() {
    }

    /**
     * @param t the template
     * @param value a value from a caller
     * @return the value in the parameter's Java type
     * @throws IllegalArgumentException naming the parameter and what was wrong
     */
    static Object normalize(ParmTemplate t, Object value) {
        if (value == null) {
            throw bad(t, "no value (null)");
        }
        switch (t.type()) {
            case INT: {
                long v = wholeNumber(t, value);
                checkRange(t, v, String.valueOf(v));
                return v;
            }
            case FLOAT: {
                double v = number(t, value);
                checkRange(t, v, String.valueOf(v));
                return v;
            }
            case TEXT:
                if (!(value instanceof String)) {
                    throw bad(t, "text expected, got " + describe(value));
                }
                return value;
            case MENU:
                if (!(value instanceof String) || !t.items().contains(value)) {
                    throw bad(t, "one of " + t.items() + " expected, got " + describe(value));
                }
                return value;
            case TOGGLE:
                if (value instanceof Boolean) {
                    return value;
                }
                if (value instanceof Number && isIntegral((Number) value)) {
                    double d = ((Number) value).doubleValue();
                    if (d == 0 || d == 1) {
                        return d == 1;
                    }
                }
                throw bad(t, "true or false (or 1 or 0) expected, got " + describe(value));
            case VECTOR: {
                List<?> list = asList(value);
                if (list == null || list.size() != t.size()) {
                    throw bad(t, "a list of " + t.size() + " numbers expected, got " + describe(value));
                }
                List<Double> out = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    Object e = list.get(i);
                    if (!(e instanceof Number)) {
                        throw bad(t, "component " + i + " must be a number, got " + describe(e));
                    }
                    double d = ((Number) e).doubleValue();
                    if (!Double.isFinite(d)) {
                        throw bad(t, "component " + i + " must be finite, got " + d);
                    }
                    checkRange(t, d, "component " + i + " = " + d);
                    out.add(d);
                }
                return Collections.unmodifiableList(out);
            }
            default:
                throw new IllegalStateException(t.type().toString());
        }
    }

    /**
     * Checks a saved value against a parameter type alone, with no template: what a save file can be
     * held to whether or not the node's plugin is there. A template's range, menu items and vector size
     * are not checked here: a plugin may change them between versions, and a value that no longer fits
     * is replaced by the default at cook time, with a warning.
     *
     * @param name the parameter's name, for the message
     * @param type the parameter's type
     * @param value a value read from a save
     * @return the value in the type's Java type
     * @throws IllegalArgumentException naming the parameter and what was wrong
     */
    static Object ofType(String name, ParmType type, Object value) {
        String expected;
        switch (type) {
            case INT:
                if (value instanceof Long || value instanceof Double && isIntegral((Double) value)
                        && Math.abs((Double) value) <= 9.007199254740992E15) {
                    return ((Number) value).longValue();
                }
                expected = "a whole number";
                break;
            case FLOAT:
                if ((value instanceof Long || value instanceof Double) && Double.isFinite(((Number) value).doubleValue())) {
                    return ((Number) value).doubleValue();
                }
                expected = "a finite number";
                break;
            case TEXT:
            case MENU:
                if (value instanceof String) {
                    return value;
                }
                expected = "text";
                break;
            case TOGGLE:
                if (value instanceof Boolean) {
                    return value;
                }
                expected = "true or false";
                break;
            case VECTOR: {
                if (value instanceof List && ((List<?>) value).size() >= 2 && ((List<?>) value).size() <= 4) {
                    List<Double> out = new ArrayList<>();
                    for (Object e : (List<?>) value) {
                        if ((e instanceof Long || e instanceof Double) && Double.isFinite(((Number) e).doubleValue())) {
                            out.add(((Number) e).doubleValue());
                        }
                    }
                    if (out.size() == ((List<?>) value).size()) {
                        return Collections.unmodifiableList(out);
                    }
                }
                expected = "a list of 2 to 4 finite numbers";
                break;
            }
            default:
                throw new IllegalStateException(type.toString());
        }
        throw new IllegalArgumentException("parameter '" + name + "' (" + type.wireName() + "): " + expected + " expected, got "
                + describe(value));
    }

    /** @return the parameter type whose Java type a value has (text for a menu's), or null for none */
    static ParmType typeOf(Object value) {
        return value instanceof Long ? ParmType.INT : value instanceof Double ? ParmType.FLOAT : value instanceof String ? ParmType.TEXT
                : value instanceof Boolean ? ParmType.TOGGLE : value instanceof List ? ParmType.VECTOR : null;
    }

    /**
     * Parses a value typed as text (the shell): numbers, {@code on/off/true/false/1/0} for toggles,
     * and vectors as {@code 1,2,3} or {@code 1 2 3}.
     */
    static Object parse(ParmTemplate t, String text) {
        String s = text.trim();
        try {
            switch (t.type()) {
                case INT:
                    return normalize(t, Long.parseLong(s));
                case FLOAT:
                    return normalize(t, Double.parseDouble(s));
                case TOGGLE:
                    switch (s.toLowerCase(java.util.Locale.ROOT)) {
                        case "on": case "true": case "yes": case "1":
                            return Boolean.TRUE;
                        case "off": case "false": case "no": case "0":
                            return Boolean.FALSE;
                        default:
                            throw bad(t, "on or off expected, got '" + text + "'");
                    }
                case VECTOR: {
                    String[] parts = s.split("[,\\s]+");
                    List<Double> v = new ArrayList<>();
                    for (String p : parts) {
                        if (!p.isEmpty()) {
                            v.add(Double.parseDouble(p));
                        }
                    }
                    return normalize(t, v);
                }
                default:
                    return normalize(t, text);
            }
        } catch (NumberFormatException e) {
            throw bad(t, "'" + text + "' is not a number");
        }
    }

    private static long wholeNumber(ParmTemplate t, Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof java.math.BigInteger) {
            throw bad(t, "a whole number expected, got " + value + ", which is out of range");
        }
        if (value instanceof Number) {
            double d = ((Number) value).doubleValue();
            if (isIntegral((Number) value) && Math.abs(d) <= 9.007199254740992E15) {
                return (long) d;
            }
            throw bad(t, "a whole number expected, got " + value);
        }
        throw bad(t, "a whole number expected, got " + describe(value));
    }

    private static double number(ParmTemplate t, Object value) {
        if (!(value instanceof Number)) {
            throw bad(t, "a number expected, got " + describe(value));
        }
        double d = ((Number) value).doubleValue();
        if (!Double.isFinite(d)) {
            throw bad(t, "a finite number expected, got " + d);
        }
        return d;
    }

    private static boolean isIntegral(Number n) {
        double d = n.doubleValue();
        return Double.isFinite(d) && d == Math.rint(d);
    }

    private static void checkRange(ParmTemplate t, double v, String shown) {
        if (t.min() != null && (v < t.min() || v > t.max())) {
            throw bad(t, shown + " is outside the range [" + format(t.min()) + ", " + format(t.max()) + "]");
        }
    }

    private static String format(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static List<?> asList(Object value) {
        if (value instanceof List) {
            return (List<?>) value;
        }
        if (value instanceof double[]) {
            List<Double> l = new ArrayList<>();
            for (double d : (double[]) value) {
                l.add(d);
            }
            return l;
        }
        if (value instanceof float[]) {
            List<Double> l = new ArrayList<>();
            for (float f : (float[]) value) {
                l.add((double) f);
            }
            return l;
        }
        if (value instanceof Object[]) {
            return List.of((Object[]) value);
        }
        return null;
    }

    /** @return a short description of a value for error messages: its type, and the value if short */
    static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        String s = String.valueOf(v);
        if (s.length() > 40) {
            s = s.substring(0, 40) + "...";
        }
        String type = v instanceof String ? "text" : v instanceof Boolean ? "boolean" : v instanceof Number ? "number"
                : v instanceof List || v instanceof Object[] ? "list" : v instanceof java.util.Map ? "map" : v.getClass().getSimpleName();
        return type + " " + (v instanceof String ? "'" + s + "'" : s);
    }

    private static IllegalArgumentException bad(ParmTemplate t, String what) {
        return new IllegalArgumentException("parameter '" + t.name() + "' (" + t.type().wireName() + "): " + what);
    }
}
