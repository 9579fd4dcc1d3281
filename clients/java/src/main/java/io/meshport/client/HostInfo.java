package io.meshport.client;

import java.util.List;

/**
 * What the host said in reply to {@code hello}.
 *
 * @param server the server name, {@code "meshport"}
 * @param protocol the protocol version in use
 * @param session the session's name
 * @param codecs the installed codec ids
 * @param services the exported services
 * @param maxFrameBytes the largest frame the host accepts
 * @param uploads whether the host takes uploads (payloads larger than a frame, sent in pieces)
 */
public record HostInfo(String server, int protocol, String session, List<String> codecs, List<String> services,
        long maxFrameBytes, boolean uploads) {
}
