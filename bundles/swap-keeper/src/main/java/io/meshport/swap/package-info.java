/**
 * What lets the host's bundles be updated while it runs without losing anything: listening sockets
 * that stay bound across an update of the bundle serving them, and in-memory hand-over of state from
 * a component instance that stops to the one that replaces it. Both are provided by a small
 * long-lived bundle that is not itself updated.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.meshport.swap;
