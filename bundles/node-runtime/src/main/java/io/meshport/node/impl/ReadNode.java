package io.meshport.node.impl;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import io.meshport.mesh.Mesh;
import io.meshport.node.CookContext;
import io.meshport.node.NodeType;
import io.meshport.node.NodeTypeName;
import io.meshport.node.ParmTemplate;

/**
 * Built-in node type {@code read}: outputs the mesh stored under a session key, so that other nodes
 * can take session geometry through an input (the graph's "file" node, without a file).
 */
@Component(service = NodeType.class)
@NodeTypeName("read")
public final class ReadNode implements NodeType {
    private static final List<ParmTemplate> PARMS = List.of(
            ParmTemplate.textParm("key", "").withLabel("Session key").withHelp("the session key holding the mesh to read"));

    @Override
    public String description() {
        return "outputs the mesh stored under a session key";
    }

    @Override
    public List<ParmTemplate> parms() {
        return PARMS;
    }

    @Override
    public Mesh cook(CookContext context) {
        return context.sessionMesh(context.textParm("key"), "key");
    }
}
