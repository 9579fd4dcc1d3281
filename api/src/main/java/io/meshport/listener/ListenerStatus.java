package io.meshport.listener;

import java.net.InetSocketAddress;

/**
 * Registered by the socket listener while it accepts connections: where it listens (the real port,
 * also when it was configured as 0) and how busy it is.
 */
@org.osgi.annotation.versioning.ProviderType
public interface ListenerStatus {
    /** @return the bound address and port */
    InetSocketAddress address();

    /** @return the number of open client connections */
    int openConnections();

    /** @return true when clients must authenticate with a token */
    boolean tokenRequired();

    /**
     * Checks a token the way the listener checks {@code hello}'s: in constant time, so that other
     * doors into the host (a web page) ask for the same token without knowing it.
     *
     * @param candidate a token a client presented, or null
     * @return true when no token is required, or when this is the token
     */
    boolean acceptsToken(String candidate);
}
