package io.meshport.node.impl;

import java.util.List;

import org.joml.Matrix4f;
import org.joml.Vector3f;
import org.osgi.service.component.annotations.Component;

import io.meshport.mesh.Mesh;
import io.meshport.node.CookContext;
import io.meshport.node.CookException;
import io.meshport.node.NodeType;
import io.meshport.node.NodeTypeName;
import io.meshport.node.ParmTemplate;

/**
 * Built-in node type {@code transform}: moves, rotates and scales its input (the matrix
 * {@code translate(t) * rotateXYZ(r in degrees) * scale(s * scale)}, as JOML builds it: scale applies
 * first, translation last), and can publish the result to a session key.
 */
@Component(service = NodeType.class)
@NodeTypeName("transform")
public final class TransformNode implements NodeType {
    private static final List<ParmTemplate> PARMS = List.of(
            ParmTemplate.vectorParm("t", 0, 0, 0).withLabel("Translate"),
            ParmTemplate.vectorParm("r", 0, 0, 0).withLabel("Rotate (degrees)"),
            ParmTemplate.vectorParm("s", 1, 1, 1).withLabel("Scale"),
            ParmTemplate.floatParm("scale", 1).withLabel("Uniform scale"),
            ParmTemplate.textParm("output", "").withLabel("Output key")
                    .withHelp("session key to publish the result to; empty to publish nothing"));

    @Override
    public String description() {
        return "moves, rotates and scales its input";
    }

    @Override
    public List<ParmTemplate> parms() {
        return PARMS;
    }

    @Override
    public int inputs() {
        return 1;
    }

    @Override
    public Mesh cook(CookContext context) {
        Mesh in = context.input(0);
        if (in == null) {
            throw new CookException("input 0 is not connected");
        }
        Vector3f t = context.vectorParm("t", new Vector3f());
        Vector3f r = context.vectorParm("r", new Vector3f());
        Vector3f s = context.vectorParm("s", new Vector3f()).mul((float) context.floatParm("scale"));
        Matrix4f m = new Matrix4f().translation(t)
                .rotateXYZ((float) Math.toRadians(r.x), (float) Math.toRadians(r.y), (float) Math.toRadians(r.z))
                .scale(s);
        if (m.determinant3x3() == 0) {
            throw new CookException("the scale " + s + " flattens the geometry (a zero component)");
        }
        String output = context.textParm("output");
        if (!output.isEmpty()) {
            context.publish(output);
        }
        return in.transform(m);
    }
}
