package io.meshport.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogReaderService;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.listener.ListenerStatus;

/**
 * Stopping the swap keeper (an operator's {@code stop} in the shell) does not take the listener's port
 * away: the port stays bound (no connection attempt is refused), the listener serves it, the log says
 * so, and a client carries on; started again, the keeper finds its sockets and listener updates keep
 * the port as before.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class KeeperStopIT {
    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return HostOptions.host();
    }

    /** Connects to the port in a loop, keeping the longest stretch of refused attempts. */
    private static final class Knocker extends Thread {
        final int port;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicLong longestGapMs = new AtomicLong();
        private long refusedSince = -1;

        Knocker(int port) {
            this.port = port;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!stop.get()) {
                long now = System.nanoTime();
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    refusedSince = -1;
                } catch (IOException e) {
                    refused.incrementAndGet();
                    refusedSince = refusedSince < 0 ? now : refusedSince;
                    longestGapMs.accumulateAndGet((System.nanoTime() - refusedSince) / 1_000_000, Math::max);
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** @return the longest stretch of refusals, a stretch still going on included */
        long finish() throws InterruptedException {
            stop.set(true);
            join(10_000);
            return longestGapMs.get();
        }
    }

    private List<String> logMessages() throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (LogEntry e : Collections.list(Osgi.service(context, LogReaderService.class).getLog())) {
            out.add(e.getMessage());
        }
        return out;
    }

    @Test
    public void stoppingTheKeeperLeavesTheListenerOnItsPort() throws Exception {
        int port = Osgi.service(context, ListenerStatus.class).address().getPort();
        Bundle keeper = Osgi.bundle(context, "io.meshport.swap-keeper");
        try (MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", port))) {
            c.putCbor("keeper/before", 1L);
            Knocker knocker = new Knocker(port);
            knocker.start();
            keeper.stop();
            assertEquals("the keeper is stopped", Bundle.RESOLVED, keeper.getState());
            Osgi.await("a listener on port " + port + " again", () -> {
                ListenerStatus l = listener();
                return l != null && l.address() != null && l.address().getPort() == port && reachable(port);
            });
            Thread.sleep(300); // a while of knocking after the rebind, to see that it stays open
            long gap = knocker.finish();
            assertEquals("connection attempts refused (for " + gap + " ms at most)", 0, knocker.refused.get());

            // The client was told bye by the restarting listener and carries on, without an error.
            c.putCbor("keeper/after", 2L);
            assertEquals(1L, c.get("keeper/before").body());
        }
        String said = logMessages().stream().filter(m -> m.contains("swap keeper stops")).findFirst().orElse("");
        assertTrue("the log says what happened: " + said, said.contains("the listening port 127.0.0.1:" + port
                + " it keeps stays bound with the framework, so the listener keeps serving it"));

        // Started again, the keeper finds the sockets it left: a listener update refuses nobody.
        keeper.start();
        Osgi.await("the listener borrowing the keeper's port", () -> {
            ListenerStatus l = listener();
            return l != null && l.address() != null && l.address().getPort() == port && reachable(port);
        });
        assertEquals("one set of kept sockets, not a second", 1,
                context.getAllServiceReferences("io.meshport.swap.ListeningSockets", null).length);
        Knocker knocker = new Knocker(port);
        knocker.start();
        Bundle listenerBundle = Osgi.bundle(context, "io.meshport.listener");
        listenerBundle.update();
        Osgi.await("the listener back after its update", () -> {
            ListenerStatus l = listener();
            return listenerBundle.getState() == Bundle.ACTIVE && l != null && l.address() != null && l.address().getPort() == port;
        });
        Thread.sleep(200);
        knocker.finish();
        assertEquals("connection attempts refused during a listener update with the keeper back", 0, knocker.refused.get());
    }

    private ListenerStatus listener() {
        org.osgi.framework.ServiceReference<ListenerStatus> ref = context.getServiceReference(ListenerStatus.class);
        return ref == null ? null : context.getService(ref);
    }

    private static boolean reachable(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
