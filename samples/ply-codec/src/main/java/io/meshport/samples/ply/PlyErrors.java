package io.meshport.samples.ply;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/** The codec's errors: {@code DECODE_FAILED} with a message that says where ("ply: byte 1042: ..."). */
final class PlyErrors {
    private PlyErrors() {
    }

    /**
     * @param offset the byte offset in the payload
     * @param what what was wrong and what was expected
     * @return the exception
     */
    static MeshportException at(long offset, String what) {
        return new MeshportException(ErrorCode.DECODE_FAILED, "ply: byte " + offset + ": " + what);
    }

    /**
     * @param line the line number, from 1 (the body's lines are counted after the header's)
     * @param offset the byte offset
     * @param what what was wrong and what was expected
     * @return the exception
     */
    static MeshportException line(int line, long offset, String what) {
        return new MeshportException(ErrorCode.DECODE_FAILED, "ply: line " + line + " (byte " + offset + "): " + what);
    }
}
