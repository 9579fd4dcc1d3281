/**
 * The web page's status, for launchers and tools that print where to look.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.meshport.web;
