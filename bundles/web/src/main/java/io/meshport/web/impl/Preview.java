package io.meshport.web.impl;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.meshport.session.SessionValue;
import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborTagged;
import io.meshport.wire.CborValues;

/**
 * A short readable preview of a non-mesh entry, never the whole value: CBOR in its diagnostic
 * notation (RFC 8949 section 8) with long containers and strings cut, bytes as a hex dump of their
 * start. Every preview stays under {@value #MAX_CHARS} characters.
 */
final class Preview {
    static final int MAX_CHARS = 4000;
    static final int MAX_ITEMS = 32;
    static final int MAX_DEPTH = 8;
    static final int MAX_STRING = 200;
    static final int HEX_BYTES = 256;
    /** CBOR values larger than this are not decoded for a preview. */
    static final int MAX_DECODE = 1 << 20;

    private Preview() {
    }

    /**
     * @param kind the entry's kind
     * @param value the stored value
     * @return the preview text, or null for a mesh (its summary says it all)
     */
    static String of(String kind, Object value) {
        if (SessionValue.KIND_CBOR.equals(kind) && value instanceof byte[]) {
            byte[] b = (byte[]) value;
            if (b.length > MAX_DECODE) {
                return "(" + b.length + " bytes of CBOR, too large to preview; the first bytes:)\n" + hex(b);
            }
            try {
                StringBuilder out = new StringBuilder();
                diag(out, CborValues.decode(b), 0);
                return cut(out);
            } catch (CborFormatException e) {
                return "(not well-formed CBOR: " + e.getMessage() + ")\n" + hex(b);
            }
        }
        if (value instanceof byte[]) {
            return hex((byte[]) value);
        }
        if (SessionValue.KIND_MESH.equals(kind)) {
            return null;
        }
        return cut(new StringBuilder(String.valueOf(value)));
    }

    private static String cut(StringBuilder s) {
        return s.length() <= MAX_CHARS ? s.toString() : s.substring(0, MAX_CHARS - 1) + "…";
    }

    private static void diag(StringBuilder out, Object v, int depth) {
        if (out.length() > MAX_CHARS) {
            return;
        }
        if (v == null) {
            out.append("null");
        } else if (v instanceof String) {
            String s = (String) v;
            out.append('"');
            String shown = s.length() > MAX_STRING ? s.substring(0, MAX_STRING) : s;
            out.append(shown.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"));
            out.append('"');
            if (s.length() > MAX_STRING) {
                out.append(" …(").append(s.length()).append(" characters)");
            }
        } else if (v instanceof byte[]) {
            byte[] b = (byte[]) v;
            out.append("h'");
            for (int i = 0; i < Math.min(b.length, 32); i++) {
                out.append(String.format(Locale.ROOT, "%02x", b[i] & 0xff));
            }
            out.append('\'');
            if (b.length > 32) {
                out.append(" …(").append(b.length).append(" bytes)");
            }
        } else if (v instanceof List) {
            List<?> l = (List<?>) v;
            if (depth >= MAX_DEPTH) {
                out.append("[…").append(l.size()).append(" items]");
                return;
            }
            out.append('[');
            for (int i = 0; i < l.size() && i < MAX_ITEMS; i++) {
                out.append(i == 0 ? "" : ", ");
                diag(out, l.get(i), depth + 1);
            }
            if (l.size() > MAX_ITEMS) {
                out.append(", …").append(l.size() - MAX_ITEMS).append(" more");
            }
            out.append(']');
        } else if (v instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) v;
            if (depth >= MAX_DEPTH) {
                out.append("{…").append(m.size()).append(" entries}");
                return;
            }
            out.append('{');
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (i == MAX_ITEMS) {
                    out.append(", …").append(m.size() - MAX_ITEMS).append(" more");
                    break;
                }
                out.append(i++ == 0 ? "" : ", ");
                diag(out, e.getKey(), depth + 1);
                out.append(": ");
                diag(out, e.getValue(), depth + 1);
            }
            out.append('}');
        } else if (v instanceof CborTagged) {
            CborTagged t = (CborTagged) v;
            if (t.tag() < 0) {
                out.append("simple(").append(t.value()).append(')');
            } else {
                out.append(t.tag()).append('(');
                diag(out, t.value(), depth + 1);
                out.append(')');
            }
        } else {
            out.append(v);
        }
    }

    /** @return a hex dump of the first {@value #HEX_BYTES} bytes, 16 a line, with their printable ASCII */
    static String hex(byte[] b) {
        StringBuilder out = new StringBuilder();
        int n = Math.min(b.length, HEX_BYTES);
        for (int line = 0; line < n; line += 16) {
            out.append(String.format(Locale.ROOT, "%08x ", line));
            StringBuilder ascii = new StringBuilder();
            for (int i = line; i < line + 16; i++) {
                if (i < n) {
                    int c = b[i] & 0xff;
                    out.append(String.format(Locale.ROOT, " %02x", c));
                    ascii.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
                } else {
                    out.append("   ");
                }
            }
            out.append("  ").append(ascii).append('\n');
        }
        if (b.length > n) {
            out.append("… ").append(b.length - n).append(" more bytes (").append(b.length).append(" in all)\n");
        }
        return out.toString();
    }
}
