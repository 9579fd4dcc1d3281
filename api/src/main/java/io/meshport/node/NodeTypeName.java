package io.meshport.node;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type naming the node type a {@link NodeType} component provides:
 * {@code @Component(service = NodeType.class) @NodeTypeName("scatter")} registers the service property
 * {@value NodeType#NAME}{@code = "scatter"}. That one annotation is all the OSGi a node author writes.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface NodeTypeName {
    /**
     * A single-element property type takes its property name from its own name ({@code NodeTypeName}
     * becomes {@code node.type.name}); the prefix makes it {@value NodeType#NAME}.
     */
    String PREFIX_ = "meshport.";

    /** @return the type name, e.g. {@code "scatter"}: a letter, then letters, digits or {@code _} */
    String value();
}
