/**
 * The seam between the session store and a place outside the host where a session is kept, shared by
 * several hosts (Redis, for instance). A backend bundle registers a {@link SessionBackend} service for its
 * URI scheme; the session store, configured with {@code session=SCHEME://...}, opens it and serves the
 * session's operations through it, caching decoded values by version.
 *
 * <p>A backend stores records it does not interpret: a key, a version it assigns, an opaque head (what the
 * store needs to describe the value without its body) and the body's bytes.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.meshport.session.backend;
