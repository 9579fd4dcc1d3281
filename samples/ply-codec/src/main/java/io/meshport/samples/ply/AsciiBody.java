package io.meshport.samples.ply;

import io.meshport.samples.text.NonFinite;
import io.meshport.samples.text.AsciiNumbers;

import io.meshport.protocol.MeshportException;
import io.meshport.samples.ply.PlyHeader.Element;
import io.meshport.samples.ply.PlyHeader.Property;

/**
 * Reads an ASCII PLY body: one instance per line, values separated by spaces or tabs, lines ended by
 * LF, CR LF or CR. Blank lines between instances are tolerated, and so is a last line without a line
 * end (common; a file cut inside its last value cannot be told from it, as with any reader).
 */
final class AsciiBody extends PlyBody {
    private int line;
    private int tokenStart;
    private int tokenEnd;

    AsciiBody(byte[] b, int off, int len, int start, int firstLine) {
        super(b, off, len, start);
        this.line = firstLine;
    }

    /** @return the length of the line end at {@code p}: 2 for CR LF, 1 for LF or CR, 0 when there is none */
    private int lineEnd(int p) {
        if (p >= end) {
            return 0;
        }
        if (b[p] == '\n') {
            return 1;
        }
        if (b[p] == '\r') {
            return p + 1 < end && b[p + 1] == '\n' ? 2 : 1;
        }
        return 0;
    }

    private int skipBlanks(int p) {
        while (p < end && (b[p] == ' ' || b[p] == '\t')) {
            p++;
        }
        return p;
    }

    @Override
    void begin(Element e, int i) {
        element = e;
        instance = i;
        if (e.properties.isEmpty()) {
            return;
        }
        while (true) { // skip blank lines
            int p = skipBlanks(pos);
            int n = lineEnd(p);
            if (n > 0) {
                pos = p + n;
                line++;
                continue;
            }
            pos = p;
            if (p >= end) {
                Property first = e.properties.get(0);
                throw error("the file ends before " + where() + " of " + e.count + ": expected "
                        + describe(first, first.isList() ? COUNT : SCALAR, 0));
            }
            return;
        }
    }

    /** Finds the next token on this line, or explains what is missing. */
    private void token(Property prop, int kind, int item) {
        int p = skipBlanks(pos);
        pos = p;
        if (p >= end) {
            throw error("the file ends inside " + where() + ": expected " + describe(prop, kind, item));
        }
        if (lineEnd(p) > 0) {
            throw error(where() + " ends early: expected " + describe(prop, kind, item) + " before the end of the line");
        }
        tokenStart = p;
        valueStart = p;
        while (p < end && (b[p] & 0xff) > ' ') {
            p++;
        }
        tokenEnd = p;
        pos = p;
    }

    private long integer(Property p, int kind, int item) {
        PlyType t = kind == COUNT ? p.countType : p.type;
        try {
            long v = AsciiNumbers.parseLong(b, tokenStart, tokenEnd);
            if (v >= t.min && v <= t.max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw tokenError("expected " + what(p, kind, item) + ", a " + t + " (a whole number from " + t.min + " to "
                + t.max + ")");
    }

    private static String what(Property p, int kind, int item) {
        return kind == SCALAR ? "property '" + p.name + "'" : kind == COUNT ? "the count of list '" + p.name + "'"
                : "item " + item + " of list '" + p.name + "'";
    }

    private MeshportException tokenError(String what) {
        return errorAt(tokenStart, where() + ": " + what + ", found " + AsciiNumbers.quote(b, tokenStart, tokenEnd));
    }

    private double value(Property p, int kind, int item) {
        PlyType t = p.type;
        if (t.integral) {
            return integer(p, kind, item);
        }
        try {
            return t == PlyType.FLOAT32 ? AsciiNumbers.parseFloat(b, tokenStart, tokenEnd)
                    : AsciiNumbers.parseDouble(b, tokenStart, tokenEnd);
        } catch (NumberFormatException e) {
            try {
                return NonFinite.parse(b, tokenStart, tokenEnd);
            } catch (NumberFormatException notEither) {
                throw tokenError("expected " + what(p, kind, item) + ", a " + t);
            }
        }
    }

    @Override
    double scalar(Property p) {
        token(p, SCALAR, 0);
        return value(p, SCALAR, 0);
    }

    @Override
    int count(Property p) {
        token(p, COUNT, 0);
        long n = integer(p, COUNT, 0);
        if (n < 0) {
            throw tokenError("expected the count of list '" + p.name + "', 0 or more");
        }
        // each item takes a separator and a byte at least
        if (n > (end - pos) / 2) {
            throw tokenError("list '" + p.name + "' has " + n + " items, more than the " + (end - pos)
                    + " bytes left can hold");
        }
        return (int) n;
    }

    @Override
    long integerItem(Property p, int item) {
        token(p, ITEM, item);
        return integer(p, ITEM, item);
    }

    @Override
    double item(Property p, int item) {
        token(p, ITEM, item);
        return value(p, ITEM, item);
    }

    @Override
    void skipScalar(Property p) {
        scalar(p);
    }

    @Override
    void skipItems(Property p, int count) {
        for (int i = 0; i < count; i++) {
            item(p, i);
        }
    }

    @Override
    void finishInstance() {
        if (element.properties.isEmpty()) {
            return;
        }
        int p = skipBlanks(pos);
        pos = p;
        if (p >= end) {
            return; // the last line has no line end: if more was declared, the next begin() says so
        }
        int n = lineEnd(p);
        if (n == 0) {
            int s = p;
            while (p < end && (b[p] & 0xff) > ' ') {
                p++;
            }
            throw errorAt(s, where() + " has more values than its " + element.properties.size()
                    + " properties: expected the end of the line, found " + AsciiNumbers.quote(b, s, Math.max(p, s + 1)));
        }
        pos = p + n;
        line++;
    }

    @Override
    String trailing() {
        int p = pos;
        while (p < end) {
            int n = lineEnd(p);
            if (n > 0) {
                line++;
                p += n;
            } else if (b[p] == ' ' || b[p] == '\t') {
                p++;
            } else {
                break;
            }
        }
        if (p >= end) {
            return null;
        }
        int s = p;
        while (p < end && (b[p] & 0xff) > ' ') {
            p++;
        }
        return location(s) + ": " + (end - s) + (end - s == 1 ? " byte" : " bytes") + " of data follow the elements the"
                + " header declares, starting with " + AsciiNumbers.quote(b, s, Math.max(p, s + 1)) + "; not read";
    }

    @Override
    String location(int at) {
        return PlyErrors.lineAt(line, at - off);
    }
}
