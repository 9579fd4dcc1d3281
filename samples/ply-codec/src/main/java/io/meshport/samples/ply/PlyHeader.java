package io.meshport.samples.ply;

import io.meshport.samples.text.AsciiNumbers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed PLY header: the format, the elements with their counts and properties, and where the
 * data starts. Parsing reads at most {@link #MAX_HEADER_BYTES}; every problem is reported with its line
 * and byte offset.
 */
final class PlyHeader {
    /** The longest header read (comments included): a header is text, never megabytes. */
    static final int MAX_HEADER_BYTES = 256 * 1024;

    /** The body's encoding. */
    enum Format {
        ASCII("ascii"), BINARY_LITTLE_ENDIAN("binary_little_endian"), BINARY_BIG_ENDIAN("binary_big_endian");

        final String name;

        Format(String name) {
            this.name = name;
        }
    }

    /** One property of an element: a scalar, or a list with its count type. */
    static final class Property {
        final String name;
        final PlyType type;
        /** The type of a list's count, or null for a scalar. */
        final PlyType countType;

        Property(String name, PlyType type, PlyType countType) {
            this.name = name;
            this.type = type;
            this.countType = countType;
        }

        boolean isList() {
            return countType != null;
        }

        /** @return how it is declared, e.g. {@code float} or {@code list uchar int} */
        String typeName() {
            return isList() ? "list " + countType + " " + type : type.toString();
        }
    }

    /** One element: a name, how many instances the body holds, their properties in order. */
    static final class Element {
        final String name;
        final int count;
        final int line;
        final List<Property> properties = new ArrayList<>();

        Element(String name, int count, int line) {
            this.name = name;
            this.count = count;
            this.line = line;
        }

        Property property(String propertyName) {
            for (Property p : properties) {
                if (p.name.equals(propertyName)) {
                    return p;
                }
            }
            return null;
        }

        /** @return the fewest bytes one instance can take in a binary body (lists empty) */
        long minBinaryBytes() {
            long n = 0;
            for (Property p : properties) {
                n += p.isList() ? p.countType.size : p.type.size;
            }
            return n;
        }

        /** @return how many values one instance holds at least (a list counts for its count) */
        int minValues() {
            return properties.size();
        }
    }

    final Format format;
    final List<Element> elements;
    /** Where the body starts, relative to the payload. */
    final int dataStart;
    /** How many lines the header has: the body's first line is this plus one. */
    final int lines;

    private PlyHeader(Format format, List<Element> elements, int dataStart, int lines) {
        this.format = format;
        this.elements = elements;
        this.dataStart = dataStart;
        this.lines = lines;
    }

    Element element(String name) {
        for (Element e : elements) {
            if (e.name.equals(name)) {
                return e;
            }
        }
        return null;
    }

    /**
     * @param b the payload's array
     * @param off where the payload starts
     * @param len its length
     * @return the header
     * @throws io.meshport.protocol.MeshportException {@code DECODE_FAILED} naming the line and byte of the
     *         first problem
     */
    static PlyHeader parse(byte[] b, int off, int len) {
        int end = off + (int) Math.min(len, (long) MAX_HEADER_BYTES);
        if (len < 3 || b[off] != 'p' || b[off + 1] != 'l' || b[off + 2] != 'y') {
            throw PlyErrors.at(0, len == 0 ? "the payload is empty: expected a PLY file, which starts with the line 'ply'"
                    : "expected a PLY file, which starts with the line 'ply', found " + AsciiNumbers.quote(b, off, Math.min(off + 16, off + len)));
        }
        Format format = null;
        List<Element> elements = new ArrayList<>();
        Element current = null;
        int line = 0;
        int p = off;
        while (true) {
            int lineStart = p;
            while (p < end && b[p] != '\n' && b[p] != '\r') {
                p++;
            }
            boolean lastLine = p >= end;
            if (lastLine) {
                if (end - off == MAX_HEADER_BYTES && len > MAX_HEADER_BYTES) {
                    throw PlyErrors.at(MAX_HEADER_BYTES, "the header is longer than " + MAX_HEADER_BYTES
                            + " bytes without 'end_header'");
                }
                if (!tokens(b, lineStart, p).equals(List.of("end_header"))) {
                    throw PlyErrors.at(p - off, "the file ends inside the header (line " + (line + 1)
                            + "): expected 'end_header' and a line end");
                }
                // 'end_header' ends the file without a line end: a file with no data, valid when none is declared
            }
            int lineEnd = p;
            if (!lastLine) {
                p += (b[p] == '\r' && p + 1 < off + len && b[p + 1] == '\n') ? 2 : 1;
            }
            line++;
            List<String> t = tokens(b, lineStart, lineEnd);
            int at = lineStart - off;
            if (line == 1) {
                if (t.size() != 1 || !t.get(0).equals("ply")) {
                    throw PlyErrors.line(line, at, "expected the line 'ply', found " + AsciiNumbers.quote(b, lineStart, lineEnd));
                }
                continue;
            }
            if (t.isEmpty()) {
                continue; // a blank line: tolerated
            }
            String key = t.get(0);
            switch (key) {
                case "comment":
                case "obj_info":
                    break;
                case "format": {
                    if (format != null) {
                        throw PlyErrors.line(line, at, "a second 'format' line");
                    }
                    if (t.size() != 3) {
                        throw PlyErrors.line(line, at, "expected 'format ascii|binary_little_endian|binary_big_endian 1.0'");
                    }
                    for (Format f : Format.values()) {
                        if (f.name.equals(t.get(1))) {
                            format = f;
                        }
                    }
                    if (format == null) {
                        throw PlyErrors.line(line, at, "unknown format '" + clip(t.get(1))
                                + "': expected ascii, binary_little_endian or binary_big_endian");
                    }
                    if (!t.get(2).equals("1.0") && !t.get(2).equals("1")) {
                        throw PlyErrors.line(line, at, "format version '" + clip(t.get(2)) + "': only 1.0 is known");
                    }
                    break;
                }
                case "element": {
                    if (t.size() != 3) {
                        throw PlyErrors.line(line, at, "expected 'element NAME COUNT'");
                    }
                    long count = count(t.get(2));
                    if (count < 0) {
                        throw PlyErrors.line(line, at, "element '" + clip(t.get(1)) + "' has count '" + clip(t.get(2))
                                + "': expected a whole number from 0 to " + Integer.MAX_VALUE);
                    }
                    for (Element e : elements) {
                        if (e.name.equals(t.get(1))) {
                            throw PlyErrors.line(line, at, "a second element '" + clip(e.name) + "'");
                        }
                    }
                    current = new Element(t.get(1), (int) count, line);
                    elements.add(current);
                    break;
                }
                case "property": {
                    if (current == null) {
                        throw PlyErrors.line(line, at, "a property before any element");
                    }
                    Property prop;
                    if (t.size() == 5 && t.get(1).equals("list")) {
                        PlyType countType = type(t.get(2), line, at);
                        PlyType itemType = type(t.get(3), line, at);
                        if (!countType.integral) {
                            throw PlyErrors.line(line, at, "list '" + clip(t.get(4)) + "' has a count of type " + countType
                                    + ": expected an integer type");
                        }
                        prop = new Property(t.get(4), itemType, countType);
                    } else if (t.size() == 3 && !t.get(1).equals("list")) {
                        prop = new Property(t.get(2), type(t.get(1), line, at), null);
                    } else {
                        throw PlyErrors.line(line, at, "expected 'property TYPE NAME' or 'property list COUNT_TYPE ITEM_TYPE NAME'");
                    }
                    if (current.property(prop.name) != null) {
                        throw PlyErrors.line(line, at, "a second property '" + clip(prop.name) + "' in element '"
                                + clip(current.name) + "'");
                    }
                    current.properties.add(prop);
                    break;
                }
                case "end_header":
                    if (t.size() != 1) {
                        throw PlyErrors.line(line, at, "expected nothing after 'end_header'");
                    }
                    if (format == null) {
                        throw PlyErrors.line(line, at, "the header has no 'format' line");
                    }
                    return new PlyHeader(format, elements, p - off, line);
                default:
                    throw PlyErrors.line(line, at, "unknown keyword '" + clip(key)
                            + "': expected format, element, property, comment, obj_info or end_header");
            }
        }
    }

    private static PlyType type(String token, int line, int at) {
        PlyType t = PlyType.of(token);
        if (t == null) {
            throw PlyErrors.line(line, at, "unknown type '" + clip(token)
                    + "': expected char, uchar, short, ushort, int, uint, float, double (or int8, uint8, int16, uint16, int32, uint32, float32, float64)");
        }
        return t;
    }

    /** @return the count, or -1 when it is not a whole number from 0 to Integer.MAX_VALUE */
    private static long count(String s) {
        if (s.isEmpty() || s.length() > 10) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v > Integer.MAX_VALUE ? -1 : v;
    }

    private static List<String> tokens(byte[] b, int start, int end) {
        List<String> t = new ArrayList<>(5);
        int i = start;
        while (i < end) {
            while (i < end && (b[i] == ' ' || b[i] == '\t')) {
                i++;
            }
            int s = i;
            while (i < end && b[i] != ' ' && b[i] != '\t') {
                i++;
            }
            if (i > s) {
                String token = new String(b, s, i - s, StandardCharsets.ISO_8859_1);
                t.add(token);
                if (t.size() == 1 && (token.equals("comment") || token.equals("obj_info"))) {
                    return t; // the rest of the line is free text
                }
            }
        }
        return t;
    }

    /** @return a header token fit for a message: printable, at most 40 characters */
    static String clip(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && i < 40; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return s.length() > 40 ? out + "..." : out.toString();
    }
}
