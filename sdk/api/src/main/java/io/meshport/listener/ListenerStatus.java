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
}
