/**
 * The Java client of the Meshport protocol: connect to a host, put and get meshes and other values,
 * list, delete and watch keys, with pipelining. A plain jar that is also an OSGi bundle.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.meshport.client;
