package io.meshport.samples.scatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AttributeSelectionTest {

    @Test
    void emptyTextSelectsNothing() {
        for (String text : new String[] {"", "   ", " , ,"}) {
            AttributeSelection s = AttributeSelection.parse(text);
            assertTrue(s.isEmpty());
            assertFalse(s.matches("Cd"));
        }
        assertFalse(AttributeSelection.none().matches("x"));
    }

    @Test
    void namesAndGlobs() {
        AttributeSelection s = AttributeSelection.parse("Cd uv,  rest_*\tP*x");
        assertTrue(s.matches("Cd"));
        assertTrue(s.matches("uv"));
        assertTrue(s.matches("rest_P"));
        assertTrue(s.matches("rest_"));
        assertTrue(s.matches("Px"));
        assertTrue(s.matches("P_index"));
        assertFalse(s.matches("cd"), "case-sensitive");
        assertFalse(s.matches("Cd2"));
        assertFalse(s.matches("uvw"));
        assertFalse(s.matches("Py"));
        assertTrue(AttributeSelection.parse("*").matches("anything_1"));
        assertTrue(AttributeSelection.parse("*a*b*").matches("xxaxxbxx"));
        assertFalse(AttributeSelection.parse("*a*b*").matches("xxbxxaxx"));
        assertTrue(AttributeSelection.parse("a**").matches("a"));
    }

    @Test
    void exclusionsApplyInOrder() {
        AttributeSelection s = AttributeSelection.parse("* ^Alpha");
        assertTrue(s.matches("Cd"));
        assertFalse(s.matches("Alpha"));
        assertTrue(AttributeSelection.parse("^Alpha *").matches("Alpha"), "a later token wins");
        assertFalse(AttributeSelection.parse("^Alpha").matches("Cd"), "exclusion alone selects nothing");
        AttributeSelection t = AttributeSelection.parse("* ^uv* uv2");
        assertFalse(t.matches("uv"));
        assertTrue(t.matches("uv2"));
        assertTrue(t.matches("N"));
    }

    @Test
    void badTokensAreNamed() {
        for (String bad : new String[] {"Cd 2d", "^", "Cd ^^x", "a-b", "uv.x", "x?", "Cd ^3"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AttributeSelection.parse(bad), bad);
            String token = bad.substring(bad.lastIndexOf(' ') + 1);
            assertTrue(e.getMessage().contains("'" + token + "'"), e.getMessage());
        }
    }

    @Test
    void printsItsText() {
        assertEquals("* ^Alpha", AttributeSelection.parse("  * ^Alpha ").toString());
    }
}
