/**
 * The configuration of the socket listener (Config Admin PID and its properties).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package io.meshport.listener;
