package io.meshport.samples.text;

import java.util.Locale;

/**
 * Reads the spellings of infinity and NaN that writers print and the JDK's parser does not take: C's
 * {@code inf}, {@code -inf}, {@code infinity}, {@code nan}, {@code -nan}, {@code nan(0x1)} (any case),
 * and the Microsoft C runtime's {@code 1.#INF}, {@code -1.#IND}, {@code 1.#QNAN}. They are floats (not
 * finite ones): an attribute keeps them, a position refuses them as such.
 */
public final class NonFinite {
    private NonFinite() {
    }

    /**
     * @param b the bytes
     * @param start the token's first byte
     * @param end after its last byte
     * @return the value: an infinity or NaN
     * @throws NumberFormatException when the token is none of these spellings
     */
    public static double parse(byte[] b, int start, int end) {
        if (end - start > 24) {
            throw new NumberFormatException();
        }
        String t = new String(b, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        boolean negative = t.startsWith("-");
        if (negative || t.startsWith("+")) {
            t = t.substring(1);
        }
        if (t.startsWith("1.#")) {
            t = t.substring(3).replaceAll("0+$", "");
            if (t.equals("inf")) {
                return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            if (t.equals("ind") || t.equals("qnan") || t.equals("snan")) {
                return Double.NaN;
            }
            throw new NumberFormatException();
        }
        if (t.equals("inf") || t.equals("infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (t.equals("nan") || (t.startsWith("nan(") && t.endsWith(")"))) {
            return Double.NaN;
        }
        throw new NumberFormatException();
    }
}
