/**
 * The codec SPI: whiteboard services that turn payload bytes into session values and back.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.meshport.codec;
