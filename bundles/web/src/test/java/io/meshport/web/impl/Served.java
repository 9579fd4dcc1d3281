package io.meshport.web.impl;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The page's servlets and filter in a plain Jetty (the Jetty 12 that Felix HTTP embeds), on an
 * ephemeral port of 127.0.0.1, with a real HTTP client: what the browser sees, without OSGi.
 */
final class Served implements AutoCloseable {
    private final Server server = new Server();
    private final ServletContextHandler context = new ServletContextHandler("/");
    private final HttpClient http = HttpClient.newHttpClient();
    private int port;

    Served filter(Filter f) {
        context.addFilter(new FilterHolder(f), "/*", EnumSet.of(DispatcherType.REQUEST));
        return this;
    }

    Served servlet(Servlet s, String pattern) {
        context.addServlet(new ServletHolder(s), pattern);
        return this;
    }

    Served start() throws Exception {
        return start("127.0.0.1");
    }

    /** @param host the address to listen on ({@code 0.0.0.0} for every one) */
    Served start(String host) throws Exception {
        ServerConnector c = new ServerConnector(server);
        c.setHost(host);
        c.setPort(0);
        server.addConnector(c);
        server.setHandler(context);
        server.start();
        port = c.getLocalPort();
        return this;
    }

    int port() {
        return port;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> post(String path, String json, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json");
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
