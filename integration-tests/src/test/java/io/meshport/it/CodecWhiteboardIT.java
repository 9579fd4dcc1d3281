package io.meshport.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

import io.meshport.client.MeshportClient;
import io.meshport.client.MeshportClientException;
import io.meshport.codec.DecodeContext;
import io.meshport.codec.Payload;
import io.meshport.codec.PayloadCodec;
import io.meshport.protocol.ErrorCode;
import io.meshport.session.SessionValue;

/**
 * Codecs come and go on the whiteboard while the host runs: the higher ranking serves an id claimed
 * twice, a codec removed mid-decode finishes that decode, and new requests then get NO_CODEC.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CodecWhiteboardIT extends HostTestBase {
    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return HostOptions.host();
    }

    /** Stores the payload as bytes, under a kind that says which codec decoded it. */
    private static final class Tagged implements PayloadCodec {
        final String kind;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release;

        Tagged(String kind, CountDownLatch release) {
            this.kind = kind;
            this.release = release;
        }

        @Override
        public SessionValue decode(Payload payload, DecodeContext context) {
            entered.countDown();
            if (release != null) {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new SessionValue(kind, payload.copy(), Map.of("length", payload.length()), 16 + payload.length());
        }
    }

    private ServiceRegistration<PayloadCodec> register(String id, int ranking, PayloadCodec codec) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(PayloadCodec.ID, id);
        p.put(Constants.SERVICE_RANKING, ranking);
        return context.registerService(PayloadCodec.class, codec, p);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Osgi.await(what, condition);
    }

    @Test
    public void theHigherRankingServesAnIdClaimedTwiceAndTheOtherTakesOverWhenItGoes() throws Exception {
        ServiceRegistration<PayloadCodec> low = register("twin", 0, new Tagged("low", null));
        ServiceRegistration<PayloadCodec> high = register("twin", 10, new Tagged("high", null));
        try (MeshportClient c = connect()) {
            assertTrue(c.hostInfo().codecs().contains("twin"));
            assertEquals("high", c.put("cw/a", "twin", new byte[] {1, 2}, -1).kind());
            high.unregister();
            high = null;
            await("the low one serving", () -> "low".equals(c.put("cw/a", "twin", new byte[] {3}, -1).kind()));
        } finally {
            if (high != null) {
                high.unregister();
            }
            low.unregister();
        }
    }

    @Test
    public void aCodecRemovedWhileDecodingFinishesAndLaterRequestsGetNoCodec() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Tagged slow = new Tagged("slow", release);
        ServiceRegistration<PayloadCodec> reg = register("slowpoke", 0, slow);
        try (MeshportClient c = connect()) {
            CompletableFuture<io.meshport.client.PutResult> inFlight = CompletableFuture.supplyAsync(
                    () -> c.put("cw/slow", "slowpoke", new byte[] {9}, -1));
            assertTrue(slow.entered.await(10, TimeUnit.SECONDS));
            reg.unregister(); // its bundle goes, while it decodes
            reg = null;
            release.countDown();
            assertEquals("the request already being decoded completes", "slow", inFlight.get(20, TimeUnit.SECONDS).kind());
            try (MeshportClient d = connect()) {
                assertFalse(d.hostInfo().codecs().contains("slowpoke"));
                try {
                    d.put("cw/slow2", "slowpoke", new byte[] {1}, -1);
                    fail("a removed codec decoded");
                } catch (MeshportClientException e) {
                    assertEquals(ErrorCode.NO_CODEC, e.code());
                    assertTrue(e.getMessage(), e.getMessage().contains("no codec 'slowpoke'; installed: ") && e.getMessage().contains("mesh"));
                }
            }
        } finally {
            if (reg != null) {
                reg.unregister();
            }
            release.countDown();
        }
    }
}
