package io.meshport.client;

import java.io.IOException;
import java.util.List;

/**
 * Makes a new link after one ended (a {@code bye}, the host closing, a broken connection), for up to the
 * options' reconnect timeout, and sends again on it every request still without a reply, in the order
 * first sent: the first 64 KiB of them right behind the hello, the rest once it is answered. Writes
 * carry request tokens, so the host applies none twice. Watches are renewed before the rest.
 *
 * <p>Threads: {@link #lost} is called by a reader thread, or by a thread whose write failed (holding
 * the write lock); {@link Connection#drop} lets one call per link through, which starts one reconnect
 * thread. That thread takes the write lock to write behind the hello (no link is installed then, so no
 * one else writes) and again to install the link and send the rest, so nothing overtakes them.
 */
final class Reconnector {
    /** How many bytes of waiting requests a reconnect sends behind its hello, before the reply. */
    static final long PIPELINED_RESEND_BYTES = 64 * 1024;

    private final ClientOptions options;
    private final Connection connection;

    Reconnector(ClientOptions options, Connection connection) {
        this.options = options;
        this.connection = connection;
    }

    /** A link ended: unless the client is closed, or reconnecting is off, a new one is made. */
    void lost(Link l, String why) {
        l.close();
        if (!connection.drop(l)) {
            return;
        }
        connection.requests.failUnsent(why);
        if (options.reconnectTimeout().isZero()) {
            connection.shutdown(why);
            return;
        }
        Thread t = new Thread(() -> reconnect(why), "meshport-client-reconnect");
        t.setDaemon(true);
        t.start();
    }

    private void reconnect(String why) {
        long deadline = System.nanoTime() + options.reconnectTimeout().toNanos();
        long delay = 10;
        String last = why;
        Requests requests = connection.requests;
        while (connection.isOpen() && System.nanoTime() < deadline) {
            Link l;
            try {
                l = connection.open(this::resendBehindHello);
            } catch (MeshportClientException e) {
                connection.shutdown("reconnecting after '" + why + "': the host refused the hello: " + e.getMessage());
                return;
            } catch (IOException | RuntimeException e) {
                last = e.getMessage();
                sleep(delay);
                delay = Math.min(2 * delay, 250);
                continue;
            }
            synchronized (connection.writeLock) {
                if (!connection.install(l)) {
                    l.close();
                    return;
                }
                // Reading starts once the link is installed: a link that ends at once (a bye right
                // after the hello's reply) is then dropped and replaced, never left installed dead.
                l.startReading();
                List<Long> waiting = requests.waiting(); // before the renewals, which are written as they are made
                connection.watches.renew();
                try {
                    for (Long id : waiting) {
                        Requests.Pending<?> p = requests.get(id);
                        if (p != null && p.writtenOn != l) {
                            p.writtenOn = l;
                            l.write(p.frame);
                        }
                    }
                    l.flush();
                } catch (IOException e) {
                    lost(l, "write failed: " + e.getMessage());
                }
            }
            return;
        }
        connection.shutdown("the connection ended (" + why + ") and no new one could be made within "
                + options.reconnectTimeout().toSeconds() + " s: " + last);
    }

    /**
     * The first requests waiting for a reply go right behind the hello, not after its reply: after a
     * hot swap the host answers them together, a round trip sooner. Only as many as the socket's
     * buffers take at once ({@link #PIPELINED_RESEND_BYTES}), since nothing reads the replies until the
     * hello's has come; the rest follow once the link is installed, in order (by id), as do requests
     * made meanwhile.
     */
    private void resendBehindHello(Link link) throws IOException {
        Requests requests = connection.requests;
        synchronized (connection.writeLock) {
            long bytes = 0;
            for (Long id : requests.waiting()) {
                Requests.Pending<?> p = requests.get(id);
                if (p == null) {
                    continue;
                }
                bytes += p.frame.length();
                if (bytes > PIPELINED_RESEND_BYTES) {
                    break;
                }
                p.writtenOn = link;
                link.write(p.frame);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
