package io.meshport.node;

import java.util.List;

/**
 * A node type as the graph knows it. Immutable.
 *
 * @param type the type name
 * @param description what it does
 * @param parms its parameters
 * @param inputs how many geometry inputs it has
 * @param provider the symbolic name and version of the bundle providing it
 */
public record NodeTypeInfo(String type, String description, List<ParmTemplate> parms, int inputs, String provider) {
}
