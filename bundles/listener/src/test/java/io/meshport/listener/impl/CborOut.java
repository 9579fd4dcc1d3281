package io.meshport.listener.impl;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes CBOR, in every form the standard allows and a few it does not (when asked). */
final class CborOut {
    final ByteArrayOutputStream b = new ByteArrayOutputStream();

    /** A head in its shortest form. */
    CborOut head(int major, long arg) {
        int m = major << 5;
        if (arg >= 0 && arg < 24) {
            b.write(m | (int) arg);
        } else if (arg >= 0 && arg < 0x100) {
            b.write(m | 24);
            b.write((int) arg);
        } else if (arg >= 0 && arg < 0x10000) {
            b.write(m | 25);
            be(arg, 2);
        } else if (arg >= 0 && arg < 0x100000000L) {
            b.write(m | 26);
            be(arg, 4);
        } else {
            b.write(m | 27);
            be(arg, 8);
        }
        return this;
    }

    /** A head with an argument of {@code width} bytes (0: in the initial byte, when it fits), minimal or not. */
    CborOut head(int major, long arg, int width) {
        int m = major << 5;
        switch (width) {
            case 0:
                return head(major, arg);
            case 1:
                b.write(m | 24);
                be(arg, 1);
                return this;
            case 2:
                b.write(m | 25);
                be(arg, 2);
                return this;
            case 4:
                b.write(m | 26);
                be(arg, 4);
                return this;
            default:
                b.write(m | 27);
                be(arg, 8);
                return this;
        }
    }

    private void be(long v, int n) {
        for (int i = n - 1; i >= 0; i--) {
            b.write((int) (v >>> (8 * i)));
        }
    }

    CborOut uint(long v) {
        return head(0, v);
    }

    CborOut negint(long v) { // v < 0
        return head(1, -1 - v);
    }

    CborOut text(String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        head(3, u.length);
        b.writeBytes(u);
        return this;
    }

    CborOut textBytes(byte[] u) {
        head(3, u.length);
        b.writeBytes(u);
        return this;
    }

    CborOut bytes(byte[] v) {
        head(2, v.length);
        b.writeBytes(v);
        return this;
    }

    CborOut raw(byte[] v) {
        b.writeBytes(v);
        return this;
    }

    CborOut indefinite(int major) {
        b.write((major << 5) | 31);
        return this;
    }

    CborOut brk() {
        b.write(0xff);
        return this;
    }

    CborOut f16(int bits) {
        b.write(0xf9);
        be(bits, 2);
        return this;
    }

    CborOut f32(float v) {
        b.write(0xfa);
        be(Float.floatToRawIntBits(v) & 0xffffffffL, 4);
        return this;
    }

    CborOut f64(double v) {
        b.write(0xfb);
        be(Double.doubleToRawLongBits(v), 8);
        return this;
    }

    CborOut bool(boolean v) {
        b.write(v ? 0xf5 : 0xf4);
        return this;
    }

    CborOut nil() {
        b.write(0xf6);
        return this;
    }

    CborOut undefined() {
        b.write(0xf7);
        return this;
    }

    CborOut tag(long t) {
        return head(6, t);
    }

    int size() {
        return b.size();
    }

    byte[] bytes() {
        return b.toByteArray();
    }
}
