package io.meshport.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A failure that has a protocol {@link ErrorCode}. Its message is written for people: it names the
 * field and the first offending value, and it is sent to clients as the error's {@code message}, so it
 * must never contain a stack trace or a secret.
 */
public class MeshportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final Map<String, Object> detail;

    /**
     * @param code the protocol error code
     * @param message what was wrong, for people
     */
    public MeshportException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    /**
     * @param code the protocol error code
     * @param message what was wrong, for people
     * @param detail machine-readable detail (for example {@code current} for {@link ErrorCode#CONFLICT}), or null
     */
    public MeshportException(ErrorCode code, String message, Map<String, ?> detail) {
        this(code, message, detail, null);
    }

    /**
     * @param code the protocol error code
     * @param message what was wrong, for people
     * @param detail machine-readable detail, or null
     * @param cause the underlying cause, kept for the host's log only
     */
    public MeshportException(ErrorCode code, String message, Map<String, ?> detail, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.detail = detail == null || detail.isEmpty()
                ? Collections.emptyMap()
                : Collections.unmodifiableMap(new LinkedHashMap<>(detail));
    }

    /** @return the protocol error code */
    public ErrorCode code() {
        return code;
    }

    /** @return the detail map, empty when there is none; never null */
    public Map<String, Object> detail() {
        return detail;
    }

    /**
     * A {@link ErrorCode#CONFLICT} whose detail carries the key's current version.
     *
     * @param message what was expected and what was found
     * @param current the key's current version, 0 if it does not exist
     * @return the exception
     */
    public static MeshportException conflict(String message, long current) {
        return new MeshportException(ErrorCode.CONFLICT, message, Map.of("current", current));
    }
}
