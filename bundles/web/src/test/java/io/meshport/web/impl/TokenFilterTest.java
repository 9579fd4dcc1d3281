package io.meshport.web.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshport.listener.ListenerStatus;

/** The page's door: the socket's token, the session cookie, Host and Origin checks, the headers. */
class TokenFilterTest {
    static final String POLICY = "default-src 'none'; connect-src 'self'";

    /** A listener whose token the test sets; compared as the real one does, in constant time. */
    static final class FakeListener implements ListenerStatus {
        volatile String token;

        @Override
        public InetSocketAddress address() {
            return null;
        }

        @Override
        public int openConnections() {
            return 0;
        }

        @Override
        public boolean tokenRequired() {
            return token != null;
        }

        @Override
        public boolean acceptsToken(String candidate) {
            return token == null || candidate != null
                    && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Stands for any servlet of the page: what must not leak without the token. */
    static final class Secret extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            req.getInputStream().readAllBytes(); // as the page's servlets do: a body left unread ends the connection
            resp.setContentType("text/plain");
            resp.getWriter().write("secret data");
        }
    }

    static final FakeListener LISTENER = new FakeListener();
    static volatile boolean listenerUp = true;
    static Served served;

    @BeforeAll
    static void start() throws Exception {
        served = new Served().filter(new TokenFilter(() -> listenerUp ? LISTENER : null, POLICY)).servlet(new Secret(), "/*").start();
    }

    @AfterAll
    static void stop() throws Exception {
        served.close();
    }

    @BeforeEach
    void reset() {
        LISTENER.token = "the-token";
        listenerUp = true;
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void withoutATokenOnTheHostEveryRequestPassesWithThePagesHeaders() throws Exception {
        LISTENER.token = null;
        HttpResponse<byte[]> r = served.get("/api/mesh?key=x");
        assertEquals(200, r.statusCode());
        assertEquals("secret data", text(r));
        assertEquals(POLICY, r.headers().firstValue("Content-Security-Policy").orElse(""));
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(""));
        assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(""));
    }

    @Test
    void aRequestWithoutTheTokenGets401AndNoData() throws Exception {
        for (String path : new String[] {"/", "/api/mesh?key=x", "/api/events", "/static/app.js", "/?token=wrong", "/?token=", "/?token=the-token-"}) {
            HttpResponse<byte[]> r = served.get(path);
            assertEquals(401, r.statusCode(), path);
            assertFalse(text(r).contains("secret"), path);
            assertTrue(text(r).contains("\"UNAUTHORIZED\""), text(r));
            assertEquals("Bearer realm=\"meshport\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
            assertEquals(POLICY, r.headers().firstValue("Content-Security-Policy").orElse(""), "the refusal carries the policy too");
        }
        assertEquals(401, served.get("/", "Authorization", "Bearer nope").statusCode());
        assertEquals(401, served.get("/", "Cookie", TokenFilter.cookieName(portRequest()) + "=the-token").statusCode(),
                "the cookie holds a session, never the token itself");
    }

    private static HttpServletRequest portRequest() {
        return (HttpServletRequest) java.lang.reflect.Proxy.newProxyInstance(TokenFilterTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> m.getName().equals("getLocalPort") ? port() : null);
    }

    private static int port() {
        String u = served.url("/");
        return Integer.parseInt(u.substring(u.lastIndexOf(':') + 1, u.length() - 1));
    }

    @Test
    void theTokenInTheAddressOpensASessionAndLeavesTheAddress() throws Exception {
        HttpResponse<byte[]> r = served.get("/?key=geo/a&token=the-token&key=geo/b");
        assertEquals(303, r.statusCode());
        assertEquals("/?key=geo/a&key=geo/b", r.headers().firstValue("Location").orElse(""), "the same page without the token");
        String cookie = r.headers().firstValue("Set-Cookie").orElse("");
        assertTrue(cookie.startsWith("meshport-" + port() + "="), cookie);
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"), cookie);
        assertFalse(cookie.contains("the-token"), "the cookie holds a random session id: " + cookie);
        String session = cookie.substring(0, cookie.indexOf(';'));

        HttpResponse<byte[]> again = served.get("/api/mesh?key=geo/a", "Cookie", "other=1; " + session);
        assertEquals(200, again.statusCode());
        assertEquals("secret data", text(again));

        // The host's token changed (the listener was reconfigured): the old session no longer opens anything.
        LISTENER.token = "a-new-token";
        assertEquals(401, served.get("/api/mesh?key=geo/a", "Cookie", session).statusCode());
    }

    @Test
    void theTokenAsBearerOrOnAnApiRequestIsAcceptedWithoutRedirect() throws Exception {
        HttpResponse<byte[]> bearer = served.get("/api/mesh?key=x", "Authorization", "Bearer the-token");
        assertEquals(200, bearer.statusCode());
        assertEquals("secret data", text(bearer));
        HttpResponse<byte[]> query = served.get("/api/mesh?key=x&token=the-token");
        assertEquals(200, query.statusCode());
    }

    @Test
    void withoutTheListenerNothingIsServed() throws Exception {
        listenerUp = false;
        HttpResponse<byte[]> r = served.get("/?token=the-token");
        assertEquals(503, r.statusCode());
        assertFalse(text(r).contains("secret"));
    }

    @Test
    void aForeignOriginCannotChangeAnythingAndAForeignHostIsRefused() throws Exception {
        LISTENER.token = null;
        HttpResponse<String> foreign = served.post("/api/nodes/cook", "{}", "Origin", "http://evil.example");
        assertEquals(403, foreign.statusCode());
        assertTrue(foreign.body().contains("BAD_ORIGIN"), foreign.body());
        // The refusal leaves the body unread, so the server ends the connection: it must say so, or the client
        // keeps it for the next request and finds it closed.
        assertEquals("close", foreign.headers().firstValue("Connection").orElse(""));
        HttpResponse<String> own = served.post("/api/nodes/cook", "{}", "Origin", "http://127.0.0.1:" + port());
        assertEquals(200, own.statusCode());
        assertEquals("", own.headers().firstValue("Connection").orElse(""), "a request that was served keeps its connection");

        // The same refusal before the body has arrived, which the client above cannot arrange on purpose.
        String early = rawPostWithoutItsBody("http://evil.example");
        assertTrue(early.startsWith("HTTP/1.1 403"), early);
        assertTrue(early.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), early);

        // DNS rebinding: a site that points its own name at 127.0.0.1 sends that name as Host.
        assertTrue(raw("evil.example:" + port()).startsWith("HTTP/1.1 403"));
        assertTrue(raw("localhost:" + port()).startsWith("HTTP/1.1 200"));
        assertTrue(raw("127.0.0.1:" + port()).startsWith("HTTP/1.1 200"));
    }

    /**
     * A POST that announces a body and does not send it: its answer up to the server's end of the connection
     * (a server that kept the connection for the body would run into the read timeout).
     */
    private static String rawPostWithoutItsBody(String origin) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/nodes/cook HTTP/1.1\r\nHost: 127.0.0.1:" + port() + "\r\nOrigin: " + origin
                    + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** A GET with a Host header of our choosing (Java's HTTP client does not let one set it). */
    private static String raw(String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
