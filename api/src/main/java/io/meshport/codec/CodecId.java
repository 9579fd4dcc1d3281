package io.meshport.codec;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type naming the codec id of a {@link PayloadCodec} component:
 * {@code @Component(service = PayloadCodec.class) @CodecId("ply")} registers the service property
 * {@value PayloadCodec#ID}{@code = "ply"}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface CodecId {
    /**
     * A single-element property type takes its property name from its own name ({@code CodecId}
     * becomes {@code codec.id}); the prefix makes it {@value PayloadCodec#ID}.
     */
    String PREFIX_ = "meshport.";

    /** @return the codec id, a short name such as {@code "ply"} */
    String value();
}
