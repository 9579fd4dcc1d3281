package io.meshport.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy in front of a host that counts the bytes clients send through it and breaks
 * the first connection once {@code after} of them have passed, in one of two ways ({@link Cut}).
 * Later connections pass untouched.
 */
final class CuttingProxy implements AutoCloseable {
    enum Cut {
        /** The host gets exactly {@code after} bytes (the middle of a frame), then the connection ends. */
        MID_FRAME,
        /**
         * From then on the host's replies are lost; what the client sends still reaches the host, and the
         * connection ends once the client has sent nothing for a moment (it waits for those replies).
         */
        REPLIES_LOST
    }

    private static final long QUIET_MILLIS = 300;

    private final ServerSocket server;
    private final int hostPort;
    private final long after;
    private final Cut how;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean cut;
    private volatile long lastSent;

    CuttingProxy(int hostPort, long after, Cut how) throws IOException {
        this.hostPort = hostPort;
        this.after = after;
        this.how = how;
        this.server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "cutting-proxy");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** @return the bytes clients sent to the host through the proxy, on every connection */
    long sent() {
        return sent.get();
    }

    long connections() {
        return connections.get();
    }

    boolean wasCut() {
        return cut;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket host = new Socket();
                host.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), hostPort), 5000);
                sockets.add(client);
                sockets.add(host);
                boolean first = connections.incrementAndGet() == 1;
                start(() -> toHost(client, host, first));
                start(() -> toClient(host, client, first));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void toHost(Socket client, Socket host, boolean cutting) {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = client.getInputStream(); OutputStream out = host.getOutputStream()) {
            long passed = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                int pass = cutting && how == Cut.MID_FRAME && passed + n >= after ? (int) (after - passed) : n;
                out.write(buf, 0, pass);
                out.flush();
                passed += pass;
                sent.addAndGet(pass);
                lastSent = System.nanoTime();
                if (pass < n) {
                    cut = true;
                    // The host has handled what came before the cut by the time the client learns of it, as
                    // when a cable is pulled: the client's later question, what it holds, meets a settled answer.
                    Thread.sleep(200);
                    break;
                }
            }
        } catch (IOException e) {
            // the other side went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close(client);
            close(host);
        }
    }

    private void toClient(Socket host, Socket client, boolean cutting) {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = host.getInputStream(); OutputStream out = client.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (cutting && how == Cut.REPLIES_LOST && sent.get() >= after) {
                    cut = true;
                    start(() -> endWhenQuiet(client, host));
                    while (in.read(buf) > 0) {
                        // lost
                    }
                    break;
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the other side went away
        } finally {
            close(client);
            close(host);
        }
    }

    /** Ends the connection once the client has sent nothing for {@link #QUIET_MILLIS} (10 s at most). */
    private void endWhenQuiet(Socket client, Socket host) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        try {
            while (System.nanoTime() - lastSent < QUIET_MILLIS * 1_000_000 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close(client);
        close(host);
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r, "cutting-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            close(s);
        }
    }
}
