/**
 * The session store: the in-memory, versioned key-value store that every connection shares.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package io.meshport.session;
