package io.meshport.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.meshport.wire.CborWriter;

/**
 * The non-blocking abusers, all on one selector thread: idle sockets, length headers only, half
 * frames before and after a correct hello, garbage. It keeps each kind at its number of open sockets
 * (opening at most 400 a second per kind), writes their bytes when due and reads whatever the host
 * says to them.
 */
final class AbuseFlood extends Thread {

    enum Kind { IDLE, HEADER_ONLY, HALF_UNAUTH, HALF_AUTH, GARBAGE }

    /** One socket of the flood. */
    private static final class FloodSocket {
        final Kind kind;
        final SocketChannel ch;
        ByteBuffer out; // what is still to be written now
        long nextWrite;
        ByteBuffer in = ByteBuffer.allocate(4096);
        boolean answered;

        FloodSocket(Kind kind, SocketChannel ch) {
            this.kind = kind;
            this.ch = ch;
        }
    }

    final InetSocketAddress address;
    final Map<Kind, Integer> targets;
    final Map<Kind, AbuseOutcomes> outcomes = new ConcurrentHashMap<>();
    final byte[] hello;
    final long halfAuthBytes;
    final Set<FloodSocket> open = ConcurrentHashMap.newKeySet();
    final AtomicBoolean stop = new AtomicBoolean();
    final Random random = new Random(17);
    Selector selector;
    int sockets;

    AbuseFlood(InetSocketAddress address, Map<Kind, Integer> targets, String token, long halfAuthBytes) {
        super(AbuseBench.PREFIX + "-flood");
        setDaemon(true);
        this.address = address;
        this.targets = targets;
        this.halfAuthBytes = halfAuthBytes;
        CborWriter w = new CborWriter();
        w.mapHeader(4).text("op").text("hello").text("id").uint(1).text("version").uint(1).text("token").text(token);
        this.hello = w.toByteArray();
        String[] names = {"idle connections", "length header only", "half frames before hello", "half frames after hello",
            "garbage"};
        for (Kind k : Kind.values()) {
            outcomes.put(k, new AbuseOutcomes(names[k.ordinal()]));
        }
    }

    /** @return what the host did to each kind, in the order of {@link Kind} */
    List<AbuseOutcomes> outcomesByKind() {
        List<AbuseOutcomes> all = new ArrayList<>();
        for (Kind k : Kind.values()) {
            all.add(outcomes.get(k));
        }
        return all;
    }

    @Override
    public void run() {
        try {
            selector = Selector.open();
            Map<Kind, Integer> live = new EnumMap<>(Kind.class);
            long lastSecond = System.nanoTime();
            Map<Kind, Integer> openedThisSecond = new EnumMap<>(Kind.class);
            while (!stop.get()) {
                long now = System.nanoTime();
                if (now - lastSecond > 1_000_000_000L) {
                    lastSecond = now;
                    openedThisSecond.clear();
                }
                live.clear();
                for (FloodSocket s : open) {
                    live.merge(s.kind, 1, Integer::sum);
                }
                for (Kind k : Kind.values()) {
                    int want = targets.getOrDefault(k, 0) - live.getOrDefault(k, 0);
                    int room = 400 - openedThisSecond.getOrDefault(k, 0);
                    for (int i = 0; i < Math.min(Math.min(want, room), 50); i++) {
                        openOne(k);
                        openedThisSecond.merge(k, 1, Integer::sum);
                    }
                }
                selector.select(10);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    FloodSocket s = (FloodSocket) key.attachment();
                    try {
                        if (key.isValid() && key.isConnectable()) {
                            s.ch.finishConnect();
                            key.interestOps(SelectionKey.OP_READ);
                            connected(s);
                        }
                        if (key.isValid() && key.isReadable()) {
                            read(s);
                        }
                    } catch (IOException e) {
                        if (!s.ch.isConnected()) {
                            outcomes.get(s.kind).connectFailed.incrementAndGet();
                        } else {
                            hostClosed(s);
                        }
                        drop(s);
                    }
                }
                now = System.nanoTime();
                for (FloodSocket s : open) {
                    if (s.ch.isConnected() && s.nextWrite != 0 && now >= s.nextWrite) {
                        write(s, now);
                    }
                }
            }
        } catch (IOException e) {
            // the selector failed: the flood ends
        } finally {
            for (AbuseOutcomes o : outcomes.values()) {
                o.openAtEnd = 0;
            }
            for (FloodSocket s : open) {
                outcomes.get(s.kind).openAtEnd++;
                drop(s);
            }
            try {
                if (selector != null) {
                    selector.close();
                }
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private void openOne(Kind k) {
        try {
            SocketChannel ch = SocketChannel.open();
            ch.bind(AbuseBench.abuserAddress(sockets++));
            ch.configureBlocking(false);
            FloodSocket s = new FloodSocket(k, ch);
            open.add(s);
            outcomes.get(k).opened.incrementAndGet();
            if (ch.connect(address)) {
                ch.register(selector, SelectionKey.OP_READ, s);
                connected(s);
            } else {
                ch.register(selector, SelectionKey.OP_CONNECT, s);
            }
        } catch (IOException e) {
            outcomes.get(k).connectFailed.incrementAndGet();
        }
    }

    /** What each kind sends first, and when it sends more. */
    private void connected(FloodSocket s) {
        long now = System.nanoTime();
        switch (s.kind) {
            case HEADER_ONLY:
                s.out = ByteBuffer.allocate(4).putInt(1000).flip(); // then nothing more
                s.nextWrite = now;
                break;
            case HALF_UNAUTH: // below the size a host may refuse before hello, then a byte every 200 ms
                s.out = ByteBuffer.allocate(5).putInt(60_000).put((byte) 0xbf).flip();
                s.nextWrite = now;
                break;
            case HALF_AUTH: { // a correct hello, then a large length and a byte every 200 ms
                ByteBuffer b = ByteBuffer.allocate(4 + hello.length + 5);
                b.putInt(hello.length).put(hello).putInt((int) halfAuthBytes).put((byte) 0xbf);
                s.out = b.flip();
                s.nextWrite = now;
                break;
            }
            case GARBAGE:
                s.nextWrite = now;
                break;
            default: // IDLE: says nothing
                break;
        }
    }

    private void write(FloodSocket s, long now) {
        try {
            if (s.out == null || !s.out.hasRemaining()) {
                switch (s.kind) {
                    case HALF_UNAUTH:
                    case HALF_AUTH:
                        s.out = ByteBuffer.wrap(new byte[] {0x01});
                        break;
                    case GARBAGE: {
                        byte[] g = new byte[64];
                        random.nextBytes(g);
                        s.out = ByteBuffer.wrap(g);
                        break;
                    }
                    default:
                        s.nextWrite = 0;
                        return;
                }
            }
            int n = s.ch.write(s.out);
            outcomes.get(s.kind).bytesSent.addAndGet(n);
            s.nextWrite = s.out.hasRemaining() ? now + 1_000_000L
                    : s.kind == Kind.GARBAGE ? now + 50_000_000L : s.kind == Kind.HEADER_ONLY || s.kind == Kind.IDLE ? 0 : now + 200_000_000L;
        } catch (IOException e) {
            hostClosed(s);
            drop(s);
        }
    }

    private void read(FloodSocket s) throws IOException {
        int n = s.ch.read(s.in);
        if (n < 0) {
            hostClosed(s);
            drop(s);
            return;
        }
        s.in.flip();
        while (!s.answered && s.in.remaining() >= 4) {
            int len = s.in.getInt(s.in.position());
            if (len < 0 || len > 4096 - 4) {
                s.answered = true;
                outcomes.get(s.kind).answer("a frame of " + Integer.toUnsignedString(len) + " bytes");
                break;
            }
            if (s.in.remaining() < 4 + len) {
                break;
            }
            byte[] body = new byte[len];
            s.in.position(s.in.position() + 4);
            s.in.get(body);
            String l = AbuseOutcomes.label(body);
            if (!(s.kind == Kind.HALF_AUTH && l.equals("ok"))) { // the reply to its own hello is not the host's verdict
                s.answered = true;
                outcomes.get(s.kind).answer(body);
            }
        }
        if (s.answered) {
            s.in.clear(); // the rest does not matter
        } else {
            s.in.compact();
            if (!s.in.hasRemaining()) {
                s.in = ByteBuffer.allocate(s.in.capacity() * 2).put(s.in.flip());
            }
        }
    }

    private void hostClosed(FloodSocket s) {
        if (open.contains(s)) {
            AbuseOutcomes o = outcomes.get(s.kind);
            o.closedByHost.incrementAndGet();
            if (!s.answered) {
                o.answer("closed without a word");
            }
        }
    }

    private void drop(FloodSocket s) {
        open.remove(s);
        try {
            s.ch.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    void finish() throws InterruptedException {
        stop.set(true);
        if (selector != null) {
            selector.wakeup();
        }
        join(10_000);
    }
}
