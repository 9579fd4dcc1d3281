package io.meshport.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshport.client.MeshportClient;
import io.meshport.mesh.AttributeOwner;
import io.meshport.mesh.Mesh;

/**
 * The launcher's host, started from the assembled distribution as {@code ./meshport host} does, and
 * the command line's {@code send} and {@code demo} against it.
 */
class LauncherIT {
    private static final Path ROOT = Paths.get(System.getProperty("user.dir")).getParent();

    @TempDir
    static Path data;

    private static EmbeddedHost host;
    private static InetSocketAddress address;

    @BeforeAll
    static void startHost() throws Exception {
        host = EmbeddedHost.start(new EmbeddedHost.Options().data(data).port(0));
        address = host.awaitListener(20_000);
    }

    @AfterAll
    static void stopHost() {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void theMeshportBundlesRunFromDeploy() throws IOException {
        List<String> names = new ArrayList<>();
        try (var s = Files.list(data.resolve("deploy"))) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        for (String part : new String[] {"api", "session-store", "mesh-reader", "codecs", "listener", "joml-primitives",
            "node-runtime", "scatter-node"}) {
            assertTrue(names.stream().anyMatch(n -> n.startsWith("meshport-" + part + "-") && n.endsWith(".jar")), part + " in " + names);
        }
        assertTrue(address.getAddress().isLoopbackAddress());
    }

    @Test
    void theNodeGraphSurvivesAHostRestartInItsDataFolder(@TempDir Path own) throws Exception {
        try (EmbeddedHost first = EmbeddedHost.start(new EmbeddedHost.Options().data(own).port(0))) {
            assertNotNull(first.awaitListener(20_000));
            HostNodes nodes = new HostNodes(first);
            assertTrue(nodes.awaitType("scatter", 10_000));
            String s = (String) nodes.call("create", "/obj", "scatter", "kept");
            nodes.call("setParm", s, "count", 4321);
            nodes.call("setParm", s, "method", "poisson");
            nodes.call("setAutoCook", s, false);
        }
        assertTrue(Files.exists(own.resolve("nodes/graph.json")), "saved under the data folder");
        try (EmbeddedHost second = EmbeddedHost.start(new EmbeddedHost.Options().data(own).port(0))) {
            assertNotNull(second.awaitListener(20_000));
            HostNodes nodes = new HostNodes(second);
            assertTrue(nodes.awaitType("scatter", 10_000));
            java.util.Map<?, ?> n = (java.util.Map<?, ?>) nodes.call("node", "/obj/kept");
            assertEquals(4321L, ((java.util.Map<?, ?>) n.get("parms")).get("count"));
            assertEquals("poisson", ((java.util.Map<?, ?>) n.get("parms")).get("method"));
            assertEquals(false, n.get("autoCook"));
        }
    }

    @Test
    void syncDeployReplacesOlderJarsAndOtherVersionsButLeavesForeignJars(@TempDir Path tmp) throws IOException {
        Path built = Files.createDirectories(tmp.resolve("built"));
        Path deploy = Files.createDirectories(tmp.resolve("deploy"));
        Files.writeString(built.resolve("meshport-listener-0.2.0.jar"), "new");
        Files.writeString(deploy.resolve("meshport-listener-0.1.0.jar"), "old version");
        Files.writeString(deploy.resolve("thirdparty-ply-1.0.jar"), "not ours");
        BundleJars.syncDeploy(built, deploy);
        assertEquals("new", Files.readString(deploy.resolve("meshport-listener-0.2.0.jar")));
        assertTrue(Files.notExists(deploy.resolve("meshport-listener-0.1.0.jar")));
        assertTrue(Files.exists(deploy.resolve("thirdparty-ply-1.0.jar")));
        Files.writeString(deploy.resolve("meshport-listener-0.2.0.jar"), "edited in place, newer");
        BundleJars.syncDeploy(built, deploy);
        assertEquals("edited in place, newer", Files.readString(deploy.resolve("meshport-listener-0.2.0.jar")),
                "a jar newer than the built one is left alone");
    }

    @Test
    void theReadmesPythonSnippetWorksAgainstTheHost() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher m = Pattern.compile("## Push a triangle from Python.*?```python\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README has the Python snippet");
        String snippet = m.group(1);
        assertEquals(Files.readString(ROOT.resolve("samples/python/push_triangle.py")), snippet,
                "the README shows samples/python/push_triangle.py as it is");
        String out = python(ROOT.resolve("samples/python/push_triangle.py"));
        assertTrue(out.contains("stored geo/triangle version"), out);
        assertTrue(out.contains("read back [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0] indices [0, 1, 2]"), out);
        try (MeshportClient c = MeshportClient.connect("127.0.0.1", address.getPort())) {
            Mesh tri = c.getMesh("geo/triangle").mesh();
            assertEquals(3, tri.pointCount());
            assertEquals(1, tri.faceCount());
        }
    }

    /** {@code meshport host} in a process of its own, its output collected line by line. */
    private static final class HostProcess implements AutoCloseable {
        final Process process;
        private final StringBuilder log = new StringBuilder();
        private final Thread reader;

        HostProcess(Path data, String... args) throws IOException {
            Path dist = Paths.get(System.getProperty("meshport.home"));
            String cp = ROOT.resolve("launcher/target/meshport-launcher.jar") + java.io.File.pathSeparator + dist.resolve("lib") + "/*";
            List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dmeshport.home=" + dist, "-cp", cp, "io.meshport.launcher.Main", "host", "--no-shell", "--data", data.toString()));
            cmd.addAll(List.of(args));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            reader = new Thread(() -> {
                try (java.io.BufferedReader r = new java.io.BufferedReader(
                        new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null;) {
                        synchronized (log) {
                            log.append(line).append('\n');
                            log.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            });
            reader.start();
        }

        String log() {
            synchronized (log) {
                return log.toString();
            }
        }

        /** @return the first match of {@code pattern} in the output, waiting up to 60 s for it */
        Matcher await(String pattern) throws InterruptedException {
            Pattern p = Pattern.compile(pattern);
            long deadline = System.currentTimeMillis() + 60_000;
            synchronized (log) {
                for (int i = 0; i < 6000; i++) {
                    Matcher m = p.matcher(log);
                    if (m.find()) {
                        return m;
                    }
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
                        break;
                    }
                    log.wait(Math.min(left, 100));
                }
            }
            throw new AssertionError("no '" + pattern + "' in the host's output:\n" + log());
        }

        /** Stops the host with SIGTERM (Process.destroy would also close our end of its output). */
        @Override
        public void close() throws InterruptedException {
            process.toHandle().destroy();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the host stops within 30 s of SIGTERM");
            reader.join(5_000);
        }
    }

    @Test
    void theHostCommandServesPythonAndItsPageAndStopsCleanlyOnSigterm(@TempDir Path own) throws Exception {
        HostProcess host = new HostProcess(own, "--port", "0");
        try {
            int p = Integer.parseInt(host.await("listening on 127\\.0\\.0\\.1:(\\d+)").group(1));
            host.await("Meshport host up in"); // the host is all there: stopping it later is an orderly stop
            String out = python(ROOT.resolve("samples/python/push_triangle.py"), p);
            assertTrue(out.contains("stored geo/triangle version 1"), out);
            String url = host.await("view at (http://127\\.0\\.0\\.1:\\d+/)\\n").group(1);
            java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<title>Meshport</title>"), page.body());
        } finally {
            host.close();
        }
        String log = host.log();
        assertTrue(log.contains("stopped listening on 127.0.0.1:"), "the listener closed its port:\n" + log);
        assertTrue(log.endsWith("Meshport host stopped\n"), "a clean stop says so last:\n" + log);
    }

    /**
     * The token never reaches the host's output (its log): not at start, not for a hello with a wrong
     * token or none, not for page and API requests carrying it in {@code ?token=}, not at the stop.
     * Its output is a pipe here, so the address is printed without the token, with where the token is.
     */
    @Test
    void withATokenFileTheOutputSaysWhereTheTokenIsButNeverShowsItAndWebPortOffServesNoPage(@TempDir Path own) throws Exception {
        String token = "leak-probe-" + Long.toHexString(new java.security.SecureRandom().nextLong()) + "-" + System.nanoTime();
        String wrong = "wrong-probe-" + Long.toHexString(System.nanoTime());
        Path tokenFile = own.resolve("token.txt");
        Files.writeString(tokenFile, token + "\n");
        Path data = own.resolve("a");
        HostProcess host = new HostProcess(data, "--port", "0", "--token-file", tokenFile.toString());
        String clientError;
        try {
            int port = Integer.parseInt(host.await("listening on 127\\.0\\.0\\.1:(\\d+) \\(token required\\)").group(1));
            String url = host.await("view at (http://127\\.0\\.0\\.1:\\d+/)\\n").group(1);
            host.await(Pattern.quote(tokenFile.toAbsolutePath().toString())); // says where the token is
            // A hello with a wrong token, and one without: refused, and the client's error does not quote it.
            io.meshport.client.MeshportClientException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    io.meshport.client.MeshportClientException.class, () -> MeshportClient.connect(
                            io.meshport.client.ClientOptions.of("127.0.0.1", port).withToken(wrong).withReconnect(java.time.Duration.ZERO)));
            assertEquals(io.meshport.protocol.ErrorCode.UNAUTHORIZED, refused.code());
            clientError = String.valueOf(refused) + refused.detail();
            org.junit.jupiter.api.Assertions.assertThrows(io.meshport.client.MeshportClientException.class,
                    () -> MeshportClient.connect(io.meshport.client.ClientOptions.of("127.0.0.1", port).withReconnect(java.time.Duration.ZERO)));
            try (MeshportClient c = MeshportClient.connect(io.meshport.client.ClientOptions.of("127.0.0.1", port).withToken(token))) {
                c.print("a client with the right token was here");
                c.putCbor("probe/x", Map.of("n", 1));
            }
            // The page: without the token, with a wrong one, with the right one (the page redirects, the
            // API answers), as a Bearer header, and requests that fail behind the token.
            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().followRedirects(java.net.http.HttpClient.Redirect.NORMAL)
                    .cookieHandler(new java.net.CookieManager()).build();
            assertEquals(401, get(http, url, null).statusCode(), "without the token");
            assertEquals(401, get(http, url + "?token=" + wrong, null).statusCode(), "with a wrong one");
            java.net.http.HttpResponse<String> page = get(http, url + "?token=" + token, null);
            assertEquals(200, page.statusCode(), "with it (redirected to the address without it, the session cookie kept)");
            assertEquals(url, page.uri().toString());
            assertTrue(page.body().contains("<title>Meshport</title>"));
            java.net.http.HttpClient fresh = java.net.http.HttpClient.newHttpClient(); // no cookie: the query is all it has
            assertEquals(200, get(fresh, url + "api/entry?key=probe/x&token=" + token, null).statusCode());
            assertEquals(404, get(fresh, url + "api/entry?key=probe/none&token=" + token, null).statusCode());
            get(fresh, url + "api/mesh?key=probe/x&token=" + token, null); // not a mesh: an error, behind the token
            assertEquals(200, get(fresh, url + "api/entry?key=probe/x", token).statusCode(), "Authorization: Bearer");
            assertEquals(401, get(fresh, url + "api/entry?key=probe/x", wrong).statusCode());
            java.net.http.HttpResponse<String> post = fresh.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(url + "api/nodes?token=" + token)).POST(java.net.http.HttpRequest.BodyPublishers.ofString("{not json"))
                    .header("Content-Type", "application/json").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertTrue(post.statusCode() >= 400, "a bad request behind the token: " + post.statusCode());
            host.await("a client with the right token was here"); // the log so far is all there
        } finally {
            host.close();
        }
        String log = host.log();
        assertTrue(log.endsWith("Meshport host stopped\n"), log);
        assertTrue(!log.contains(token), "the token appears nowhere in the host's output:\n" + log);
        assertTrue(!log.contains(wrong), "nor does a wrong token a client sent:\n" + log);
        assertTrue(!clientError.contains(wrong), "the client's error does not quote the hello: " + clientError);
        assertTrue(!Pattern.compile("view at \\S*token=").matcher(log).find(), "no address with a token in it:\n" + log);
        try (var files = Files.walk(data)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertTrue(!bytes.contains(token), "no file in the data folder holds the token: " + f);
            }
        }
        HostProcess off = new HostProcess(own.resolve("b"), "--port", "0", "--web-port", "off");
        try {
            off.await("Meshport host up in");
            off.await("the web page is off");
        } finally {
            off.close();
        }
        String offLog = off.log();
        assertTrue(offLog.endsWith("Meshport host stopped\n"), offLog);
        assertTrue(!offLog.contains("view at"), "no address in all the host's output:\n" + offLog);
        // What prints the address has returned, having printed nothing: nothing is left to print it later.
        try (EmbeddedHost h = EmbeddedHost.start(new EmbeddedHost.Options().data(own.resolve("c")).port(0).web(false))) {
            assertNotNull(h.awaitListener(20_000));
            assertEquals("", printPage(h, null, false, "", ""));
        }
    }

    /**
     * The page's address carries the token only on an interactive terminal; anywhere else the output
     * says where the token is. A token given as a listener setting is never a property (framework,
     * configuration or service) and its file is gone once the host stops.
     */
    @Test
    void theAddressCarriesTheTokenOnlyOnATerminalAndAGivenTokenIsNeverAProperty(@TempDir Path own) throws Exception {
        String token = "inproc-probe-" + Long.toHexString(new java.security.SecureRandom().nextLong());
        Path tokenFile = own.resolve("token.txt");
        Files.writeString(tokenFile, token + "\n");
        Path data = own.resolve("data");
        try (EmbeddedHost h = EmbeddedHost.start(new EmbeddedHost.Options().data(data).port(0).listener("token", token))) {
            assertNotNull(h.awaitListener(20_000));
            assertTrue(h.listenerToken(null) && h.listenerToken(token));
            org.osgi.framework.BundleContext ctx = h.framework().getBundleContext();
            assertEquals(null, ctx.getProperty("meshport.listener.token"));
            for (org.osgi.framework.ServiceReference<?> r : ctx.getAllServiceReferences(null, null)) {
                for (String k : r.getPropertyKeys()) {
                    assertTrue(!String.valueOf(r.getProperty(k)).contains(token), "service property " + k + " of " + r);
                }
            }
            Path held = Paths.get(ctx.getProperty("meshport.listener.tokenFile"));
            assertTrue(held.startsWith(data.toAbsolutePath()), held.toString());
            if (Files.getFileStore(held).supportsFileAttributeView("posix")) {
                assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(held)));
            }

            String piped = printPage(h, tokenFile, false, "", "");
            assertTrue(!piped.contains(token), piped);
            assertTrue(Pattern.compile("^view at http://127\\.0\\.0\\.1:\\d+/\n  the page asks for the host's token, the first line of "
                    + Pattern.quote(tokenFile.toAbsolutePath().toString()) + ": open http://127\\.0\\.0\\.1:\\d+/\\?token=TOKEN once").matcher(piped).find(), piped);

            String demo = printPage(h, tokenFile, false, "key=demo/torus", "  the page: ");
            assertTrue(!demo.contains(token), demo);
            assertTrue(demo.contains("/?key=demo/torus&token=TOKEN once"), demo);

            Files.writeString(data.resolve("token"), token + "\n"); // as the listener generates it
            String generated = printPage(h, null, false, "", "");
            assertTrue(!generated.contains(token) && generated.contains("the first line of " + data.toAbsolutePath().resolve("token")), generated);
            Files.delete(data.resolve("token"));
            String unknown = printPage(h, null, false, "", "");
            assertTrue(!unknown.contains(token) && unknown.contains("set in the listener's configuration"), unknown);

            String tty = printPage(h, tokenFile, true, "", "");
            assertTrue(Pattern.compile("^view at http://127\\.0\\.0\\.1:\\d+/\\?token=" + Pattern.quote(token) + " ").matcher(tty).find(), tty);
            assertTrue(!printPage(h, null, true, "", "").contains(token), "on a terminal too, only a token the launcher knows");
            h.close();
            assertTrue(Files.notExists(held), "the token's file is deleted when the host stops");
        }
        try (var files = Files.walk(data)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                assertTrue(!new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(token), "no file in the data folder holds it: " + f);
            }
        }
    }

    private static String printPage(EmbeddedHost h, Path tokenFile, boolean terminal, String query, String lead) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            new Main(out, terminal).printPage(h, tokenFile, query, lead);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static java.net.http.HttpResponse<String> get(java.net.http.HttpClient http, String url, String bearer) throws Exception {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    private String python(Path script) throws Exception {
        return python(script, address.getPort());
    }

    private String python(Path script, int port) throws Exception {
        return PythonRunner.run(Map.of("MESHPORT_PORT", String.valueOf(port)), script.toString());
    }

    @Test
    void sendPushesAnObjWithPolygonsUvAndNormals(@TempDir Path tmp) throws Exception {
        Path obj = tmp.resolve("quad-and-tri.obj");
        Files.writeString(obj, String.join("\n",
                "# a quad and a triangle sharing an edge",
                "v 0 0 0", "v 1 0 0", "v 1 1 0", "v 0 1 0", "v 2 0.5 0",
                "vt 0 0", "vt 1 0", "vt 1 1", "vt 0 1", "vt 1 0.5",
                "vn 0 0 1",
                "f 1/1/1 2/2/1 3/3/1 4/4/1",
                "f 2/2/1 5/5/1 3/3/1", ""));
        String out = run("send", obj.toString(), "--key", "files/quad-and-tri", "--port", String.valueOf(address.getPort()));
        assertTrue(out.contains("put files/quad-and-tri: version"), out);
        try (MeshportClient c = MeshportClient.connect("127.0.0.1", address.getPort())) {
            Mesh m = c.getMesh("files/quad-and-tri").mesh();
            assertEquals(5, m.pointCount());
            assertEquals(2, m.faceCount());
            assertEquals(7, m.vertexCount());
            assertEquals(3, m.triangleCount());
            assertEquals(4, m.faceVertexCount(0));
            assertEquals(AttributeOwner.VERTEX, m.attribute("uv").owner());
            assertEquals(0.5f, m.attribute("uv").getFloat(5, 1));
            assertEquals(1f, m.attribute("N").getFloat(6, 2));
            assertEquals("quad-and-tri.obj", m.name());
        }
    }

    @Test
    void sendExplainsWhatIsWrong(@TempDir Path tmp) throws Exception {
        Path obj = tmp.resolve("bad.obj");
        Files.writeString(obj, "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 7\n");
        Main.UsageException usage = org.junit.jupiter.api.Assertions.assertThrows(Main.UsageException.class,
                () -> run("send", tmp.resolve("missing.obj").toString(), "--key", "k", "--port", "1"));
        assertTrue(usage.getMessage().contains("no file"), usage.getMessage());
        // The OBJ reader refuses it before anything is sent, naming the line.
        java.io.IOException refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> run("send", obj.toString(), "--key", "files/bad", "--port", String.valueOf(address.getPort())));
        assertEquals("cannot read bad.obj as OBJ: line 4: face refers to vertex 7, but the file has 3 vertices",
                refused.getMessage());
    }

    @Test
    void demoRunsItsOwnHostAndSucceeds() throws Exception {
        String out = run("demo");
        assertTrue(out.contains("identical positions, indices, face counts, N and Cd"), out);
        assertTrue(out.contains("node /obj/scatter1 (scatter, random) on demo/torus: 200000 points"), out);
        assertTrue(out.contains("same node, method poisson: 20000 points"), out);
        assertTrue(out.contains("/obj/scatter1 re-cooked by itself (cook 3,"), out);
        assertTrue(out.contains("demo done"), out);
        assertTrue(Pattern.compile("the page: view at http://127\\.0\\.0\\.1:\\d+/\\?key=demo/torus&key=demo/points").matcher(out).find(), out);
        assertNotNull(host.listenerAddress(), "the test host is unaffected");
    }

    private static String run(String... args) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            code = new Main(out).run(args);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        return text;
    }
}
