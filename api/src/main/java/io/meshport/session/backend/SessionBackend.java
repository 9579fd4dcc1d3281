package io.meshport.session.backend;

import java.net.URI;

/**
 * Keeps sessions outside the host. Registered as a service with the property {@value #SCHEME} naming the
 * URI scheme it serves, e.g. {@code redis}.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface SessionBackend {
    /** Service property: the URI scheme a backend serves. */
    String SCHEME = "meshport.session.scheme";

    /**
     * Opens a session. It does not wait for the server: a server that cannot be reached now is reached
     * later, and each operation meanwhile throws {@code UNAVAILABLE}.
     *
     * @param where the session's URI, of this backend's scheme
     * @return the session; closing it releases its connections
     * @throws IllegalArgumentException when the URI is not one this backend reads, with what is wrong
     */
    SharedSession open(URI where);
}
