package io.meshport.web.impl;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.meshport.listener.ListenerStatus;

/**
 * The page's door: every request of the page's context passes here first.
 *
 * <ul>
 * <li>When the host has a token (the socket's: {@link ListenerStatus#acceptsToken(String)} compares in
 * constant time, and this class never sees the token itself unless a visitor types it), a request needs
 * it: as {@code ?token=} (the URL the host prints, as Jupyter does), as {@code Authorization: Bearer}, or
 * through the session cookie that the first two give. Without it: 401 and no data. The cookie holds a
 * random session id, not the token, because browsers send a cookie of {@code 127.0.0.1} to every port
 * of that address: another host on the same machine must learn nothing from it. A page opened with
 * {@code ?token=} is redirected to the same address without it, so the token stays out of the
 * history and the address bar.</li>
 * <li>The {@code Host} header must name the loopback address the page listens on when it listens on
 * loopback: a web site that rebinds its own name to 127.0.0.1 (DNS rebinding) is refused.</li>
 * <li>A request that changes something (not GET or HEAD) must come from the page's own origin.</li>
 * <li>Every response carries the page's Content-Security-Policy (its own origin only) and headers
 * that keep it out of frames and referrers.</li>
 * <li>A refusal does not read the request's body: a request that has one gets {@code Connection: close}
 * ({@link Http#refuse}).</li>
 * </ul>
 */
public final class TokenFilter implements Filter {
    /** Sessions kept at once; the oldest unused one goes first. */
    static final int MAX_SESSIONS = 256;

    private final Supplier<ListenerStatus> listener;
    private final String contentSecurityPolicy;
    private final SecureRandom random = new SecureRandom();
    /** Session id to the token it was opened with, re-checked on every request (the token may change). */
    private final Map<String, String> sessions = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_SESSIONS;
        }
    };

    /**
     * @param listener gives the socket listener's status, or null while it is not running
     * @param contentSecurityPolicy the policy every response carries
     */
    public TokenFilter(Supplier<ListenerStatus> listener, String contentSecurityPolicy) {
        this.listener = listener;
        this.contentSecurityPolicy = contentSecurityPolicy;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        response.setHeader("Content-Security-Policy", contentSecurityPolicy);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cross-Origin-Resource-Policy", "same-origin");
        response.setHeader("Cache-Control", "no-store");

        if (!hostAllowed(request)) {
            Http.refuse(request, response, HttpServletResponse.SC_FORBIDDEN, "BAD_HOST",
                    "this page answers to the address it listens on only (Host '" + request.getHeader("Host") + "' refused)");
            return;
        }
        String method = request.getMethod();
        boolean safe = "GET".equals(method) || "HEAD".equals(method);
        if (!safe && !sameOrigin(request)) {
            Http.refuse(request, response, HttpServletResponse.SC_FORBIDDEN, "BAD_ORIGIN",
                    "changes are accepted from the page's own origin only");
            return;
        }
        ListenerStatus l = listener.get();
        if (l == null) {
            // Without the listener nobody can say whether a token is needed, nor check one: refuse.
            response.setHeader("Retry-After", "1");
            Http.refuse(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "UNAVAILABLE",
                    "the host's socket listener is not running (it checks the token for the page too); try again shortly");
            return;
        }
        if (!l.tokenRequired()) {
            chain.doFilter(request, response);
            return;
        }
        String fromQuery = queryToken(request);
        if (fromQuery != null && l.acceptsToken(fromQuery)) {
            String session = openSession(fromQuery);
            response.addHeader("Set-Cookie", cookieName(request) + "=" + session + "; Path=/; HttpOnly; SameSite=Strict");
            if (safe && !request.getRequestURI().startsWith("/api/")) {
                // The page itself: come back without the token in the address.
                response.setStatus(HttpServletResponse.SC_SEE_OTHER);
                response.setHeader("Location", withoutToken(request));
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        String bearer = bearerToken(request);
        if (bearer != null && l.acceptsToken(bearer)) {
            chain.doFilter(request, response);
            return;
        }
        String known = sessionToken(request);
        if (known != null && l.acceptsToken(known)) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader("WWW-Authenticate", "Bearer realm=\"meshport\"");
        Http.refuse(request, response, HttpServletResponse.SC_UNAUTHORIZED, "UNAUTHORIZED",
                "this Meshport host needs its token: add ?token=TOKEN to the page's address once (the host's output says"
                        + " which file holds it), or send Authorization: Bearer TOKEN");
    }

    /** @return a new session for a visitor who presented {@code token}, which was accepted */
    private String openSession(String token) {
        byte[] id = new byte[32];
        random.nextBytes(id);
        String s = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        synchronized (sessions) {
            sessions.put(s, token);
        }
        return s;
    }

    private String sessionToken(HttpServletRequest request) {
        String name = cookieName(request);
        String header = request.getHeader("Cookie");
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String p = part.trim();
            if (p.startsWith(name + "=")) {
                String id = p.substring(name.length() + 1);
                synchronized (sessions) {
                    String t = sessions.get(id);
                    if (t != null) {
                        return t;
                    }
                }
            }
        }
        return null;
    }

    /** The cookie's name carries the port: cookies of one address are shared by all its ports. */
    static String cookieName(HttpServletRequest request) {
        return "meshport-" + request.getLocalPort();
    }

    private static String queryToken(HttpServletRequest request) {
        String q = request.getQueryString();
        if (q == null) {
            return null;
        }
        for (String part : q.split("&")) {
            if (part.startsWith("token=")) {
                return URLDecoder.decode(part.substring(6), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static String bearerToken(HttpServletRequest request) {
        String a = request.getHeader("Authorization");
        if (a != null && a.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return a.substring(7).trim();
        }
        return null;
    }

    /** @return the request's path and query without its {@code token} parameter (always relative) */
    static String withoutToken(HttpServletRequest request) {
        StringBuilder q = new StringBuilder();
        String query = request.getQueryString();
        if (query != null) {
            for (String part : query.split("&")) {
                if (!part.isEmpty() && !part.startsWith("token=")) {
                    q.append(q.length() == 0 ? "?" : "&").append(part);
                }
            }
        }
        String path = request.getRequestURI();
        return (path == null || path.isEmpty() || !path.startsWith("/") || path.startsWith("//") ? "/" : path) + q;
    }

    /**
     * When the page listens on loopback, only loopback names may address it: a page of another site
     * that rebinds its name to 127.0.0.1 sends its own name as Host. Beyond loopback a token is
     * required, and a rebinding site has neither the token nor the cookie.
     */
    static boolean hostAllowed(HttpServletRequest request) {
        if (!isLoopback(request.getLocalAddr())) {
            return true;
        }
        String host = request.getHeader("Host");
        if (host == null) {
            return true; // HTTP/1.0 without Host: not a browser
        }
        String name = host.toLowerCase(Locale.ROOT);
        int colon = name.startsWith("[") ? name.indexOf("]:") + 1 : name.lastIndexOf(':');
        if (colon > 0) {
            name = name.substring(0, colon);
        }
        return name.equals("localhost") || name.equals("[::1]") || name.startsWith("127.");
    }

    private static boolean isLoopback(String address) {
        return address != null && (address.startsWith("127.") || address.equals("::1") || address.equals("0:0:0:0:0:0:0:1")
                || address.equals("[::1]"));
    }

    /** A change must come from the page: its Origin (sent by browsers on every POST) names this host. */
    static boolean sameOrigin(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return true; // not a browser (curl, tests); the token rules still apply
        }
        String host = request.getHeader("Host");
        return host != null && origin.equalsIgnoreCase("http://" + host);
    }

    /** @return {@code value} encoded for a query string */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
