package io.meshport.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import io.meshport.client.ClientOptions;
import io.meshport.client.MeshportClient;
import io.meshport.client.PutResult;
import io.meshport.mesh.Attribute;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;

/**
 * The page in a real browser (Debian's headless Chromium, WebGL on SwiftShader) against real hosts
 * started from the distribution: one without a token, one with. One browser serves every test. The
 * checks are what a person would look at: keys listed, pixels of a mesh's {@code Cd} colour on the
 * screen, a redraw without a reload, the node panel driven by typing and clicking. Nothing is timed
 * here ({@code ./meshport bench web} measures).
 */
class WebPageIT {
    private static final String TOKEN = "web-page-test-token-0123456789";

    @TempDir
    static Path dir;

    private static EmbeddedHost host;
    private static EmbeddedHost tokenHost;
    private static Browser browser;
    private static MeshportClient client;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        host = EmbeddedHost.start(new EmbeddedHost.Options().data(dir.resolve("open")).port(0));
        int port = host.awaitListener(20_000).getPort();
        base = host.awaitWeb(20_000);
        assertNotNull(base, "the page is served");
        assertTrue(base.startsWith("http://127.0.0.1:"), base);
        client = MeshportClient.connect(ClientOptions.of("127.0.0.1", port).withClientName("web-test"));
        browser = new Browser(1000, 640);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (client != null) {
            client.close();
        }
        if (host != null) {
            host.close();
        }
        if (tokenHost != null) {
            tokenHost.close();
        }
    }

    static Mesh coloured(float r, float g, float b) {
        Mesh torus = Shapes.torus(64, 32, 2f, 0.6f);
        float[] cd = new float[3 * torus.pointCount()];
        for (int i = 0; i < cd.length; i += 3) {
            cd[i] = r;
            cd[i + 1] = g;
            cd[i + 2] = b;
        }
        return torus.toBuilder().attribute(Attribute.ofFloats("Cd", AttributeOwner.POINT, 3, cd)).build();
    }

    private static void open(String pathAndQuery) {
        browser.driver.get(base + pathAndQuery.replaceFirst("^/", ""));
        browser.await("the page's event stream connected", 30, () -> (Boolean) browser.js("return !!(window.meshport && window.meshport.stats.connected)"));
    }

    private static List<String> listedKeys() {
        // read in one script: the list is re-rendered whenever an event arrives
        @SuppressWarnings("unchecked")
        List<String> keys = (List<String>) browser.js("return [...document.querySelectorAll('#list tbody tr')].map((r) => r.dataset.key);");
        return keys;
    }

    @Test
    void theKeyListShowsWhatAClientPutAndFollowsTheSessionLive() {
        client.put("list/mesh", coloured(0.5f, 0.5f, 0.5f));
        client.putCbor("list/settings", Map.of("units", "m", "scale", 2.5, "tags", List.of("a", "b")));
        open("/?prefix=list/");
        browser.await("list/mesh and list/settings listed", 20, () -> listedKeys().containsAll(List.of("list/mesh", "list/settings")));
        WebElement row = browser.driver.findElement(By.cssSelector("#list tr[data-key='list/mesh']"));
        assertTrue(row.getText().contains("mesh"), row.getText());
        assertTrue(row.getText().contains("2048"), "the point count: " + row.getText());

        client.putBytes("list/later", new byte[] {1, 2, 3, 'a', 'b'});
        browser.await("a key put after the page opened appears without a reload", 20, () -> listedKeys().contains("list/later"));
        client.delete("list/later");
        browser.await("a deleted key leaves the list", 20, () -> !listedKeys().contains("list/later"));

        // A non-mesh entry shows a short preview, not its bytes.
        browser.driver.findElement(By.cssSelector("#list tr[data-key='list/settings'] td.key")).click();
        browser.await("the preview of list/settings", 20,
                () -> browser.driver.findElement(By.id("preview-text")).getText().contains("\"units\": \"m\""));
    }

    @Test
    void keyInTheAddressDrawsTheMeshInItsColourAndANewVersionRedrawsWithoutAReload() {
        PutResult first = client.put("draw/torus", coloured(1f, 0f, 0f));
        open("/?key=draw/torus");
        browser.await("draw/torus on screen", 60, () -> browser.shown("draw/torus") == first.version());
        BufferedImage red = browser.screenshot();
        int reds = Browser.count(red, Browser::reddish);
        assertTrue(reds > 2000, "pixels of the mesh's red Cd: " + reds);

        browser.js("window.notReloaded = 'still here';");
        String camera = (String) browser.js("return JSON.stringify(window.location.search)");
        PutResult second = client.put("draw/torus", coloured(0f, 0f, 1f));
        browser.await("version " + second.version() + " on screen", 60, () -> browser.shown("draw/torus") == second.version());
        assertEquals("still here", browser.js("return window.notReloaded"), "redrawn in place, not reloaded");
        assertEquals(camera, browser.js("return JSON.stringify(window.location.search)"));
        BufferedImage blue = browser.screenshot();
        int blues = Browser.count(blue, Browser::bluish);
        int redsLeft = Browser.count(blue, Browser::reddish);
        assertTrue(blues > 2000, "pixels of the new blue Cd: " + blues);
        assertTrue(redsLeft < reds / 20, "the red version is gone: " + redsLeft + " red pixels left of " + reds);
    }

    @Test
    void aPointCloudDrawsAsPoints() {
        int n = 20_000;
        float[] p = new float[3 * n];
        float[] cd = new float[3 * n];
        for (int i = 0; i < n; i++) {
            double a = i * 2.399963;
            double r = Math.sqrt(i / (double) n);
            p[3 * i] = (float) (r * Math.cos(a));
            p[3 * i + 1] = (float) (r * Math.sin(a));
            p[3 * i + 2] = (float) (0.2 * Math.sin(6 * r));
            cd[3 * i + 1] = 1f;
        }
        Mesh cloud = Mesh.builder().positions(p).attribute(Attribute.ofFloats("Cd", AttributeOwner.POINT, 3, cd)).build();
        PutResult put = client.put("draw/cloud", cloud);
        open("/?key=draw/cloud");
        browser.await("draw/cloud on screen", 60, () -> browser.shown("draw/cloud") == put.version());
        assertEquals("Points", browser.js("return window.meshport.objectType('draw/cloud')"));
        int greens = Browser.count(browser.screenshot(), Browser::greenish);
        assertTrue(greens > 1000, "pixels of the points' green Cd: " + greens);
    }

    @Test
    void aMeshTooLargeToDrawComesAsAPreviewLabelledWithItsTrueCounts() {
        Mesh big = Shapes.torus(200, 200, 2f, 0.6f); // 40,000 points, 40,000 quads
        PutResult put = client.put("draw/big", big);
        open("/?key=draw/big&previewPoints=5000");
        browser.await("draw/big on screen", 60, () -> browser.shown("draw/big") == put.version());
        assertEquals("Points", browser.js("return window.meshport.objectType('draw/big')"));
        String drawnLabel = (String) browser.js("return document.getElementById('drawn').textContent");
        assertTrue(drawnLabel.contains("preview: 5,000 of 40,000 points, 1 in 8; 40,000 faces not drawn"), drawnLabel);
    }

    @Test
    void theNodePanelEditsParametersWithTheGraphsChecksAndCooks() throws Exception {
        client.put("nodes/src", Shapes.torus(64, 32, 2f, 0.6f));
        HostNodes graph = new HostNodes(host);
        assertTrue(graph.awaitType("scatter", 20_000), "the scatter node type is deployed");
        open("/");
        browser.await("scatter offered", 20,
                () -> !browser.driver.findElements(By.cssSelector("#create-type option[value='scatter']")).isEmpty());
        new Select(browser.driver.findElement(By.id("create-type"))).selectByValue("scatter");
        browser.driver.findElement(By.id("create-name")).sendKeys("pagescatter");
        browser.driver.findElement(By.cssSelector("#create button")).click();
        browser.await("the new node's parameters", 20,
                () -> !browser.driver.findElements(By.cssSelector("#node-detail label.parm[data-parm='count'] input")).isEmpty());

        type("source", "nodes/src");
        type("count", "lots");
        browser.await("the graph's own check on count shown", 20, () -> !parmError("count").isEmpty());
        String refused = parmError("count");
        assertTrue(refused.contains("count"), "the graph's message names the parameter: " + refused);
        type("count", "3000");
        browser.await("the error cleared", 20, () -> parmError("count").isEmpty());
        type("output", "nodes/points");
        browser.await("the parameters reached the graph", 20, () -> "nodes/points".equals(graph.call("parm", "/obj/pagescatter", "output")));
        assertEquals(3000L, ((Number) graph.call("parm", "/obj/pagescatter", "count")).longValue());
        assertEquals("nodes/src", graph.call("parm", "/obj/pagescatter", "source"));

        browser.driver.findElement(By.id("cook")).click();
        browser.await("the node's output drawn over its source", 60, () -> browser.shown("nodes/points") > 0 && browser.shown("nodes/src") > 0);
        assertEquals("Points", browser.js("return window.meshport.objectType('nodes/points')"));
        assertEquals("Mesh", browser.js("return window.meshport.objectType('nodes/src')"));
        assertEquals(3000, client.getMesh("nodes/points").mesh().pointCount());
        browser.await("the node listed as cooked", 20, () -> browser.driver.findElement(By.cssSelector(".node[data-path='/obj/pagescatter'] .state"))
                .getText().equals("cooked"));
    }

    private static void type(String parm, String text) {
        WebElement input = browser.driver.findElement(By.cssSelector("#node-detail label.parm[data-parm='" + parm + "'] input"));
        input.click();
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), text, Keys.TAB); // leaving the field is a change
    }

    private static String parmError(String parm) {
        return browser.driver.findElement(By.cssSelector("#node-detail label.parm[data-parm='" + parm + "'] .error")).getText();
    }

    @Test
    void noRequestLeavesThePagesOrigin() throws Exception {
        client.put("origin/torus", coloured(0.8f, 0.8f, 0.2f));
        open("/?key=origin/torus");
        browser.await("origin/torus on screen", 60, () -> browser.shown("origin/torus") > 0);
        String origin = base.substring(0, base.length() - 1);
        @SuppressWarnings("unchecked")
        List<String> urls = (List<String>) browser.js(
                "return performance.getEntries().filter(e => e.entryType === 'resource' || e.entryType === 'navigation').map(e => e.name)");
        assertTrue(urls.size() >= 5, "the page, its script, style, three.js and the API: " + urls);
        for (String u : urls) {
            assertTrue(u.startsWith(origin + "/"), "a request to another origin: " + u);
        }
        assertEquals(List.of(), browser.js("return window.meshport.stats.errors"), "no failed load, no blocked request");
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base)).build(),
                HttpResponse.BodyHandlers.ofString());
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("default-src 'none'") && csp.contains("connect-src 'self'") && csp.contains("script-src 'self'"), csp);
    }

    @Test
    void withATokenARequestWithoutItGets401AndThePageWithItWorks() throws Exception {
        Path tokenFile = dir.resolve("token.txt");
        Files.writeString(tokenFile, TOKEN + "\n");
        tokenHost = EmbeddedHost.start(new EmbeddedHost.Options().data(dir.resolve("closed")).port(0).tokenFile(tokenFile));
        int port = tokenHost.awaitListener(20_000).getPort();
        String url = tokenHost.awaitWeb(20_000);
        assertNotNull(url);
        try (MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", port).withToken(TOKEN))) {
            c.put("secret/torus", coloured(1f, 0f, 0f));
        }
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("", "static/app.js", "api/mesh?key=secret/torus", "api/entry?key=secret/torus", "api/events", "api/nodes",
            "?token=wrong-token", "api/mesh?key=secret/torus&token=wrong")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + path)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode(), path);
            assertTrue(r.body().contains("UNAUTHORIZED") && !r.body().contains("secret/torus") && !r.body().contains("<html"),
                    "no data without the token: " + r.body());
        }
        HttpResponse<byte[]> bearer = http.send(HttpRequest.newBuilder(URI.create(url + "api/mesh?key=secret/torus"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, bearer.statusCode());
        assertEquals("MPMS", new String(Arrays.copyOf(bearer.body(), 4), java.nio.charset.StandardCharsets.US_ASCII));

        browser.driver.get(url + "?token=" + TOKEN + "&key=secret/torus");
        browser.await("secret/torus on screen", 60, () -> browser.shown("secret/torus") > 0);
        String address = browser.driver.getCurrentUrl();
        assertFalse(address.contains(TOKEN), "the token left the address bar: " + address);
        assertTrue(address.contains("key=secret/torus"), address);
        browser.await("secret/torus listed", 20, () -> listedKeys().contains("secret/torus"));
        assertTrue(Browser.count(browser.screenshot(), Browser::reddish) > 2000, "drawn in its colour");
        // The cookie is HttpOnly: the page's scripts cannot read it.
        assertEquals("", browser.js("return document.cookie"));
    }

    /**
     * The page is a server bundle like the others: updating it, the session store or the listener
     * while a page is open loses nothing. The page finds its stream again by itself and draws the
     * versions put after each update. The page's port is fixed for this host (an ephemeral port
     * found free), as it is for users (18880 by default), so that the open page can come back to it.
     */
    @Test
    void anOpenPageSurvivesUpdatesOfTheWebBundleTheSessionStoreAndTheListener() throws Exception {
        int webPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            webPort = probe.getLocalPort();
        }
        EmbeddedHost swapHost = EmbeddedHost.start(new EmbeddedHost.Options().data(dir.resolve("swap")).port(0).webPort(webPort));
        try {
            int port = swapHost.awaitListener(20_000).getPort();
            String url = swapHost.awaitWeb(20_000);
            assertEquals("http://127.0.0.1:" + webPort + "/", url);
            try (MeshportClient c = MeshportClient.connect(ClientOptions.of("127.0.0.1", port).withClientName("web-swap-test"))) {
                long v = c.put("swap/torus", coloured(1f, 0f, 0f)).version();
                browser.driver.get(url + "?key=swap/torus");
                long first = v;
                browser.await("swap/torus on screen", 60, () -> browser.shown("swap/torus") == first);
                browser.js("window.notReloaded = 'still here';");
                for (String bsn : List.of("io.meshport.web", "io.meshport.session-store", "io.meshport.listener")) {
                    long snapshots = ((Number) browser.js("return window.meshport.stats.snapshots")).longValue();
                    org.osgi.framework.Bundle b = java.util.Arrays.stream(swapHost.framework().getBundleContext().getBundles())
                            .filter(x -> bsn.equals(x.getSymbolicName())).findFirst().orElseThrow(() -> new AssertionError("no bundle " + bsn));
                    b.update();
                    assertEquals(url, swapHost.awaitWeb(20_000), "the page is served at the same address after " + bsn + " was updated");
                    if (!bsn.equals("io.meshport.listener")) {
                        // the web bundle's and the store's updates end the page's stream: it must come back
                        browser.await("the page's stream back after " + bsn + " was updated", 30,
                                () -> ((Number) browser.js("return window.meshport.stats.snapshots")).longValue() > snapshots
                                        && (Boolean) browser.js("return window.meshport.stats.connected"));
                    }
                    long next = c.put("swap/torus", coloured(bsn.endsWith("listener") ? 0f : 1f, bsn.endsWith("store") ? 1f : 0f,
                            bsn.endsWith("web") || bsn.endsWith("listener") ? 1f : 0f)).version();
                    assertTrue(next > v, "the session's versions go on after " + bsn + " was updated: " + v + " then " + next);
                    v = next;
                    long expected = next;
                    browser.await("version " + next + " drawn after " + bsn + " was updated", 60, () -> browser.shown("swap/torus") == expected);
                }
                // A store stopped for a while: the page's stream is refused (503), which browsers give up
                // on for good; the page must keep asking and come back once the store is started again.
                org.osgi.framework.Bundle store = java.util.Arrays.stream(swapHost.framework().getBundleContext().getBundles())
                        .filter(x -> "io.meshport.session-store".equals(x.getSymbolicName())).findFirst().orElseThrow();
                store.stop();
                browser.await("the page lost its stream", 30, () -> !(Boolean) browser.js("return window.meshport.stats.connected"));
                Thread.sleep(2500); // the browser's own retry (after 1 s) meets the 503 meanwhile
                long snapshots = ((Number) browser.js("return window.meshport.stats.snapshots")).longValue();
                store.start();
                browser.await("the page's stream back after the store was started again", 30,
                        () -> ((Number) browser.js("return window.meshport.stats.snapshots")).longValue() > snapshots);
                long last = c.put("swap/torus", coloured(0f, 0f, 1f)).version();
                assertTrue(last > v, "the session's versions go on after the store was stopped and started: " + v + " then " + last);
                browser.await("version " + last + " drawn after the store came back", 60, () -> browser.shown("swap/torus") == last);
                assertEquals("still here", browser.js("return window.notReloaded"), "the page came back by itself, without a reload");
                assertTrue(Browser.count(browser.screenshot(), Browser::bluish) > 2000, "the last version's blue on screen");
            }
        } finally {
            swapHost.close();
        }
    }

    /** The page's picture in docs/web.md: the demo's torus and its scatter points, as {@code ./meshport demo --keep} shows them. */
    @Test
    void screenshotOfTheDemo() throws Exception {
        client.put("demo/torus", Shapes.torus(256, 128, 2f, 0.6f));
        HostNodes graph = new HostNodes(host);
        assertTrue(graph.awaitType("scatter", 20_000));
        String s = (String) graph.call("create", "/obj", "scatter", "demoscatter");
        graph.call("setParm", s, "source", "demo/torus");
        graph.call("setParm", s, "count", 20_000);
        graph.call("setParm", s, "method", "poisson");
        graph.call("setParm", s, "output", "demo/points");
        graph.call("cook", s);
        open("/?prefix=demo/&key=demo/torus&key=demo/points");
        browser.await("the demo drawn", 60, () -> browser.shown("demo/torus") > 0 && browser.shown("demo/points") > 0);
        browser.await("the node listed", 20, () -> (Boolean) browser.js(
                "const n = document.querySelector(\".node[data-path='/obj/demoscatter']\"); if (n) n.click(); return !!n;"));
        browser.await("the node's parameters", 20, () -> !browser.driver.findElements(By.cssSelector("#node-detail label.parm")).isEmpty());
        Thread.sleep(300); // the panel's last layout before the picture
        Path png = Paths.get("target", "page.png");
        Files.createDirectories(png.getParent());
        ImageIO.write(browser.screenshot(), "png", png.toFile());
        assertTrue(Files.size(png) > 10_000, "a picture was taken: " + png.toAbsolutePath());
    }
}
