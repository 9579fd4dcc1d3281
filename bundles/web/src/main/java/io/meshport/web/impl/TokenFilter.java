package io.meshport.web.impl;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
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
 * <li>The {@code Host} header must name this page exactly ({@link PageHosts}): a web site that points its
 * own name at this machine (DNS rebinding) is refused, whether or not the host has a token.</li>
 * <li>A request that changes something (not GET or HEAD) and comes from a browser (it has an
 * {@code Origin}) must come from the origin its {@code Host} names: {@code http://}, that host, that
 * port.</li>
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
    private final PageHosts hosts;
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
     * @param hosts which Host headers name the page
     */
    public TokenFilter(Supplier<ListenerStatus> listener, String contentSecurityPolicy, PageHosts hosts) {
        this.listener = listener;
        this.contentSecurityPolicy = contentSecurityPolicy;
        this.hosts = hosts;
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

        String host = request.getHeader("Host");
        String badHost = hosts.refusal(host, request.getLocalAddr(), request.getLocalPort());
        if (badHost != null) {
            Http.refuse(request, response, HttpServletResponse.SC_FORBIDDEN, "BAD_HOST",
                    "this page answers to its own address only (localhost, a loopback address, or the address it listens on);"
                            + " Host '" + (host == null ? "" : host) + "' is refused: " + badHost);
            return;
        }
        String method = request.getMethod();
        boolean safe = "GET".equals(method) || "HEAD".equals(method);
        String origin = request.getHeader("Origin");
        // No Origin: not a browser (curl, scripts), which a rebinding site cannot be; the token rules apply.
        if (!safe && origin != null && !PageHosts.sameOrigin(origin, host)) {
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

    /** @return {@code value} encoded for a query string */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
