package io.meshport.web.impl;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.meshport.session.SessionEntry;
import io.meshport.session.SessionStore;

/**
 * {@code GET /api/entry?key=K}: one entry's facts and summary, with a short readable preview of a
 * {@code cbor} or {@code bytes} value ({@link Preview}); never the value itself.
 */
public final class EntryServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient Supplier<SessionStore> store;

    /** @param store gives the session store, or null while there is none */
    public EntryServlet(Supplier<SessionStore> store) {
        this.store = store;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        SessionEntry e = Http.entry(request, response, store, "entry");
        if (e == null) {
            return;
        }
        Map<String, Object> m = describe(e);
        m.put("preview", Preview.of(e.kind(), e.value().value()));
        Http.json(response, HttpServletResponse.SC_OK, m);
    }

    /** @return what the key list shows of an entry */
    static Map<String, Object> describe(SessionEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", e.key());
        m.put("version", e.version());
        m.put("kind", e.kind());
        m.put("codec", e.codec());
        m.put("bytes", e.payloadBytes());
        m.put("updated", e.updated());
        m.put("summary", e.value().summary());
        return m;
    }
}
