package io.meshport.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import io.meshport.client.MeshportClient;
import io.meshport.listener.ListenerStatus;

/**
 * The bundles of a host start in no fixed order. A listener that starts before the codecs it requires
 * (by default the built-in {@code mesh}, {@code cbor}, {@code bytes}; after a restart, those its
 * predecessor served) keeps its port bound but answers nobody, and is no {@link ListenerStatus} yet,
 * until they are served: a client that connected meanwhile then finds them all.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ListenerStartIT extends HostTestBase {
    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return HostOptions.host();
    }

    @Test
    public void aListenerStartedBeforeTheCodecsAnswersNoHelloUntilTheyAreServed() throws Exception {
        int port = port();
        Bundle codecs = Osgi.bundle(context, "io.meshport.codecs");
        Bundle listener = Osgi.bundle(context, "io.meshport.listener");
        listener.stop(); // the port stays bound (the swap keeper holds it)
        codecs.stop();
        try {
            listener.start(); // before the codecs, as after a refresh of the bundles both use
            CompletableFuture<MeshportClient> early = CompletableFuture.supplyAsync(() -> MeshportClient.connect("127.0.0.1", port));
            Thread.sleep(1000);
            assertFalse("hello was answered before the built-in codecs were served", early.isDone());
            assertNull("the listener said it listens before the built-in codecs were served", context.getServiceReference(ListenerStatus.class));
            codecs.start();
            try (MeshportClient c = early.get(20, TimeUnit.SECONDS)) {
                List<String> served = c.hostInfo().codecs();
                assertTrue("hello listed " + served, served.containsAll(List.of("mesh", "cbor", "bytes")));
                assertEquals("cbor", c.putCbor("start/first", Map.of("n", 1)).kind());
            }
            assertNotNull(context.getServiceReference(ListenerStatus.class));
        } finally {
            if (codecs.getState() != Bundle.ACTIVE) {
                codecs.start();
            }
        }
    }
}
