package io.meshport.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;

import io.meshport.wire.CborFormatException;
import io.meshport.wire.CborMessage;

/**
 * Opens a link to the host: the TCP connection, the TLS handshake when configured, and the hello,
 * whose reply it reads itself before the link's reader starts. Stateless but for what it is given;
 * called by the thread connecting and by the reconnector's thread, never twice at once for one client.
 */
final class Connector {
    /** Writes more frames on a link being opened, right behind its hello. */
    @FunctionalInterface
    interface AfterHello {
        void writeTo(Link l) throws IOException;
    }

    private final ClientOptions options;
    private final Requests requests;
    private final Link.Receiver receiver;

    Connector(ClientOptions options, Requests requests, Link.Receiver receiver) {
        this.options = options;
        this.requests = requests;
        this.receiver = receiver;
    }

    /**
     * Opens a connection and says hello on it; its reader is not started.
     *
     * @param afterHello writes more frames right behind the hello, before its reply is read, or null
     * @return the link, {@link Link#host} set to the hello's answer
     * @throws IOException when the host cannot be reached or the connection breaks
     * @throws MeshportClientException when the host refuses the hello
     */
    Link open(AfterHello afterHello) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(options.host(), options.port()), (int) options.connectTimeout().toMillis());
            s.setSoTimeout((int) options.connectTimeout().toMillis()); // the handshake and hello count as connecting
            if (options.tlsSettings() != null) {
                s = options.tlsSettings().wrap(s, options.host(), options.port());
            }
            Link l = new Link(s, receiver);
            l.host = hello(l, afterHello);
            s.setSoTimeout(0);
            return l;
        } catch (IOException | RuntimeException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw e;
        }
    }

    /**
     * Says hello on a new connection and reads the answer directly.
     *
     * @param afterHello writes more frames right behind the hello (the host answers in order, and
     *        applies none of them if the hello fails), or null
     */
    private HostInfo hello(Link l, AfterHello afterHello) throws IOException {
        l.write(RequestFrame.of(Envelopes.hello(requests.nextId(), options), List.of()));
        if (afterHello != null) {
            afterHello.writeTo(l);
        }
        l.flush();
        while (true) {
            byte[] f = l.readFrame();
            try {
                CborMessage m = CborMessage.parse(f, 0, f.length);
                if (m.has("op")) {
                    if ("bye".equals(m.text("op", true))) {
                        throw new IOException("the host said bye: " + m.text("reason", false));
                    }
                    continue; // nothing else can come before the hello's reply
                }
                if (!m.bool("ok", false)) {
                    throw Replies.error(m);
                }
                return Replies.hostInfo(f, m.valueStart("result"), m.valueEnd("result"));
            } catch (CborFormatException e) {
                throw new IOException("unreadable hello reply: " + e.getMessage(), e);
            }
        }
    }
}
