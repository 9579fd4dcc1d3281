package io.meshport.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QuotedTest {
    @Test
    void shortTextIsQuotedAsItIs() {
        assertEquals("'calc'", Quoted.quote("calc"));
        assertEquals("''", Quoted.quote(""));
        assertEquals("null", Quoted.quote(null));
        assertEquals("'héllo wörld'", Quoted.quote("héllo wörld"));
        assertEquals("'C:\\path'", Quoted.quote("C:\\path"), "a backslash stays one");
    }

    @Test
    void longTextIsCutAndItsLengthSaid() {
        assertEquals("'" + "x".repeat(100) + "'... (100000 characters)", Quoted.quote("x".repeat(100_000)));
        assertEquals("'abc'... (5 characters)", Quoted.quote("abcde", 3));
        assertEquals("'abc'", Quoted.quote("abc", 3));
        assertEquals("abc... (5 characters)", Quoted.bound("abcde", 3));
        assertEquals("abc", Quoted.bound("abc", 3));
    }

    @Test
    void controlAndInvisibleCharactersAreEscaped() {
        assertEquals("'a\\nb\\r\\tc\\u0000\\u001B[31m\\u007F\\u0085'", Quoted.quote("a\nb\r\tc\u0000\u001b[31m\u007f\u0085"));
        assertEquals("'\\u2028\\u2029\\u202E\\u200B\\uFEFF'", Quoted.quote("\u2028\u2029\u202e\u200b\ufeff"));
        assertEquals("'\\uDB40\\uDC01'", Quoted.quote("\uDB40\uDC01"), "a supplementary format character (a tag)");
        assertEquals("'\\uD800x'", Quoted.quote("\uD800x"), "a lone surrogate");
        assertEquals("line\\nbreak", Quoted.bound("line\nbreak", 100));
    }

    @Test
    void charactersAreCodePointsAndPairsAreNeverSplit() {
        String emoji = "\uD83D\uDE00"; // one character, two UTF-16 units
        assertEquals("'" + emoji + emoji + "'... (3 characters)", Quoted.quote(emoji + emoji + emoji, 2));
        assertEquals("'\\n'... (2 characters)", Quoted.quote("\n\n", 1), "an escape counts as the one character it stands for");
    }
}
