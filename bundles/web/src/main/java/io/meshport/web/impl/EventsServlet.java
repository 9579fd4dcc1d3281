package io.meshport.web.impl;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.meshport.session.SessionChange;
import io.meshport.session.SessionEntry;
import io.meshport.session.SessionStore;

/**
 * {@code GET /api/events?prefix=P}: the session live, as server-sent events, one stream per page.
 * First a {@code snapshot} of the entries under the prefix (at most {@value #MAX_SNAPSHOT}), then a
 * {@code put} or {@code delete} event for every change of any key (the page redraws the keys it
 * draws, whatever its list shows). A comment every {@value #KEEPALIVE_MS} ms keeps idle connections
 * open and finds pages that went away.
 *
 * <p>Each stream holds one server thread while it is open (their number is capped by
 * {@code maxStreams}); blocking writes keep a stalled page from delaying any other.
 */
public final class EventsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final int MAX_SNAPSHOT = 5000;
    static final long KEEPALIVE_MS = 15_000;

    private final transient SessionFeed feed;

    EventsServlet(SessionFeed feed) {
        this.feed = feed;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String prefix = request.getParameter("prefix") == null ? "" : request.getParameter("prefix");
        SessionFeed.Stream stream = feed.open();
        SessionStore store = feed.store();
        if (stream == null || store == null) {
            if (stream != null) {
                stream.close();
            }
            response.setHeader("Retry-After", "2");
            Http.error(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "OVERLOADED",
                    store == null ? "the session store is not running" : "too many pages are open on this host (maxStreams)");
            return;
        }
        try (stream) {
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType("text/event-stream; charset=utf-8");
            response.setHeader("X-Accel-Buffering", "no");
            OutputStream out = response.getOutputStream();
            // Subscribed before listing: a change made meanwhile comes as an event too; the page keeps
            // the highest version of each key.
            List<SessionEntry> entries = store.list(prefix);
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < entries.size() && i < MAX_SNAPSHOT; i++) {
                list.add(EntryServlet.describe(entries.get(i)));
            }
            Map<String, Object> snap = new LinkedHashMap<>();
            snap.put("session", store.sessionId());
            snap.put("prefix", prefix);
            snap.put("entries", list);
            snap.put("total", entries.size());
            snap.put("truncated", entries.size() > MAX_SNAPSHOT);
            send(out, "retry: 1000\n");
            send(out, "event: snapshot\ndata: " + Http.toJson(snap) + "\n\n");
            while (!stream.closed()) {
                List<SessionChange> changes = stream.take(KEEPALIVE_MS);
                if (changes.isEmpty()) {
                    send(out, ": keepalive\n\n");
                    continue;
                }
                StringBuilder b = new StringBuilder();
                for (SessionChange c : changes) {
                    if (c.type() == SessionChange.Type.PUT) {
                        b.append("event: put\ndata: ").append(Http.toJson(EntryServlet.describe(c.entry()))).append("\n\n");
                    } else {
                        Map<String, Object> d = new LinkedHashMap<>();
                        d.put("key", c.key());
                        d.put("version", c.version());
                        b.append("event: delete\ndata: ").append(Http.toJson(d)).append("\n\n");
                    }
                }
                send(out, b.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the page went away
        }
    }

    private static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
