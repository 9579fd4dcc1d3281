package io.meshport.node.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshport.protocol.ErrorCode;

/** Parameter values: every type, the number forms callers send, and clear refusals. */
class ParmsTest extends GraphTestBase {
    Graph g;
    String n;

    @BeforeEach
    void setUp() {
        register("offset", offset);
        g = graph(false);
        n = g.create("/obj", "offset", "n");
    }

    @Test
    void valuesAreNormalizedToTheParameterType() {
        g.setParm(n, "steps", 3);            // Integer
        assertEquals(3L, g.parm(n, "steps"));
        g.setParm(n, "steps", 4.0);          // an integral float, as JavaScript encoders send
        assertEquals(4L, g.parm(n, "steps"));
        g.setParm(n, "unit", 2);             // an int for a float parameter
        assertEquals(2.0, g.parm(n, "unit"));
        g.setParm(n, "unit", 0.25f);
        assertEquals(0.25, g.parm(n, "unit"));
        g.setParm(n, "axis", "z");
        assertEquals("z", g.parm(n, "axis"));
        g.setParm(n, "on", 0);               // 0/1 for a toggle
        assertEquals(false, g.parm(n, "on"));
        g.setParm(n, "on", true);
        assertEquals(true, g.parm(n, "on"));
        g.setParm(n, "extra", List.of(1, 2.5, -3L));
        assertEquals(List.of(1.0, 2.5, -3.0), g.parm(n, "extra"));
        g.setParm(n, "extra", new double[] {4, 5, 6});
        assertEquals(List.of(4.0, 5.0, 6.0), g.parm(n, "extra"));
        g.setParm(n, "output", "geo/out");
        assertEquals("geo/out", g.parm(n, "output"));
    }

    @Test
    void wrongValuesAreRefusedNamingTheParameterAndTheValue() {
        expect(ErrorCode.BAD_ARGS, "parameter 'steps' (int): 11 is outside the range [0, 10]", () -> g.setParm(n, "steps", 11));
        expect(ErrorCode.BAD_ARGS, "parameter 'steps' (int): a whole number expected, got 2.5", () -> g.setParm(n, "steps", 2.5));
        expect(ErrorCode.BAD_ARGS, "parameter 'steps' (int): a whole number expected, got text '3'", () -> g.setParm(n, "steps", "3"));
        expect(ErrorCode.BAD_ARGS, "parameter 'unit' (float): a finite number expected, got NaN", () -> g.setParm(n, "unit", Double.NaN));
        expect(ErrorCode.BAD_ARGS, "parameter 'axis' (menu): one of [x, y, z] expected, got text 'w'", () -> g.setParm(n, "axis", "w"));
        expect(ErrorCode.BAD_ARGS, "parameter 'on' (toggle): true or false (or 1 or 0) expected, got number 2", () -> g.setParm(n, "on", 2));
        expect(ErrorCode.BAD_ARGS, "parameter 'extra' (vector): a list of 3 numbers expected", () -> g.setParm(n, "extra", List.of(1, 2)));
        expect(ErrorCode.BAD_ARGS, "parameter 'extra' (vector): component 1 must be a number, got text 'a'",
                () -> g.setParm(n, "extra", List.of(1, "a", 3)));
        expect(ErrorCode.BAD_ARGS, "parameter 'output' (text): text expected, got number 5", () -> g.setParm(n, "output", 5));
        expect(ErrorCode.BAD_ARGS, "no value (null)", () -> g.setParm(n, "output", null));
        expect(ErrorCode.NOT_FOUND, "has no parameter 'stepz'; its parameters: steps, axis, extra, on, unit, output",
                () -> g.setParm(n, "stepz", 1));
        expect(ErrorCode.NOT_FOUND, "has no parameter 'nope'", () -> g.parm(n, "nope"));
        assertEquals(1L, g.parm(n, "steps"), "a refused value leaves the old one");
    }

    @Test
    void textFromTheShellIsParsedPerType() {
        NodeCommands shell = new NodeCommands(g);
        assertEquals("steps = 7", shell.set(n, "steps", "7"));
        assertEquals("on = false", shell.set(n, "on", "off"));
        assertEquals("extra = [1.0, 2.0, 3.5]", shell.set(n, "extra", "1,2, 3.5"));
        assertEquals("unit = 0.5", shell.set(n, "unit", "0.5"));
        assertEquals("BAD_ARGS: /obj/n: parameter 'steps' (int): 'seven' is not a number", shell.set(n, "steps", "seven"));
        assertEquals("BAD_ARGS: /obj/n: parameter 'steps' (int): 12 is outside the range [0, 10]", shell.set(n, "steps", "12"));
        assertEquals("NOT_FOUND: no node '/obj/zz'", shell.set("/obj/zz", "steps", "1"));
    }
}
