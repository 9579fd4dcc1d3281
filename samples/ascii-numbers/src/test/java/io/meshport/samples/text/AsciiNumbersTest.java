package io.meshport.samples.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;

class AsciiNumbersTest {

    private static float f(String s) {
        byte[] b = ("  " + s + " ").getBytes(StandardCharsets.US_ASCII);
        return AsciiNumbers.parseFloat(b, 2, 2 + s.length());
    }

    private static double d(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return AsciiNumbers.parseDouble(b, 0, b.length);
    }

    @Test
    void theFastPathRoundsExactlyAsTheJdk() {
        Random r = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            String s;
            switch (i % 5) {
                case 0: s = Float.toString(Float.intBitsToFloat(r.nextInt())); break;
                case 1: s = String.format(Locale.ROOT, "%." + r.nextInt(9) + "f", (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(9))); break;
                case 2: s = (r.nextBoolean() ? "-" : "") + r.nextInt(100_000_000) + "e" + (r.nextInt(30) - 15); break;
                case 3: s = "0.000" + r.nextInt(1_000_000_000) + "E+" + r.nextInt(5); break;
                default: s = Double.toString(r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20)); break;
            }
            if (s.contains("Infinity") || s.contains("NaN")) {
                continue;
            }
            assertEquals(Float.parseFloat(s), f(s), s);
            assertEquals(Double.parseDouble(s), d(s), s);
        }
        for (String s : new String[] {"0", "-0", "+0.0", "16777216", "16777217", "0.1", "1e10", "1e11", "123456789012345678",
            "9007199254740993", "1e22", "1e23", "4.9e-324", "3.4028235e38", "1e39", "-1e-50", "000123.4500", "1.", ".5",
            "7e0", "1E-0"}) {
            assertEquals(Float.parseFloat(s), f(s), s);
            assertEquals(Double.parseDouble(s), d(s), s);
        }
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(f("-0.0")));
    }

    @Test
    void integers() {
        byte[] b = "-128 255 +7 4294967295 123456789012345678 1234567890123456789 1.0 - 0x1".getBytes(StandardCharsets.US_ASCII);
        assertEquals(-128, AsciiNumbers.parseLong(b, 0, 4));
        assertEquals(255, AsciiNumbers.parseLong(b, 5, 8));
        assertEquals(7, AsciiNumbers.parseLong(b, 9, 11));
        assertEquals(4294967295L, AsciiNumbers.parseLong(b, 12, 22));
        assertEquals(123456789012345678L, AsciiNumbers.parseLong(b, 23, 41));
        assertThrows(NumberFormatException.class, () -> AsciiNumbers.parseLong(b, 42, 61), "19 digits");
        assertThrows(NumberFormatException.class, () -> AsciiNumbers.parseLong(b, 62, 65));
        assertThrows(NumberFormatException.class, () -> AsciiNumbers.parseLong(b, 66, 67));
        assertThrows(NumberFormatException.class, () -> AsciiNumbers.parseLong(b, 68, 71));
    }

    @Test
    void quoteEscapes() {
        byte[] b = "a'b\u0001c".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("'a\\x27b\\x01c'", AsciiNumbers.quote(b, 0, b.length));
        byte[] longer = "x".repeat(50).getBytes(StandardCharsets.US_ASCII);
        assertEquals("'" + "x".repeat(40) + "...'", AsciiNumbers.quote(longer, 0, longer.length));
    }
}
