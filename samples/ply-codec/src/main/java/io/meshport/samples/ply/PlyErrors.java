package io.meshport.samples.ply;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/** The codec's errors: a code and a message that says where ("ply: byte 1042: ..."). */
final class PlyErrors {
    private PlyErrors() {
    }

    /**
     * @param offset the byte offset in the payload
     * @param what what was wrong and what was expected
     * @return a {@code DECODE_FAILED} exception
     */
    static MeshportException at(long offset, String what) {
        return of(ErrorCode.DECODE_FAILED, "byte " + offset, what);
    }

    /**
     * @param line the line number, from 1 (the body's lines are counted after the header's)
     * @param offset the byte offset
     * @param what what was wrong and what was expected
     * @return a {@code DECODE_FAILED} exception
     */
    static MeshportException line(int line, long offset, String what) {
        return of(ErrorCode.DECODE_FAILED, lineAt(line, offset), what);
    }

    /** @return a location for messages: "line 12 (byte 1042)" */
    static String lineAt(int line, long offset) {
        return "line " + line + " (byte " + offset + ")";
    }

    /**
     * @param code the error code
     * @param location where, e.g. "byte 1042" or "line 12 (byte 1042)"
     * @param what what was wrong and what was expected
     * @return the exception, its message "ply: LOCATION: WHAT"
     */
    static MeshportException of(ErrorCode code, String location, String what) {
        return new MeshportException(code, "ply: " + location + ": " + what);
    }
}
