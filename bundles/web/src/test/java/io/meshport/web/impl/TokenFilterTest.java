package io.meshport.web.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
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
        served = new Served().filter(new TokenFilter(() -> listenerUp ? LISTENER : null, POLICY,
                new PageHosts(InetAddress.getLoopbackAddress(), "127.0.0.1"))).servlet(new Secret(), "/*").start();
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
        return raw("127.0.0.1", port(), "GET", host, null);
    }

    /**
     * A request with a Host header (none when null; then as HTTP/1.0, which may omit it) and an Origin of our
     * choosing; a POST carries a small JSON body.
     *
     * @return the whole answer, up to the server's end of the connection
     */
    private static String raw(String address, int port, String method, String host, String origin) throws IOException {
        try (Socket s = new Socket(address, port)) {
            s.setSoTimeout(10_000);
            String body = method.equals("POST") ? "{}" : "";
            StringBuilder r = new StringBuilder(method + " /api/nodes/create " + (host == null ? "HTTP/1.0" : "HTTP/1.1") + "\r\n");
            if (host != null) {
                r.append("Host: ").append(host).append("\r\n");
            }
            if (origin != null) {
                r.append("Origin: ").append(origin).append("\r\n");
            }
            if (!body.isEmpty()) {
                r.append("Content-Type: application/json\r\nContent-Length: ").append(body.length()).append("\r\n");
            }
            r.append("Connection: close\r\n\r\n").append(body);
            OutputStream out = s.getOutputStream();
            out.write(r.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** @return the status of a raw answer */
    private static int status(String answer) {
        return answer.startsWith("HTTP/1.") && answer.length() >= 12 ? Integer.parseInt(answer.substring(9, 12)) : -1;
    }

    /** Asserts that GET and POST (the latter from the Host's own origin) are both refused and serve nothing. */
    private static void assertRefused(String address, int port, String host) throws IOException {
        for (String method : new String[] {"GET", "POST"}) {
            String origin = host == null || host.isEmpty() ? null : "http://" + host;
            String answer = raw(address, port, method, host, origin);
            String what = method + " with Host '" + host + "' at " + address + ":" + port + ": " + answer;
            int status = status(answer);
            // 403 BAD_HOST from the filter; Jetty itself answers 400 to a Host it cannot parse at all.
            assertTrue(status == 403 || status == 400, what);
            assertFalse(answer.contains("secret data"), what);
        }
    }

    /** Asserts that GET and POST from the Host's own origin are both served. */
    private static void assertServed(String address, int port, String host) throws IOException {
        for (String method : new String[] {"GET", "POST"}) {
            String answer = raw(address, port, method, host, "http://" + host);
            String what = method + " with Host '" + host + "' at " + address + ":" + port + ": " + answer;
            assertEquals(200, status(answer), what);
            assertTrue(answer.endsWith("secret data"), what);
        }
    }

    @Test
    void onlyLoopbackNamesAndLiteralsWithThePagesPortAreAccepted() throws Exception {
        LISTENER.token = null; // a host without a token: the Host check alone keeps a rebinding site out
        int p = port();
        for (String host : new String[] {"localhost:" + p, "LocalHost:" + p, "localhost.:" + p, "127.0.0.1:" + p,
                "127.0.0.1.:" + p, "127.1.2.3:" + p, "[::1]:" + p, "[0:0:0:0:0:0:0:1]:" + p}) {
            assertServed("127.0.0.1", p, host);
        }
    }

    @Test
    void namesThatMerelyStartLikeLoopbackAndOtherForeignHostsAreRefused() throws Exception {
        LISTENER.token = null;
        int p = port();
        int other = p == 65535 ? p - 1 : p + 1;
        String[] refused = {
            // names a rebinding site can own: only the exact name localhost is loopback
            "127.0.0.1.evil.example:" + p, "127.evil.example:" + p, "localhost.evil.example:" + p, "evil.example:" + p,
            "sub.localhost:" + p, "localhost..:" + p, "evil.example@127.0.0.1:" + p,
            // numbers that are not a canonical dotted quad: browsers never send them, a resolver may treat them as names
            "0x7f.1:" + p, "0x7f000001:" + p, "127.1:" + p, "2130706433:" + p, "0177.0.0.1:" + p, "127.000.000.001:" + p,
            "127.0.0.01:" + p, "127.0.0.256:" + p,
            // other addresses than the page's
            "10.0.0.1:" + p, "0.0.0.0:" + p, "[::2]:" + p, "[fe80::1]:" + p, "[::1%25lo]:" + p, "[::ffff:10.0.0.1]:" + p,
            // another port, or none (which means 80), or one written oddly
            "127.0.0.1:" + other, "localhost:" + other, "127.0.0.1", "localhost", "[::1]", "127.0.0.1:", "127.0.0.1:0" + p,
            "127.0.0.1:+" + p, "127.0.0.1:" + p + ":" + p,
            // nothing at all
            "", null};
        PageHosts loopback = new PageHosts(InetAddress.getLoopbackAddress(), "127.0.0.1");
        for (String host : refused) {
            assertRefused("127.0.0.1", p, host);
            // Jetty answers 400 to a few of them before the filter sees them: the filter refuses them on its own too.
            assertTrue(loopback.refusal(host, "127.0.0.1", p) != null, host);
        }
    }

    @Test
    void aChangeMustComeFromExactlyTheOriginTheHostNames() throws Exception {
        LISTENER.token = null;
        int p = port();
        int other = p == 65535 ? p - 1 : p + 1;
        String host = "127.0.0.1:" + p;
        for (String origin : new String[] {"http://localhost:" + p, "https://127.0.0.1:" + p, "http://127.0.0.1:" + other,
                "http://127.0.0.1", "http://127.0.0.1.evil.example:" + p, "http://127.0.0.1:" + p + "/", "http://127.0.0.1:" + p + "@evil.example",
                "http://user@127.0.0.1:" + p, "null", "", "http://evil.example", "ws://127.0.0.1:" + p}) {
            String answer = raw("127.0.0.1", p, "POST", host, origin);
            assertEquals(403, status(answer), origin + ": " + answer);
            assertTrue(answer.contains("BAD_ORIGIN"), answer);
        }
        assertEquals(200, status(raw("127.0.0.1", p, "POST", host, "http://127.0.0.1:" + p)));
        assertEquals(200, status(raw("127.0.0.1", p, "POST", "localhost:" + p, "http://localhost:" + p)));
        assertEquals(200, status(raw("127.0.0.1", p, "POST", "[::1]:" + p, "http://[::1]:" + p)));
        assertEquals(200, status(raw("127.0.0.1", p, "POST", host, null)), "no Origin: not a browser, the token rules apply");
        assertEquals(200, status(raw("127.0.0.1", p, "GET", host, "http://evil.example")), "reading is not a change");
    }

    /** @return an IPv4 address of this machine that is not loopback, or null when it has none */
    private static InetAddress ownAddress() throws IOException {
        for (NetworkInterface i : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (i.isUp() && !i.isLoopback()) {
                for (InetAddress a : java.util.Collections.list(i.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
                        return a;
                    }
                }
            }
        }
        return null;
    }

    @Test
    void boundToEveryAddressItAnswersToTheAddressTheRequestCameInOnAndToLoopbackNames() throws Exception {
        InetAddress own = ownAddress();
        assumeTrue(own != null, "this machine has no address beyond loopback");
        LISTENER.token = null; // as with allowInsecureBind=true: again the Host check alone
        try (Served wide = new Served().filter(filter("0.0.0.0")).servlet(new Secret(), "/*").start("0.0.0.0")) {
            int p = wide.port();
            String addr = own.getHostAddress();
            assertServed(addr, p, addr + ":" + p);
            assertServed("127.0.0.1", p, "127.0.0.1:" + p);
            assertServed("127.0.0.1", p, "localhost:" + p);
            for (String host : new String[] {"evil.example:" + p, addr + ".evil.example:" + p, "0.0.0.0:" + p, addr + ":" + (p == 65535 ? p - 1 : p + 1),
                    "10.255.255.254:" + p}) {
                assertRefused(addr, p, host);
            }
        }
    }

    @Test
    void boundToOneAddressItAnswersToThatAddressAndToTheNameItWasConfiguredWith() throws Exception {
        InetAddress own = ownAddress();
        assumeTrue(own != null, "this machine has no address beyond loopback");
        LISTENER.token = null;
        String addr = own.getHostAddress();
        try (Served one = new Served().filter(filter(addr)).servlet(new Secret(), "/*").start(addr)) {
            int p = one.port();
            assertServed(addr, p, addr + ":" + p);
            assertRefused(addr, p, "evil.example:" + p);
            assertRefused(addr, p, "127.0.0.1.evil.example:" + p);
        }
        // A name given as the bind address is the page's own name: a browser that opens it sends it as Host.
        PageHosts named = new PageHosts(own, "Meshport-Box.example.");
        assertEquals(null, named.refusal("meshport-box.example:18880", addr, 18880));
        assertEquals(null, named.refusal("MESHPORT-BOX.EXAMPLE.:18880", addr, 18880));
        assertTrue(named.refusal("meshport-box.example.evil.example:18880", addr, 18880) != null);
        assertTrue(named.refusal("meshport-box.example:18881", addr, 18880) != null);
    }

    /** @return the filter of a page configured to listen on {@code bind} */
    private static TokenFilter filter(String bind) throws IOException {
        return new TokenFilter(() -> LISTENER, POLICY, new PageHosts(InetAddress.getByName(bind), bind));
    }
}
