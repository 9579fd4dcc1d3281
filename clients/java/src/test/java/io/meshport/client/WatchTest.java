package io.meshport.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Watches against a scripted host: events in order on the event thread, unwatch, and the catch-up
 * after a reconnect (what changed under the prefix meanwhile, from a listing against what the watch
 * knew, merged with the events that came before the listing).
 */
@Timeout(60)
class WatchTest {

    private static Map<String, Object> row(String key, long version) {
        return Map.of("key", key, "version", version, "kind", "cbor", "codec", "cbor", "bytes", 1L, "updated", 0L);
    }

    private static WatchEvent next(BlockingQueue<WatchEvent> q) throws InterruptedException {
        WatchEvent ev = q.poll(10, TimeUnit.SECONDS);
        assertTrue(ev != null, "an event within 10 s");
        return ev;
    }

    @Test
    void eventsComeInOrderAndStopWhenTheWatchIsClosed() throws Exception {
        try (ScriptedHost host = new ScriptedHost(c -> {
            c.hello();
            ScriptedHost.Request watch = c.expect("watch");
            assertEquals("geo/", watch.get("prefix"));
            ScriptedHost.Request list = c.expect("list"); // sent with the watch, before its reply
            assertEquals("geo/", list.get("prefix"));
            c.reply(watch, Map.of("watch", 5L));
            c.reply(list, List.of(row("geo/a", 3)));
            c.event(5, "geo/a", 6, "put");
            c.event(99, "geo/x", 7, "put"); // no such watch: dropped
            c.event(5, "geo/b", 8, "delete");
            ScriptedHost.Request unwatch = c.expect("unwatch");
            assertEquals(5L, unwatch.get("watch"));
            c.reply(unwatch, null);
            c.reply(c.expect("watch"), Map.of("watch", 6L));
            c.reply(c.expect("list"), List.of());
            c.event(5, "geo/a", 9, "put"); // the closed watch's: not delivered
            c.event(6, "other/k", 10, "put");
            c.expectClosed();
        }); MeshportClient client = MeshportClient.connect(host.options())) {
            BlockingQueue<WatchEvent> geo = new LinkedBlockingQueue<>();
            BlockingQueue<WatchEvent> other = new LinkedBlockingQueue<>();
            Set<String> threads = ConcurrentHashMap.newKeySet();
            Watch w = client.watch("geo/", ev -> {
                threads.add(Thread.currentThread().getName());
                geo.add(ev);
            });
            assertEquals(5L, w.id());
            assertEquals("geo/", w.prefix());
            assertEquals(new WatchEvent(5, "geo/a", 6, "put"), next(geo));
            WatchEvent deleted = next(geo);
            assertEquals(new WatchEvent(5, "geo/b", 8, "delete"), deleted);
            assertTrue(deleted.isDelete());
            w.close();
            client.watch("other/", other::add);
            assertEquals(new WatchEvent(6, "other/k", 10, "put"), next(other));
            // One event thread, in order: the closed watch's event, read before this one, would be there by now.
            assertTrue(geo.isEmpty(), "nothing after close: " + geo);
            assertEquals(Set.of("meshport-client-events"), threads, "listeners run on the client's event thread");
        }
    }

    @Test
    void afterAReconnectAWatchCatchesUpOnWhatChangedMeanwhile() throws Exception {
        try (ScriptedHost host = new ScriptedHost(c -> {
            c.hello();
            c.reply(c.expect("watch"), Map.of("watch", 5L));
            c.reply(c.expect("list"), List.of(row("geo/a", 3), row("geo/b", 4)));
            c.event(5, "geo/a", 6, "put");
            c.bye("updating");
        }, c -> {
            c.hello();
            ScriptedHost.Request watch = c.expect("watch");
            c.reply(watch, Map.of("watch", 8L));
            c.event(8, "geo/c", 12, "put"); // before the listing's reply: held, then merged with it
            ScriptedHost.Request list = c.expect("list");
            assertEquals("geo/", list.get("prefix"));
            // Meanwhile: geo/a unchanged, geo/b deleted, geo/d added at 10, geo/c put at 12 (its event came).
            c.reply(list, List.of(row("geo/a", 6), row("geo/c", 12), row("geo/d", 10)));
            c.event(8, "geo/a", 13, "put");
            c.expectClosed();
        }); MeshportClient client = MeshportClient.connect(host.options())) {
            BlockingQueue<WatchEvent> q = new LinkedBlockingQueue<>();
            Watch w = client.watch("geo/", q::add);
            assertEquals(new WatchEvent(5, "geo/a", 6, "put"), next(q));
            assertEquals(new WatchEvent(8, "geo/b", 0, "delete"), next(q), "deleted while away: its version unknown");
            assertEquals(new WatchEvent(8, "geo/d", 10, "put"), next(q));
            assertEquals(new WatchEvent(8, "geo/c", 12, "put"), next(q), "once, though both the event and the listing told");
            assertEquals(new WatchEvent(8, "geo/a", 13, "put"), next(q), "later events after the catch-up");
            assertEquals(8L, w.id());
        }
    }

    @Test
    void whenTheCatchUpListingFailsTheHeldEventsStillComeAsTheyCame() throws Exception {
        try (ScriptedHost host = new ScriptedHost(c -> {
            c.hello();
            c.reply(c.expect("watch"), Map.of("watch", 5L));
            c.reply(c.expect("list"), List.of(row("geo/a", 3)));
            c.bye("updating");
        }, c -> {
            c.hello();
            c.reply(c.expect("watch"), Map.of("watch", 8L));
            c.event(8, "geo/c", 12, "put");
            c.error(c.expect("list"), "OVERLOADED", "try again", null);
            c.event(8, "geo/e", 14, "put");
            c.expectClosed();
        }); MeshportClient client = MeshportClient.connect(host.options())) {
            BlockingQueue<WatchEvent> q = new LinkedBlockingQueue<>();
            client.watch("geo/", q::add);
            assertEquals(new WatchEvent(8, "geo/c", 12, "put"), next(q));
            assertEquals(new WatchEvent(8, "geo/e", 14, "put"), next(q));
        }
    }
}
