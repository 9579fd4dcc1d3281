package io.meshport.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.client.PutResult;
import io.meshport.launcher.Shapes;
import io.meshport.mesh.Mesh;

/**
 * {@code meshport bench web}: the page in headless Chromium (Debian's, WebGL on SwiftShader, the CPU
 * renderer), against a host in this process. Measured by the browser's own clock: from opening
 * {@code /?key=K} (navigation start) to the first frame showing the mesh, for a 100,000-point and a
 * 1,000,000-point / 2,000,000-triangle mesh (with {@code N} and {@code Cd}); and from a put's reply to
 * the frame showing the new version. Baselines of the same run: the same page with nothing to draw,
 * and the browser downloading the same geometry response alone.
 *
 * <p>The browser is driven through chromedriver's W3C WebDriver protocol directly (a few HTTP calls),
 * so that the benchmarks need no driver library.
 */
final class WebBench implements Benchmark {
    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");

    @Override
    public String name() {
        return "web";
    }

    @Override
    public String description() {
        return "the page in headless Chromium: open /?key=K to first frame (100k and 1M points), put reply to redraw";
    }

    @Override
    public void run(Context c, Report.Section s) throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        }
        boolean quick = c.quick;
        int smallSide = quick ? 60 : 317;    // 100,489 points
        int largeSide = quick ? 120 : 1000;  // 1,000,000 points, 1,996,002 triangles
        int runs = quick ? 2 : 5;
        int redraws = quick ? 5 : 30;
        Mesh small = Shapes.displacedGrid(smallSide);
        Mesh large = Shapes.displacedGrid(largeSide);
        s.put("smallPoints", small.pointCount());
        s.put("largePoints", large.pointCount());
        s.put("largeTriangles", large.triangleCount());
        try (Host h = c.host("web");
                MeshportClient client = MeshportClient.connect(ClientOptions.of("127.0.0.1", h.port()).withClientName("bench web"));
                Chrome chrome = new Chrome()) {
            String base = h.host().awaitWeb(20_000);
            if (base == null) {
                throw new IllegalStateException("the host serves no page");
            }
            client.put("bench/small", small);
            client.put("bench/large", large);

            open(chrome, base, null); // the browser's own start-up is not the page's
            measureOpen(c, s, chrome, base, "bench/small", "small", runs);
            measureOpen(c, s, chrome, base, "bench/large", "large", runs);
            double[] empty = new double[runs];
            for (int i = 0; i < runs; i++) {
                empty[i] = open(chrome, base, null);
            }
            Arrays.sort(empty);
            s.put("emptyPageMedianMs", empty[runs / 2]);
            c.say("  the page with nothing to draw, to its first frame: median %.0f ms", empty[runs / 2]);

            // Put reply to redraw: the page stays open on the 100k mesh; each put moves its points.
            open(chrome, base + "?key=bench/small", "bench/small");
            double[] lag = new double[redraws];
            for (int i = 0; i < redraws; i++) {
                float[] moved = Meshes.moved(small, i + 1);
                PutResult r = client.put("bench/small", small.toBuilder().positions(moved).build());
                Instant reply = Instant.now();
                double shownAt = awaitShown(chrome, "bench/small", r.version());
                lag[i] = shownAt - (reply.getEpochSecond() * 1e3 + reply.getNano() / 1e6);
                if (System.getProperty("webbench.trace") != null) {
                    c.say("    %.0f ms; in the page: event %.0f, fetch %.0f..%.0f, built %.0f, render %.0f..%.0f, shown %.0f (ms after the reply)", lag[i],
                            chrome.number("return performance.timeOrigin + window.meshport.stats.lastEvent.at") - (reply.toEpochMilli()),
                            chrome.number("return performance.timeOrigin + window.meshport.stats.lastLoad.started") - reply.toEpochMilli(),
                            chrome.number("return performance.timeOrigin + window.meshport.stats.lastLoad.fetched") - reply.toEpochMilli(),
                            chrome.number("return performance.timeOrigin + window.meshport.stats.lastLoad.built") - reply.toEpochMilli(),
                            chrome.number("return performance.timeOrigin + window.meshport.stats.lastRender.started") - reply.toEpochMilli(),
                            chrome.number("return performance.timeOrigin + window.meshport.stats.lastRender.ended") - reply.toEpochMilli(),
                            shownAt - reply.toEpochMilli());
                }
                Thread.sleep(50); // one update at a time, as a person pushing from a script would
            }
            Arrays.sort(lag);
            s.put("redrawCount", redraws);
            s.put("redrawMedianMs", lag[redraws / 2]);
            s.put("redrawP90Ms", lag[(int) Math.floor(0.9 * (redraws - 1))]);
            s.put("redrawMaxMs", lag[redraws - 1]);
            c.say("  put reply to redraw (100k points, %d puts): median %.0f ms, p90 %.0f ms, max %.0f ms", redraws,
                    s.number("redrawMedianMs"), s.number("redrawP90Ms"), s.number("redrawMaxMs"));
        }
        s.row(String.format(Locale.ROOT, "web: open `/?key=K` to the first frame, %,d points (%s), headless Chromium on SwiftShader;"
                + " first / median of %d", small.pointCount(), Report.mb(s.number("smallBytes")), runs),
                Report.ms(s.number("smallFirstMs")) + " / " + Report.ms(s.number("smallMedianMs")),
                "the same page with nothing to draw: " + Report.ms(s.number("emptyPageMedianMs")) + "; the browser fetching the same bytes alone: "
                        + Report.ms(s.number("smallFetchMedianMs")),
                "", "");
        s.row(String.format(Locale.ROOT, "web: the same, %,d points / %,d triangles (%s)", large.pointCount(), large.triangleCount(),
                Report.mb(s.number("largeBytes"))),
                Report.ms(s.number("largeFirstMs")) + " / " + Report.ms(s.number("largeMedianMs")),
                "the browser fetching the same bytes alone: " + Report.ms(s.number("largeFetchMedianMs")), "",
                "< 2 s: " + s.verdict(s.number("largeMedianMs") < 2000));
        s.row(String.format(Locale.ROOT, "web: a put's reply to the redraw of the %,d-point mesh, %d puts; median / p90 (max)", small.pointCount(),
                (int) s.number("redrawCount")),
                Report.ms(s.number("redrawMedianMs")) + " / " + Report.ms(s.number("redrawP90Ms")) + " (" + Report.ms(s.number("redrawMaxMs")) + ")",
                "", "", "< 200 ms: " + s.verdict(s.number("redrawP90Ms") < 200));
    }

    private void measureOpen(Context c, Report.Section s, Chrome chrome, String base, String key, String label, int runs) throws Exception {
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) {
            t[i] = open(chrome, base + "?key=" + key, key);
        }
        double first = t[0];
        Arrays.sort(t);
        // The same response, fetched alone by the same page: what the network part costs.
        double[] fetch = new double[runs];
        for (int i = 0; i < runs; i++) {
            fetch[i] = chrome.number("const t0 = performance.now(); const r = await fetch('/api/mesh?key=" + key + "', {cache: 'no-store'});"
                    + " const b = await r.arrayBuffer(); window.benchBytes = b.byteLength; return performance.now() - t0;");
        }
        Arrays.sort(fetch);
        s.put(label + "Bytes", chrome.number("return window.benchBytes;"));
        s.put(label + "FirstMs", first);
        s.put(label + "MedianMs", t[runs / 2]);
        s.put(label + "BestMs", t[0]);
        s.put(label + "FetchMedianMs", fetch[runs / 2]);
        c.say("  open /?key=%s to its first frame: first %.0f ms, median %.0f ms, best %.0f ms (fetching the %.1f MB alone: %.0f ms)", key, first,
                t[runs / 2], t[0], s.number(label + "Bytes") / 1e6, fetch[runs / 2]);
    }

    /** A script that waits in the page until {@code $COND} (a function body) returns a number other than -1, at most 25 s. */
    private static final String WAIT_IN_PAGE = "const cond = () => { $COND }; const until = performance.now() + 25000;"
            + " return await new Promise((done) => { const check = () => { let v = -1; try { v = cond(); } catch (e) { v = -1; }"
            + " if (v >= 0 || performance.now() > until) done(v); else setTimeout(check, 5); }; check(); });";

    /** Opens a page and waits for its first frame (with the key drawn): ms since the navigation started, by the browser's clock. */
    private static double open(Chrome chrome, String url, String key) throws Exception {
        chrome.navigate("about:blank");
        chrome.navigate(url);
        // Waited for inside the page (checked every 5 ms there): polling it through chromedriver would
        // load the page's main thread and the two cores the browser, the host and the driver share.
        for (int i = 0; i < 4; i++) { // 4 waits of at most 25 s each (the driver's script timeout is 30 s)
            double at = chrome.number(WAIT_IN_PAGE.replace("$COND", key == null
                    ? "const s = window.meshport && window.meshport.stats; return s && s.frames > 0 ? s.firstFrame : -1;"
                    : "const s = window.meshport && window.meshport.stats.shown['" + key + "']; return s ? s.at : -1;"));
            if (at >= 0) {
                return at;
            }
        }
        throw new IllegalStateException("the page did not draw " + key + " within 100 s");
    }

    /** @return when (epoch ms, browser clock) the page showed that version of the key */
    private static double awaitShown(Chrome chrome, String key, long version) throws Exception {
        for (int i = 0; i < 3; i++) {
            double at = chrome.number(WAIT_IN_PAGE.replace("$COND", "const s = window.meshport.stats.shown['" + key + "']; return s && s.version === "
                    + version + " ? s.epochMs : -1;"));
            if (at >= 0) {
                return at;
            }
        }
        throw new IllegalStateException("the page did not redraw " + key + " v" + version + " within 75 s");
    }

    /** Headless Chromium through chromedriver's W3C protocol: navigate, run a script, quit. */
    static final class Chrome implements AutoCloseable {
        private static final Pattern SESSION = Pattern.compile("\"sessionId\"\\s*:\\s*\"([^\"]+)\"");
        private static final Pattern VALUE = Pattern.compile("\"value\"\\s*:\\s*(-?[0-9.eE+-]+|null)");
        private final Process driver;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        private final String root;
        private final String session;

        Chrome() throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--silent").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            root = "http://127.0.0.1:" + port;
            String created = null;
            for (int i = 0; i < 200 && created == null; i++) { // chromedriver takes a moment to listen
                try {
                    created = call("POST", "/session", "{\"capabilities\": {\"alwaysMatch\": {\"browserName\": \"chrome\","
                            + " \"goog:chromeOptions\": {\"binary\": \"" + CHROMIUM + "\", \"args\": [\"--headless=new\", \"--no-sandbox\","
                            + " \"--disable-dev-shm-usage\", \"--enable-unsafe-swiftshader\", \"--use-angle=swiftshader\", \"--window-size=1000,640\","
                            + " \"--no-first-run\", \"--disable-extensions\", \"--disable-background-networking\"]}}}}");
                } catch (IOException e) {
                    Thread.sleep(50);
                }
            }
            Matcher m = created == null ? null : SESSION.matcher(created);
            if (m == null || !m.find()) {
                driver.destroy();
                throw new IllegalStateException("chromedriver started no browser: " + created);
            }
            session = m.group(1);
        }

        private String call(String method, String path, String json) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root + path)).timeout(Duration.ofSeconds(180))
                    .header("Content-Type", "application/json");
            b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("chromedriver " + method + " " + path + ": " + r.statusCode() + " " + r.body());
            }
            return r.body();
        }

        void navigate(String url) throws IOException, InterruptedException {
            call("POST", "/session/" + session + "/url", "{\"url\": \"" + url + "\"}");
        }

        /** Runs a script (an async function body) and returns the number it returns; -1 for none. */
        double number(String script) throws IOException, InterruptedException {
            String body = "{\"script\": " + quote("return (async () => { " + script + " })();") + ", \"args\": []}";
            Matcher m = VALUE.matcher(call("POST", "/session/" + session + "/execute/sync", body));
            if (!m.find() || m.group(1).equals("null")) {
                return -1;
            }
            return Double.parseDouble(m.group(1));
        }

        private static String quote(String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char ch : s.toCharArray()) {
                switch (ch) {
                    case '"': b.append("\\\""); break;
                    case '\\': b.append("\\\\"); break;
                    case '\n': b.append("\\n"); break;
                    default: b.append(ch);
                }
            }
            return b.append('"').toString();
        }

        @Override
        public void close() {
            try {
                call("DELETE", "/session/" + session, null);
            } catch (Exception e) {
                // the browser is gone already
            }
            driver.destroy();
            try {
                driver.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
