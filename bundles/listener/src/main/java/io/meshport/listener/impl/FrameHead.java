package io.meshport.listener.impl;

import io.meshport.wire.Cbor;
import io.meshport.wire.CborFormatException;

/** Reads the request id out of the first bytes of a frame whose rest was dropped. */
final class FrameHead {
    private FrameHead() {
    }

    /**
     * @param head the frame's first bytes
     * @param length how many of them there are
     * @return the value of the map's {@code id} key when it is an unsigned integer among the entries
     *         that are whole in {@code head}, else null
     */
    static Long id(byte[] head, int length) {
        try {
            if (length == 0 || Cbor.major(head, 0) != Cbor.MAJOR_MAP) {
                return null;
            }
            long n = Cbor.argument(head, 0, length);
            int p = Cbor.headerLength(head, 0, length);
            for (long i = 0; (n == Cbor.INDEFINITE || i < n) && p < length && (head[p] & 0xff) != 0xff; i++) {
                int value = Cbor.skip(head, p, length);
                boolean isId = Cbor.major(head, p) == Cbor.MAJOR_TEXT && value - p == 3 && head[p + 1] == 'i' && head[p + 2] == 'd';
                if (isId) {
                    if (value < length && Cbor.major(head, value) == Cbor.MAJOR_UINT) {
                        long id = Cbor.argument(head, value, length);
                        return id >= 0 ? id : null;
                    }
                    return null;
                }
                p = Cbor.skip(head, value, length);
            }
        } catch (CborFormatException e) {
            // the entry holding the rest of the frame runs past the head: no id before it
        }
        return null;
    }
}
