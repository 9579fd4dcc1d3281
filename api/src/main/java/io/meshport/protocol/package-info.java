/**
 * Protocol-level vocabulary shared by the host, its bundles and clients: error codes, the
 * exception that carries one, and the protocol's constants.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.meshport.protocol;
