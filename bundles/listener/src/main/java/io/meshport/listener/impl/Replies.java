package io.meshport.listener.impl;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.meshport.protocol.ErrorCode;
import io.meshport.session.SessionChange;
import io.meshport.wire.CborWriter;
import io.meshport.wire.Frames;
import io.meshport.wire.Quoted;

/** Builds the frames the host sends: replies, errors, events and bye. */
final class Replies {
    /**
     * The longest error message sent, escapes aside: more than any the host writes of its own, so it
     * cuts only text that quotes a client's (or a service's) unbounded, where it was not quoted through
     * {@link Quoted} already.
     */
    static final int MAX_MESSAGE = 1000;

    private Replies() {
    }

    /**
     * @param id the request id (unsigned 64 bits)
     * @param result the result, any value {@link CborWriter#value(Object)} writes
     * @return the frame
     */
    static ByteBuffer[] ok(long id, Object result) {
        CborWriter w = new CborWriter(64);
        w.mapHeader(3).text("id").uint(id).text("ok").bool(true).text("result").value(result);
        return Frames.frame(w.toByteArray());
    }

    /**
     * A success reply whose result is a map ending with a pre-encoded item, such as the body of
     * {@code get}, which is sent from its own buffers without being copied into the envelope.
     *
     * @param id the request id
     * @param fields the result's fields before the last, in order
     * @param lastName the name of the last field
     * @param lastItem buffers holding the last field's encoded value
     * @return the frame
     */
    static ByteBuffer[] okWithItem(long id, Map<String, Object> fields, String lastName, ByteBuffer[] lastItem) {
        CborWriter w = new CborWriter(128);
        w.mapHeader(3).text("id").uint(id).text("ok").bool(true).text("result").mapHeader(fields.size() + 1);
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            w.text(e.getKey()).value(e.getValue());
        }
        w.text(lastName);
        return Frames.frame(w.toByteBuffer(), Arrays.asList(lastItem));
    }

    /**
     * A success reply whose whole result is pre-encoded (a call's result, meshes in it not copied).
     *
     * @param id the request id
     * @param result buffers holding the encoded result item
     * @return the frame
     */
    static ByteBuffer[] okWithResult(long id, List<ByteBuffer> result) {
        CborWriter w = new CborWriter(32);
        w.mapHeader(3).text("id").uint(id).text("ok").bool(true).text("result");
        return Frames.frame(w.toByteBuffer(), result);
    }

    /**
     * @param id the request id, or null when none could be read (frame-level errors)
     * @param code the error code
     * @param message for people; sent with control characters escaped, cut after {@value #MAX_MESSAGE} characters
     * @param detail machine-readable detail, may be empty
     * @return the frame
     */
    static ByteBuffer[] error(Long id, ErrorCode code, String message, Map<String, Object> detail) {
        message = Quoted.bound(message, MAX_MESSAGE);
        CborWriter w = new CborWriter(96 + message.length());
        w.mapHeader(id == null ? 2 : 3);
        if (id != null) {
            w.text("id").uint(id);
        }
        w.text("ok").bool(false).text("error");
        w.mapHeader(detail == null || detail.isEmpty() ? 2 : 3).text("code").text(code.name()).text("message").text(message);
        if (detail != null && !detail.isEmpty()) {
            w.text("detail").value(detail);
        }
        return Frames.frame(w.toByteArray());
    }

    /**
     * @param watchId the watch the event belongs to
     * @param change the change
     * @return the frame
     */
    static ByteBuffer[] event(long watchId, SessionChange change) {
        CborWriter w = new CborWriter(64 + change.key().length());
        w.mapHeader(5).text("op").text("event").text("watch").uint(watchId).text("key").text(change.key())
                .text("version").uint(change.version()).text("change").text(change.type().wireName());
        return Frames.frame(w.toByteArray());
    }

    /**
     * @param reason why the host closes the connection
     * @return the frame
     */
    static ByteBuffer[] bye(String reason) {
        CborWriter w = new CborWriter(32 + reason.length());
        w.mapHeader(2).text("op").text("bye").text("reason").text(reason);
        return Frames.frame(w.toByteArray());
    }

    /** @return the total bytes of a frame */
    static long length(ByteBuffer[] frame) {
        long n = 0;
        for (ByteBuffer b : frame) {
            n += b.remaining();
        }
        return n;
    }
}
