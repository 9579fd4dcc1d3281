package io.meshport.protocol;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Exports a service to remote callers under a name: {@code @Component(service = NodeGraph.class)
 * @ExportedService("nodes")} registers the service property {@value #PROPERTY}{@code = "nodes"}, and
 * the listener then answers {@code call} requests for {@code nodes} with the methods of the
 * interfaces the service is registered under, and nothing else. Nothing in a host is reachable from
 * outside unless a bundle exports it this way.
 *
 * <p>Arguments and results travel as CBOR: numbers, text, booleans, null, lists, maps, byte strings,
 * records (as maps of their components), enums (by name), {@link WireValue}s, {@code Optional}, and
 * {@code io.meshport.mesh.Mesh} (in the {@code mesh} codec's shape, typed arrays in bulk). A method
 * that throws {@link MeshportException} fails the call with its code; any other exception fails it
 * with {@code CALL_FAILED} and its message. Calls run on their own threads, concurrently: an exported
 * service must be thread safe.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface ExportedService {
    /** The service property naming the exported name. */
    String PROPERTY = "meshport.exported.service";

    /**
     * A single-element property type takes its property name from its own name
     * ({@code ExportedService} becomes {@code exported.service}); the prefix makes it {@value #PROPERTY}.
     */
    String PREFIX_ = "meshport.";

    /** @return the name callers use, e.g. {@code "nodes"}: a letter, then letters, digits, {@code _} or {@code .} */
    String value();
}
