package io.meshport.wire.mesh;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * A CBOR payload parsed by jackson-dataformat-cbor into a tree of plain values, for
 * {@link JacksonMeshOracle}. Where Jackson hides what an item was (an integer map key becomes a field
 * name, a simple value an integer, undefined a null, inner tags are dropped), the item's first bytes
 * are looked at.
 */
final class JacksonCborTree {
    private static final CBORFactory FACTORY = new CBORFactory();

    static {
        FACTORY.setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(io.meshport.wire.Cbor.MAX_DEPTH)
                .maxStringLength(Integer.MAX_VALUE).maxNameLength(Integer.MAX_VALUE).build());
    }

    private JacksonCborTree() {
    }

    // The tree. A tagged item keeps every tag on it, outermost first.
    record Int(BigInteger v) { }
    record Flt(double v) { }
    record Txt(String v) { }
    record Bytes(byte[] v) { }
    record Arr(List<Object> items) { }
    record MapNode(List<Object[]> entries, int start, int end) { }
    record Tagged(long[] tags, Object inner) { }
    record Other(String what) { } // booleans, null, undefined, simple values

    static final Other NULL = new Other("null");

    /**
     * Jackson cannot read this payload although it is well-formed CBOR (tag numbers above 2^31 - 1, map
     * keys that are floats, arrays or maps, a tag 4 over anything but two integers, which Jackson
     * interprets): the reference has no answer. Such items are refused
     * anywhere in a mesh but inside {@code meta} and unknown fields, where the product rightly accepts
     * them, so there is nothing to compare.
     */
    static final class Abstains extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abstains(String why) {
            super(why);
        }
    }

    /**
     * @return the payload as a tree of plain values
     * @throws MeshportException {@code DECODE_FAILED} when it is not well-formed CBOR, or not one item
     * @throws Abstains when it is well-formed but beyond what Jackson reads
     */
    static Object parse(byte[] payload) {
        Object root;
        try (CBORParser p = (CBORParser) FACTORY.createParser(payload)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new MeshportException(ErrorCode.DECODE_FAILED, "empty");
            }
            root = value(p, payload, t);
            // Jackson takes a lone tag at the end for the end: where the root item ends is checked too.
            if (p.currentLocation().getByteOffset() != payload.length || p.nextToken() != null) {
                throw new MeshportException(ErrorCode.DECODE_FAILED, "bytes after the mesh map");
            }
        } catch (StreamReadException e) {
            String m = e.getOriginalMessage();
            if (m.startsWith("Illegal Tag value") || m.startsWith("Unsupported major type")
                    || m.startsWith("Unexpected array size") || m.contains("'bigfloat'")) {
                throw new Abstains(m); // well-formed, but beyond what Jackson reads
            }
            throw new MeshportException(ErrorCode.DECODE_FAILED, "jackson: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MeshportException(ErrorCode.DECODE_FAILED, "jackson: " + e.getMessage());
        }
        return root;
    }

    private static Object value(CBORParser p, byte[] payload, JsonToken t) throws IOException {
        int at = (int) p.currentTokenLocation().getByteOffset();
        Object v = untagged(p, payload, t, at);
        long[] tags = tagsAt(payload, at);
        return tags.length == 0 ? v : new Tagged(tags, v);
    }

    private static Object untagged(CBORParser p, byte[] payload, JsonToken t, int at) throws IOException {
        int item = skipTags(payload, at);
        int major = (payload[item] & 0xff) >>> 5;
        switch (t) {
            case START_ARRAY: {
                List<Object> items = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(value(p, payload, e));
                }
                endWithoutTag(p, payload, item);
                return new Arr(items);
            }
            case START_OBJECT: {
                List<Object[]> entries = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) == JsonToken.FIELD_NAME) {
                    int keyAt = (int) p.currentTokenLocation().getByteOffset();
                    Object key = (payload[keyAt] & 0xff) >>> 5 == 3 ? new Txt(strictText(payload, keyAt))
                            : new Other("a non-text key");
                    entries.add(new Object[] {key, value(p, payload, p.nextToken())});
                }
                endWithoutTag(p, payload, item);
                return new MapNode(entries, item, (int) p.currentLocation().getByteOffset());
            }
            case VALUE_STRING:
                p.getText(); // Jackson's own checks first
                return new Txt(strictText(payload, item));
            case VALUE_EMBEDDED_OBJECT:
                return new Bytes(p.getBinaryValue());
            case VALUE_NUMBER_INT:
                if (major == 7) {
                    return new Other("a simple value");
                }
                if (major == 6 || major == 2) { // a bignum, which Jackson decodes: its tag shows it is not a plain integer
                    return new Other("a bignum");
                }
                return new Int(p.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT:
                return new Flt(p.getNumberType() == com.fasterxml.jackson.core.JsonParser.NumberType.DOUBLE ? p.getDoubleValue() : p.getFloatValue());
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new Other("a boolean");
            case VALUE_NULL:
                return (payload[item] & 0xff) == 0xf7 ? new Other("undefined") : NULL;
            default:
                throw new IllegalStateException("unexpected token " + t);
        }
    }

    /**
     * Jackson decodes some invalid UTF-8 leniently (a stray continuation byte passes): every text is
     * decoded again from its bytes, strictly. Jackson has already checked the item's structure.
     */
    private static String strictText(byte[] b, int at) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        int p = at;
        boolean chunked = (b[p] & 0x1f) == 31;
        if (chunked) {
            p++;
        }
        while (!chunked || (b[p] & 0xff) != 0xff) {
            int ai = b[p] & 0x1f;
            int n = ai < 24 ? 0 : 1 << (ai - 24);
            long len = ai < 24 ? ai : 0;
            for (int i = 1; i <= n; i++) {
                len = (len << 8) | (b[p + i] & 0xff);
            }
            if (len > b.length - (p + 1 + n)) { // Jackson misreads lengths of 2^31 and more
                throw new MeshportException(ErrorCode.DECODE_FAILED, "a text runs past the end");
            }
            bytes.write(b, p + 1 + n, (int) len);
            p += 1 + n + (int) len;
            if (!chunked) {
                break;
            }
        }
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new MeshportException(ErrorCode.DECODE_FAILED, "a text is not valid UTF-8");
        }
    }

    /** Jackson takes a tag followed by a break for the break: a tag must be followed by an item. */
    private static void endWithoutTag(CBORParser p, byte[] payload, int container) {
        int at = (int) p.currentTokenLocation().getByteOffset();
        boolean indefinite = (payload[container] & 0x1f) == 31; // else the end token is where the next item starts
        if (indefinite && at < payload.length && (payload[at] & 0xff) >>> 5 == 6) {
            throw new MeshportException(ErrorCode.DECODE_FAILED, "a tag without its item");
        }
    }

    /** @return the tags of the item at {@code at}, outermost first */
    private static long[] tagsAt(byte[] b, int at) {
        long[] tags = new long[0];
        int p = at;
        while ((b[p] & 0xff) >>> 5 == 6) {
            int ai = b[p] & 0x1f;
            int n = ai < 24 ? 0 : 1 << (ai - 24);
            long tag = ai < 24 ? ai : 0;
            for (int i = 1; i <= n; i++) {
                tag = (tag << 8) | (b[p + i] & 0xff);
            }
            tags = Arrays.copyOf(tags, tags.length + 1);
            tags[tags.length - 1] = tag;
            p += 1 + n;
        }
        return tags;
    }

    private static int skipTags(byte[] b, int at) {
        int p = at;
        while ((b[p] & 0xff) >>> 5 == 6) {
            int ai = b[p] & 0x1f;
            p += 1 + (ai < 24 ? 0 : 1 << (ai - 24));
        }
        return p;
    }
}
