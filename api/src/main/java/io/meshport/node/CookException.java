package io.meshport.node;

/**
 * Thrown by {@link NodeType#cook(CookContext)} when a node cannot cook. The message becomes the node's
 * error: it is shown to people (the shell, remote callers, the page), so it names what was wrong, for
 * example {@code "parameter 'source': no key 'geo/scan' in the session"}, and never holds a stack trace.
 */
public class CookException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what was wrong, for people */
    public CookException(String message) {
        super(message);
    }

    /**
     * @param message what was wrong, for people
     * @param cause the underlying cause, for the host's log
     */
    public CookException(String message, Throwable cause) {
        super(message, cause);
    }
}
