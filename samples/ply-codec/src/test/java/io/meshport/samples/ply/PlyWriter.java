package io.meshport.samples.ply;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes PLY files for the tests, in any format and with any property types, so that no test file is
 * kept in the repository.
 */
final class PlyWriter {
    static final String ASCII = "ascii";
    static final String LE = "binary_little_endian";
    static final String BE = "binary_big_endian";
    static final String[] FORMATS = {ASCII, LE, BE};

    private final List<String> extraHeader = new ArrayList<>();
    private final List<Element> elements = new ArrayList<>();
    private String newline = "\n";
    private boolean finalNewline = true;

    /** One element: properties and rows. */
    final class Element {
        final String name;
        final List<String[]> props = new ArrayList<>(); // {type, name} or {"list", countType, itemType, name}
        final List<Object[]> rows = new ArrayList<>();
        Integer declaredCount;

        Element(String name) {
            this.name = name;
        }

        Element prop(String type, String propName) {
            props.add(new String[] {type, propName});
            return this;
        }

        Element list(String countType, String itemType, String propName) {
            props.add(new String[] {"list", countType, itemType, propName});
            return this;
        }

        /** @param values a number per scalar, a {@code double[]} per list */
        Element row(Object... values) {
            rows.add(values);
            return this;
        }

        /** Declares another count in the header than the rows written. */
        Element declare(int count) {
            declaredCount = count;
            return this;
        }

        PlyWriter done() {
            return PlyWriter.this;
        }
    }

    Element element(String name) {
        Element e = new Element(name);
        elements.add(e);
        return e;
    }

    PlyWriter header(String line) {
        extraHeader.add(line);
        return this;
    }

    PlyWriter crlf() {
        return newline("\r\n");
    }

    /** @param lineEnd the line end of the header and of ASCII data: "\n", "\r\n" or "\r" */
    PlyWriter newline(String lineEnd) {
        newline = lineEnd;
        return this;
    }

    /** Leaves the line end of the last line of ASCII data out. */
    PlyWriter noFinalNewline() {
        finalNewline = false;
        return this;
    }

    byte[] bytes(String format) {
        StringBuilder h = new StringBuilder("ply").append(newline).append("format ").append(format).append(" 1.0").append(newline);
        for (String line : extraHeader) {
            h.append(line).append(newline);
        }
        for (Element e : elements) {
            h.append("element ").append(e.name).append(' ').append(e.declaredCount != null ? e.declaredCount : e.rows.size()).append(newline);
            for (String[] p : e.props) {
                h.append("property ").append(String.join(" ", p)).append(newline);
            }
        }
        h.append("end_header").append(newline);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
        for (Element e : elements) {
            for (Object[] row : e.rows) {
                if (format.equals(ASCII)) {
                    StringBuilder line = new StringBuilder();
                    for (int k = 0; k < row.length; k++) {
                        String[] p = e.props.get(k);
                        if (p[0].equals("list")) {
                            double[] items = (double[]) row[k];
                            line.append(items.length);
                            for (double d : items) {
                                line.append(' ').append(text(p[2], d));
                            }
                        } else {
                            line.append(text(p[0], ((Number) row[k]).doubleValue()));
                        }
                        line.append(k + 1 < row.length ? " " : "");
                    }
                    out.writeBytes(line.append(newline).toString().getBytes(StandardCharsets.US_ASCII));
                } else {
                    ByteOrder order = format.equals(LE) ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
                    for (int k = 0; k < row.length; k++) {
                        String[] p = e.props.get(k);
                        if (p[0].equals("list")) {
                            double[] items = (double[]) row[k];
                            out.writeBytes(binary(p[1], items.length, order));
                            for (double d : items) {
                                out.writeBytes(binary(p[2], d, order));
                            }
                        } else {
                            out.writeBytes(binary(p[0], ((Number) row[k]).doubleValue(), order));
                        }
                    }
                }
            }
        }
        byte[] bytes = out.toByteArray();
        boolean noDataLines = !format.equals(ASCII) || elements.stream().allMatch(e -> e.rows.isEmpty());
        return finalNewline || noDataLines ? bytes : java.util.Arrays.copyOf(bytes, bytes.length - newline.length());
    }

    private static boolean isFloat(String type) {
        return type.startsWith("float") || type.equals("double");
    }

    static String text(String type, double v) {
        if (!isFloat(type)) {
            return Long.toString((long) v);
        }
        return type.equals("float") || type.equals("float32") ? Float.toString((float) v) : Double.toString(v);
    }

    static byte[] binary(String type, double v, ByteOrder order) {
        PlyType t = PlyType.of(type);
        ByteBuffer b = ByteBuffer.allocate(t.size).order(order);
        switch (t) {
            case INT8:
            case UINT8:
                b.put((byte) (long) v);
                break;
            case INT16:
            case UINT16:
                b.putShort((short) (long) v);
                break;
            case INT32:
            case UINT32:
                b.putInt((int) (long) v);
                break;
            case FLOAT32:
                b.putFloat((float) v);
                break;
            default:
                b.putDouble(v);
        }
        return b.array();
    }

    static double[] list(double... items) {
        return items;
    }
}
