package io.meshport.wire.call;

import java.util.List;
import java.util.Map;

import io.meshport.wire.CborTagged;
import io.meshport.wire.Quoted;
import io.meshport.wire.call.CallValues.MappingException;

/**
 * Words for a value that does not fit: its CBOR type, and the value itself when short, quoted so that
 * what a client sent can neither flood a message nor break it.
 */
final class ValueMessages {
    private ValueMessages() {
    }

    /** @return "{@code expected} expected, got" and the value described */
    static MappingException mismatch(String expected, Object v) {
        return new MappingException(expected + " expected, got " + describe(v));
    }

    /** @return a short description of a plain value: its CBOR type, and the value when short */
    static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        String type = v instanceof String ? "text" : v instanceof Boolean ? "a boolean" : v instanceof Number ? "number"
                : v instanceof List ? "a list" : v instanceof Map ? "a map" : v instanceof byte[] ? "a byte string"
                : v instanceof CborTagged ? "a tagged item" : v.getClass().getSimpleName();
        if (v instanceof String) {
            return type + " " + Quoted.quote((String) v, 40);
        }
        if (v instanceof Number) {
            return type + " " + shown(v);
        }
        if (v instanceof Boolean) {
            return type + " " + v;
        }
        return type;
    }

    /** @return a number as a message quotes it: a bignum of a client's is cut like any text it sent */
    static String shown(Object v) {
        return Quoted.bound(String.valueOf(v), 40);
    }
}
