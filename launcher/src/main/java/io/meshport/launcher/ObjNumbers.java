package io.meshport.launcher;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads a number of an OBJ file as the JDK does ({@link Float#parseFloat}), and also the spellings of
 * infinity and NaN that C programs print and the JDK does not take ({@code inf}, {@code -inf},
 * {@code infinity}, {@code nan}, {@code -nan}, {@code nan(...)} in any case; Microsoft's {@code 1.#INF},
 * {@code -1.#IND}, {@code 1.#QNAN}): they are floats, though not finite ones.
 */
final class ObjNumbers {
    private ObjNumbers() {
    }

    /**
     * @param b the bytes
     * @param s the token's first byte
     * @param e after its last byte
     * @return the nearest float
     * @throws NumberFormatException when the token is no number
     */
    static float parse(byte[] b, int s, int e) {
        String t = new String(b, s, e - s, StandardCharsets.ISO_8859_1);
        try {
            return Float.parseFloat(t);
        } catch (NumberFormatException notJava) {
            return nonFinite(t.toLowerCase(Locale.ROOT));
        }
    }

    private static float nonFinite(String t) {
        boolean negative = t.startsWith("-");
        if (negative || t.startsWith("+")) {
            t = t.substring(1);
        }
        if (t.startsWith("1.#")) {
            t = t.substring(3).replaceAll("0+$", "");
            if (t.equals("inf")) {
                return negative ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
            }
            if (t.equals("ind") || t.equals("qnan") || t.equals("snan")) {
                return Float.NaN;
            }
        } else if (t.equals("inf") || t.equals("infinity")) {
            return negative ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
        } else if (t.equals("nan") || (t.startsWith("nan(") && t.endsWith(")"))) {
            return Float.NaN;
        }
        throw new NumberFormatException(t);
    }
}
