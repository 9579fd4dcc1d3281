/**
 * Custom nodes: the SPI a plugin implements to add a node type ({@link io.meshport.node.NodeType},
 * registered as a whiteboard service), and the node graph the host runs
 * ({@link io.meshport.node.NodeGraph}), which the shell, remote callers and the page use.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.meshport.node;
