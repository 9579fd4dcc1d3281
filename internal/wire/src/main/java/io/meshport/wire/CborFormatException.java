package io.meshport.wire;

/** Bytes that are not well-formed CBOR; the message names the offset and what was expected. */
public final class CborFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int offset;

    /**
     * @param offset where the problem was found, relative to the start of the scanned range
     * @param message what was expected there
     */
    public CborFormatException(int offset, String message) {
        super(message + " at offset " + offset);
        this.offset = offset;
    }

    /** @return where the problem was found */
    public int offset() {
        return offset;
    }
}
