package io.meshport.samples.text;

import java.nio.charset.StandardCharsets;

/**
 * Parses numbers straight from the bytes of an ASCII file, without a {@code String} per token in the
 * common case. Decimal values with few significant digits take an exact fast path (one correctly
 * rounded IEEE operation on exact operands); anything else goes through the JDK's parser, so results
 * are always correctly rounded. Shared by the sample codecs, each of which embeds it (bnd's
 * conditional package), as a third party's codec would embed a helper of its own.
 */
public final class AsciiNumbers {
    private static final float[] FLOAT_POW10 = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};
    private static final double[] DOUBLE_POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    private AsciiNumbers() {
    }

    /**
     * @param b the bytes
     * @param start the token's first byte
     * @param end after the token's last byte
     * @return the token as the nearest float
     * @throws NumberFormatException if the token is not a number
     */
    public static float parseFloat(byte[] b, int start, int end) {
        long bits = fastDecimal(b, start, end);
        if (bits != NO_FAST_PATH) {
            long mantissa = bits >> 8;
            int exp10 = (byte) bits;
            if (mantissa <= (1L << 24) && exp10 >= -10 && exp10 <= 10) {
                float m = mantissa;
                float f = exp10 < 0 ? m / FLOAT_POW10[-exp10] : m * FLOAT_POW10[exp10];
                return negative(b, start) ? -f : f;
            }
        }
        return Float.parseFloat(text(b, start, end));
    }

    /**
     * @param b the bytes
     * @param start the token's first byte
     * @param end after the token's last byte
     * @return the token as the nearest double
     * @throws NumberFormatException if the token is not a number
     */
    public static double parseDouble(byte[] b, int start, int end) {
        long bits = fastDecimal(b, start, end);
        if (bits != NO_FAST_PATH) {
            long mantissa = bits >> 8;
            int exp10 = (byte) bits;
            if (mantissa <= (1L << 53) && exp10 >= -22 && exp10 <= 22) {
                double m = mantissa;
                double d = exp10 < 0 ? m / DOUBLE_POW10[-exp10] : m * DOUBLE_POW10[exp10];
                return negative(b, start) ? -d : d;
            }
        }
        return Double.parseDouble(text(b, start, end));
    }

    /**
     * An integer token: an optional sign and 1 to 18 decimal digits.
     *
     * @param b the bytes
     * @param start the token's first byte
     * @param end after the token's last byte
     * @return its value
     * @throws NumberFormatException if the token is not such an integer
     */
    public static long parseLong(byte[] b, int start, int end) {
        int i = start;
        boolean neg = false;
        if (i < end && (b[i] == '-' || b[i] == '+')) {
            neg = b[i] == '-';
            i++;
        }
        if (i == end || end - i > 18) {
            throw new NumberFormatException();
        }
        long v = 0;
        for (; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                throw new NumberFormatException();
            }
            v = v * 10 + d;
        }
        return neg ? -v : v;
    }

    private static final long NO_FAST_PATH = Long.MIN_VALUE;

    /**
     * Reads {@code [sign] digits [. digits] [e [sign] digits]} with a mantissa of at most 2^53 and a
     * small exponent.
     *
     * @return the mantissa shifted left by 8 with the power of ten in the low byte, or
     *         {@link #NO_FAST_PATH}
     */
    private static long fastDecimal(byte[] b, int start, int end) {
        int i = start;
        if (i < end && (b[i] == '-' || b[i] == '+')) {
            i++;
        }
        long mantissa = 0;
        int significant = 0;
        int exp10 = 0;
        boolean digits = false;
        for (; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            digits = true;
            if (mantissa == 0 && d == 0) {
                continue;
            }
            if (significant == 18) {
                return NO_FAST_PATH;
            }
            mantissa = mantissa * 10 + d;
            significant++;
        }
        if (i < end && b[i] == '.') {
            for (i++; i < end; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                digits = true;
                if (mantissa == 0 && d == 0) {
                    exp10--;
                    continue;
                }
                if (significant == 18) {
                    return NO_FAST_PATH;
                }
                mantissa = mantissa * 10 + d;
                significant++;
                exp10--;
            }
        }
        if (!digits) {
            return NO_FAST_PATH;
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            boolean negExp = false;
            if (i < end && (b[i] == '-' || b[i] == '+')) {
                negExp = b[i] == '-';
                i++;
            }
            if (i == end) {
                return NO_FAST_PATH;
            }
            int e = 0;
            for (; i < end; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9 || e > 1000) {
                    return NO_FAST_PATH;
                }
                e = e * 10 + d;
            }
            exp10 += negExp ? -e : e;
        }
        if (i != end) {
            return NO_FAST_PATH;
        }
        if (mantissa == 0) {
            exp10 = 0;
        }
        if (exp10 < -100 || exp10 > 100 || mantissa > (1L << 53)) {
            return NO_FAST_PATH;
        }
        return (mantissa << 8) | (exp10 & 0xff);
    }

    private static boolean negative(byte[] b, int start) {
        return b[start] == '-';
    }

    /**
     * @param b the bytes
     * @param start first byte
     * @param end after the last byte
     * @return the bytes as Latin-1 text
     */
    public static String text(byte[] b, int start, int end) {
        return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
    }

    /**
     * A token for an error message: at most 40 characters, control and non-ASCII bytes escaped.
     *
     * @param b the bytes
     * @param start first byte
     * @param end after the last byte
     * @return printable text
     */
    public static String quote(byte[] b, int start, int end) {
        StringBuilder s = new StringBuilder("'");
        int stop = Math.min(end, start + 40);
        for (int i = start; i < stop; i++) {
            int c = b[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\'') {
                s.append((char) c);
            } else {
                s.append(String.format("\\x%02x", c));
            }
        }
        if (stop < end) {
            s.append("...");
        }
        return s.append('\'').toString();
    }
}
