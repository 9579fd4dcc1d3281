package io.meshport.web.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The page and its files, from this bundle: {@code /} is the page, {@code /static/...} its script,
 * style and three.js (copied from the three WebJar at build time, under a path carrying its version
 * so that browsers may keep it). Nothing is loaded from another origin.
 */
public final class PageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Map<String, String> TYPES = Map.of("js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
            "html", "text/html; charset=utf-8", "png", "image/png");

    private final String threePath;
    private final byte[] index;
    /** The page's policy: its own origin only; the one inline script (the import map) by its hash. */
    private final String contentSecurityPolicy;

    /** @param threeVersion the version of three.js in the bundle, part of its path */
    public PageServlet(String threeVersion) {
        this.threePath = "three-" + threeVersion;
        String html = text("index.html").replace("{{three}}", "/static/" + threePath);
        this.index = html.getBytes(StandardCharsets.UTF_8);
        String map = between(html, "<script type=\"importmap\">", "</script>");
        this.contentSecurityPolicy = "default-src 'none'; script-src 'self' 'sha256-" + sha256(map) + "'; style-src 'self';"
                + " img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    /** @return the Content-Security-Policy every response of the page carries */
    public String contentSecurityPolicy() {
        return contentSecurityPolicy;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (path.equals("/") || path.equals("/index.html") || path.isEmpty()) {
            send(response, index, "html", false);
            return;
        }
        if (path.startsWith("/static/")) {
            String file = path.substring("/static/".length());
            boolean library = file.startsWith(threePath + "/");
            if (library) {
                file = "three/" + file.substring(threePath.length() + 1);
            }
            String ext = file.substring(file.lastIndexOf('.') + 1);
            if (!file.contains("..") && TYPES.containsKey(ext)) {
                try (InputStream in = Http.resource(file)) {
                    if (in != null) {
                        send(response, in.readAllBytes(), ext, library);
                        return;
                    }
                }
            }
        }
        Http.error(response, HttpServletResponse.SC_NOT_FOUND, "NOT_FOUND", "nothing at " + path);
    }

    private static void send(HttpServletResponse response, byte[] body, String ext, boolean immutable) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(TYPES.get(ext));
        if (immutable) {
            response.setHeader("Cache-Control", "max-age=86400, immutable"); // its path names its version
        }
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        }
    }

    private static String text(String file) {
        try (InputStream in = Http.resource(file)) {
            if (in == null) {
                throw new IllegalStateException("the page's " + file + " is missing from the bundle");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String between(String s, String start, String end) {
        int a = s.indexOf(start);
        int b = a < 0 ? -1 : s.indexOf(end, a);
        if (a < 0 || b < 0) {
            throw new IllegalStateException("index.html has no import map");
        }
        return s.substring(a + start.length(), b);
    }

    static String sha256(String text) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
