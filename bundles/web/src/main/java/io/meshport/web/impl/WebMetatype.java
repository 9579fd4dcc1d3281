package io.meshport.web.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The page's configuration as metatype, for configuration tools. The component reads the properties
 * itself ({@link WebSettings}) so that a value that does not parse is reported and replaced by its
 * default; WebSettingsTest keeps these defaults and the ones used the same.
 */
@ObjectClassDefinition(name = "Meshport web page", description = "The page that shows the session in 3D")
@interface WebMetatype {
    /** @return false to serve no page */
    @AttributeDefinition(description = "Serve the page")
    boolean enabled() default true;

    /** @return the address to bind */
    @AttributeDefinition(description = "Address to serve the page on; beyond loopback the listener's token is required")
    String bindAddress() default "127.0.0.1";

    /** @return the HTTP port, 0 for any free one */
    @AttributeDefinition(description = "HTTP port, 0 for any free one")
    int port() default WebSettings.DEFAULT_PORT;

    /** @return true to allow a bind beyond loopback without a token */
    @AttributeDefinition(description = "Allow a bind beyond loopback without a token")
    boolean allowInsecureBind() default false;

    /** @return pages live at once (each holds one server thread for its event stream) */
    @AttributeDefinition(description = "Pages live at once; each holds one server thread")
    int maxStreams() default WebSettings.DEFAULT_MAX_STREAMS;
}
