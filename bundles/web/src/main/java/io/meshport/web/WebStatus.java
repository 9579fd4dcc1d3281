package io.meshport.web;

/**
 * Registered by the web bundle while it serves the page, with the property {@value #URL_PROPERTY}
 * (the page's address, without any token), so that launchers and tools can say where to look.
 */
@org.osgi.annotation.versioning.ProviderType
public interface WebStatus {
    /** The service property holding {@link #url()}. */
    String URL_PROPERTY = "meshport.web.url";

    /** @return where the page is served, e.g. {@code http://127.0.0.1:18880/} (no token in it) */
    String url();

    /** @return true when the page asks for the host's token */
    boolean tokenRequired();
}
