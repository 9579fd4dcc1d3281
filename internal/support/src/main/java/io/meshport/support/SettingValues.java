package io.meshport.support;

import java.util.List;

/** Reading a component's settings the way every Meshport component does: a bad value is named and replaced by its default. */
public final class SettingValues {
    private SettingValues() {
    }

    /**
     * @param v the value as configured (a number, a text, or null/blank for none)
     * @param name the setting's name, for the problem reported
     * @param dflt the default, used when there is no value or a bad one
     * @param min the smallest value allowed
     * @param max the largest value allowed
     * @param problems receives one sentence per bad value replaced by its default
     * @return the value, or the default
     */
    public static long number(Object v, String name, long dflt, long min, long max, List<String> problems) {
        if (v == null || (v instanceof String && ((String) v).isBlank())) {
            return dflt;
        }
        long n;
        try {
            n = v instanceof Number ? ((Number) v).longValue() : Long.parseLong(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            problems.add(name + " = '" + v + "' is not a number; using " + dflt);
            return dflt;
        }
        if (n < min || n > max) {
            problems.add(name + " = " + n + " is outside " + min + ".." + max + "; using " + dflt);
            return dflt;
        }
        return n;
    }
}
