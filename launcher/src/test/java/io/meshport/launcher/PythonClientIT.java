package io.meshport.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python client (the package in clients/python) against a real host: its example pushes a mesh,
 * scatters it through the remote node graph, reads the points back and watches the node re-cook;
 * once with NumPy and once without it, since script editors do not always have it.
 */
class PythonClientIT {
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

    private static void checkExample(String out, int count) {
        assertTrue(out.contains("pushed example/grid: version "), out);
        assertTrue(out.contains(", 441 points, 400 faces"), out);
        assertTrue(out.matches("(?s).*cooked /obj/scatter\\d+: " + count + " points, min spacing [0-9.]+ \\(1\\.[0-9]+ of the target radius\\)"
                + " -> example/points version \\d+.*"), out);
        assertTrue(out.contains("read back " + count + " points with attributes ['Cd', 'N', 'minSpacing', 'sourceFace', 'sourceFan',"
                + " 'sourceUV']; every z is 0.0"), out);
        assertTrue(out.contains("the node re-cooked by itself, example/points version"), out);
        assertTrue(out.contains("z now 2.5"), out);
        assertTrue(out.contains("state COOKED, cooked 2 times"), out);
        assertTrue(out.contains("errors carry their code: NOT_FOUND"), out);
    }

    /**
     * The listener is updated three times while a Python script writes a chain of puts, each
     * conditional on the version of the one before: the client reconnects by itself, sends again what
     * got no reply, and the host's request tokens keep a resent put from applying twice (it would break
     * the chain with VERSION_MISMATCH); the script's watch is renewed and sees a put made afterwards.
     */
    @Test
    void aScriptWritesOnThroughListenerUpdates() throws Exception {
        String code = String.join("\n",
                "import sys, time, meshport",
                "conn = meshport.connect('127.0.0.1', int(sys.argv[1]))",
                "w = conn.watch('pyswap/')",
                "print('ready', flush=True)",
                "v, n, deadline = None, 0, time.time() + 90",
                "while n < 400 and time.time() < deadline:",
                "    v = conn.put('pyswap/counter', n, if_version=v)['version']",
                "    n += 1",
                "    time.sleep(0.01)",
                "got = conn.get('pyswap/counter')",
                "while w.next_event(timeout=0.3) is not None:",
                "    pass",
                "conn.put('pyswap/after', 1)",
                "seen = None",
                "for _ in range(100):",
                "    ev = w.next_event(timeout=0.1)",
                "    if ev is not None and ev['key'] == 'pyswap/after':",
                "        seen = ev",
                "        break",
                "print('done', n, got['body'], got['version'] == v, 'reconnects', conn.reconnects, 'watch', seen is not None, flush=True)",
                "conn.close()");
        Script script = Script.start(code, address.getPort());
        try {
            script.awaitReady();
            org.osgi.framework.Bundle listener = listenerBundle();
            for (int i = 0; i < 3; i++) {
                Thread.sleep(500);
                listener.update();
            }
            assertNotNull(host.awaitListener(20_000));
            String out = script.finish();
            assertTrue(out.contains("done 400 399 True reconnects 3 watch True"), out);
        } finally {
            script.process.destroyForcibly();
        }
    }

    /**
     * A watch catches up after a reconnect: while the listener is stopped (the script's client waits in
     * the kept port's backlog), the store changes, deletes and adds keys under the watched prefix; once
     * the listener is back the script gets exactly those three changes, in version order, then later
     * events as usual, nothing twice.
     */
    @Test
    void aWatchCatchesUpOnWhatChangedWhileTheScriptWasAway() throws Exception {
        String code = String.join("\n",
                "import sys, meshport",
                "conn = meshport.connect('127.0.0.1', int(sys.argv[1]))",
                "for k in ('pyaway/kept', 'pyaway/changed', 'pyaway/gone'):",
                "    conn.put(k, 1)",
                "w = conn.watch('pyaway/')",
                "print('ready', flush=True)",
                "got = [w.next_event(timeout=60) for _ in range(3)]",
                "print('caught up', ' | '.join('%s %s %s' % (e['change'], e['key'], e['version']) if e else 'none' for e in got), flush=True)",
                "v = conn.put('pyaway/after', 2)['version']",
                "e = w.next_event(timeout=30)",
                "print('then', e['change'], e['key'], e['version'] == v, 'more', w.next_event(timeout=0.3), flush=True)",
                "conn.close()");
        Script script = Script.start(code, address.getPort());
        try {
            script.awaitReady();
            org.osgi.framework.BundleContext ctx = host.framework().getBundleContext();
            org.osgi.framework.Bundle listener = listenerBundle();
            // The store is used through its interface as the host's bundles see it (this test's class
            // path has its own copy of the API).
            org.osgi.framework.ServiceReference<?> ref = ctx.getAllServiceReferences("io.meshport.session.SessionStore", null)[0];
            Object store = ctx.getService(ref);
            Class<?> api = ref.getBundle().loadClass("io.meshport.session.SessionStore");
            Class<?> entryType = ref.getBundle().loadClass("io.meshport.session.SessionEntry");
            Class<?> valueType = ref.getBundle().loadClass("io.meshport.session.SessionValue");
            java.lang.reflect.Method get = api.getMethod("get", String.class);
            java.lang.reflect.Method put = api.getMethod("put", String.class, String.class, long.class, valueType, long.class);
            Object kept = ((java.util.Optional<?>) get.invoke(store, "pyaway/kept")).orElseThrow();
            Object value = entryType.getMethod("value").invoke(kept);
            java.lang.reflect.Method version = entryType.getMethod("version");
            listener.stop();
            long changedAt = (Long) version.invoke(put.invoke(store, "pyaway/changed", "cbor", 1L, value, -1L));
            api.getMethod("delete", String.class, long.class).invoke(store, "pyaway/gone", -1L);
            long addedAt = (Long) version.invoke(put.invoke(store, "pyaway/new", "cbor", 1L, value, -1L));
            put.invoke(store, "elsewhere/x", "cbor", 1L, value, -1L);
            listener.start();
            String out = script.finish();
            assertTrue(out.contains("caught up delete pyaway/gone 0 | put pyaway/changed " + changedAt + " | put pyaway/new " + addedAt + "\n"), out);
            assertTrue(out.contains("then put pyaway/after True more None"), out);
        } finally {
            script.process.destroyForcibly();
        }
    }

    @Test
    void theScatterExampleRunsWithNumPy() throws Exception {
        String out = PythonRunner.run(Map.of(), PythonRunner.sample(ROOT, "scatter_example.py"),
                "--port", String.valueOf(address.getPort()), "--count", "2000");
        checkExample(out, 2000);
    }

    @Test
    void theScatterExampleRunsWithoutNumPy() throws Exception {
        String code = "import sys, runpy\n"
                + "sys.modules['numpy'] = None\n" // as if it were not installed
                + "sys.argv = ['scatter_example.py', '--port', '" + address.getPort() + "', '--count', '300']\n"
                + "runpy.run_path(" + pythonString(PythonRunner.sample(ROOT, "scatter_example.py")) + ", run_name='__main__')\n";
        checkExample(PythonRunner.run(Map.of(), "-c", code), 300);
    }

    @Test
    void meshesTravelBothWaysWithEveryArrayKind() throws Exception {
        String code = String.join("\n",
                "import sys; sys.path.insert(0, " + pythonString(PythonRunner.client(ROOT)) + ")",
                "import meshport, numpy",
                "with meshport.connect('127.0.0.1', " + address.getPort() + ") as c:",
                "    p = numpy.arange(12, dtype=numpy.float64).reshape(4, 3)",
                "    c.put_mesh('py/quad', p, [0, 1, 2, 3], face_counts=[4], attributes={",
                "        'id': ('point', 1, numpy.array([7, 8, 9, 10])), 'w': {'owner': 'vertex', 'size': 1, 'data': [0.5, 1, 1, 1]},",
                "        'tag': ('face', 1, [3])})",
                "    m = c.get_mesh('py/quad')",
                "    assert m['positions'].shape == (4, 3) and m['positions'].dtype == numpy.float32, m['positions']",
                "    assert (m['positions'] == p).all()",
                "    assert list(m['indices']) == [0, 1, 2, 3] and list(m['faceCounts']) == [4]",
                "    a = m['attributes']",
                "    assert a['id']['data'].dtype == numpy.int32 and list(a['id']['data']) == [7, 8, 9, 10], a['id']",
                "    assert a['w']['data'].dtype == numpy.float32 and list(a['w']['data']) == [0.5, 1, 1, 1], a['w']",
                "    r = c.update_positions('py/quad', m['version'], p + 1)",
                "    assert (c.get_mesh('py/quad')['positions'] == p + 1).all()",
                "    try:",
                "        c.update_positions('py/quad', m['version'], p)",
                "        raise SystemExit('a stale base was accepted')",
                "    except meshport.MeshportError as e:",
                "        assert e.code == 'CONFLICT' and e.detail['current'] == r['version'], e",
                "    assert [e['key'] for e in c.list('py/')] == ['py/quad']",
                "    assert c.delete('py/quad') > r['version']",
                "    for bad, said in [(dict(indices=[0, 1, -1]), 'indices[2] is -1'),",
                "                      (dict(indices=numpy.array([0.0, 1.5, 2.0])), 'indices[1] is 1.5'),",
                "                      (dict(attributes={'id': ('point', 1, numpy.array([3_000_000_000, 0, 0, 0], dtype=numpy.uint32))}),",
                "                       \"attributes['id'][0] is 3000000000\")]:",
                "        try:", // NumPy would wrap or truncate these silently
                "            c.put_mesh('py/bad', p, **bad)",
                "            raise SystemExit('sent %r' % bad)",
                "        except ValueError as e:",
                "            assert str(e).startswith(said), e",
                "    assert c.list('py/') == []",
                "    print('all good')");
        assertTrue(PythonRunner.run(Map.of(), "-c", code).contains("all good"));
    }

    @Test
    void tlsWithATrustedCertificateOrAPinAndTheTokenStillRequired(@TempDir Path tmp) throws Exception {
        io.meshport.testkit.TestCertificates id = io.meshport.testkit.TestCertificates.create(tmp, "pyhost");
        io.meshport.testkit.TestCertificates stranger = io.meshport.testkit.TestCertificates.create(tmp, "stranger");
        EmbeddedHost.Options o = new EmbeddedHost.Options().data(tmp.resolve("data")).port(0)
                .listener("tlsCertificate", id.certificatePem().toString()).listener("tlsPrivateKey", id.privateKeyPem().toString())
                .listener("token", "py-token");
        try (EmbeddedHost tls = EmbeddedHost.start(o)) {
            int port = tls.awaitListener(20_000).getPort();
            String code = String.join("\n",
                    "import sys, ssl; sys.path.insert(0, " + pythonString(PythonRunner.client(ROOT)) + ")",
                    "import meshport",
                    "port = " + port,
                    "with meshport.connect('127.0.0.1', port, token='py-token', cafile=" + pythonString(id.certificatePem().toString()) + ") as c:",
                    "    c.put_mesh('tls/tri', [0, 0, 0, 1, 0, 0, 0, 1, 0], [0, 1, 2])",
                    "    assert len(c.get_mesh('tls/tri')['positions']) == 3",
                    "with meshport.connect('127.0.0.1', port, token='py-token', pin='" + id.sha256WithColons() + "') as c:",
                    "    assert c.ping() > 0",
                    "for bad in [dict(pin='" + stranger.sha256() + "'), dict(cafile=" + pythonString(stranger.certificatePem().toString()) + ")]:",
                    "    try:",
                    "        meshport.connect('127.0.0.1', port, token='py-token', **bad)",
                    "        raise SystemExit('connected to a host with another certificate: %r' % bad)",
                    "    except ssl.SSLError as e:",
                    "        print('refused:', type(e).__name__)",
                    "try:",
                    "    meshport.connect('127.0.0.1', port, pin='" + id.sha256() + "')",
                    "    raise SystemExit('connected without the token')",
                    "except meshport.MeshportError as e:",
                    "    assert e.code == 'UNAUTHORIZED', e",
                    "print('tls good')");
            String out = PythonRunner.run(Map.of(), "-c", code);
            assertTrue(out.contains("tls good"), out);
            assertTrue(out.contains("refused: SSLError") && out.contains("refused: SSLCertVerificationError"), out);
        }
    }

    /**
     * After a {@code bye}, the client sends the requests still waiting right behind its new hello, before
     * the hello's reply, and reads their replies after it. The host here is a plain socket speaking the
     * wire protocol, so that the order on the wire can be checked: on the second connection it answers
     * nothing until it has read both the hello and the put sent again (with the same id and token).
     */
    @Test
    void aReconnectSendsTheWaitingRequestsRightBehindItsHello() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper cbor = new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper();
        java.util.concurrent.atomic.AtomicReference<String> seen = new java.util.concurrent.atomic.AtomicReference<>("nothing");
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(30_000);
            Thread host = new Thread(() -> {
                Map<String, Object> hello = Map.of("server", "meshport", "protocol", 1, "session", "s1", "codecs", java.util.List.of("cbor"),
                        "services", java.util.List.of(), "maxFrameBytes", 1 << 20);
                try (java.net.Socket first = server.accept()) {
                    Map<?, ?> h = readFrame(cbor, first);
                    writeFrame(cbor, first, Map.of("id", h.get("id"), "ok", true, "result", hello));
                    Map<?, ?> put = readFrame(cbor, first);
                    writeFrame(cbor, first, Map.of("op", "bye", "reason", "the listener is restarting; reconnect"));
                    try (java.net.Socket second = server.accept()) {
                        second.setSoTimeout(5_000); // nothing is answered yet: a client waiting for the hello's reply times out here
                        Map<?, ?> h2 = readFrame(cbor, second);
                        Map<?, ?> again = readFrame(cbor, second);
                        seen.set(h2.get("op") + " then " + again.get("op") + (again.equals(put) ? " (the same request)" : " (another: " + again + ")"));
                        writeFrame(cbor, second, Map.of("id", h2.get("id"), "ok", true, "result", hello));
                        writeFrame(cbor, second, Map.of("id", again.get("id"), "ok", true, "result",
                                Map.of("key", "early/k", "version", 7, "kind", "cbor", "summary", Map.of())));
                        readFrame(cbor, second); // until the script closes
                    }
                } catch (java.io.IOException e) {
                    seen.compareAndSet("nothing", e.toString());
                }
            }, "scripted-host");
            host.setDaemon(true);
            host.start();
            String out = PythonRunner.run(Map.of("PYTHONPATH", PythonRunner.client(ROOT)), "-c", String.join("\n",
                    "import sys, meshport",
                    "with meshport.connect('127.0.0.1', " + server.getLocalPort() + ", reconnect=10.0) as c:",
                    "    r = c.put('early/k', 1)",
                    "    print('put', r['version'], 'reconnects', c.reconnects, flush=True)"));
            host.join(10_000);
            assertEquals("hello then put (the same request)", seen.get(), out);
            assertTrue(out.contains("put 7 reconnects 1"), out);
        }
    }

    private static Map<?, ?> readFrame(com.fasterxml.jackson.databind.ObjectMapper cbor, java.net.Socket s) throws java.io.IOException {
        java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        return cbor.readValue(body, Map.class);
    }

    private static void writeFrame(com.fasterxml.jackson.databind.ObjectMapper cbor, java.net.Socket s, Map<String, ?> message)
            throws java.io.IOException {
        byte[] body = cbor.writeValueAsBytes(message);
        java.io.DataOutputStream out = new java.io.DataOutputStream(s.getOutputStream());
        out.writeInt(body.length);
        out.write(body);
        out.flush();
    }

    /** A Python script run against the host, its output collected as it comes; it prints "ready" once set up. */
    private static final class Script {
        final Process process;
        final StringBuffer out = new StringBuffer();
        final java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        final Thread reader;

        private Script(Process process) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                        java.nio.charset.StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null;) {
                        out.append(line).append('\n');
                        if (line.equals("ready")) {
                            ready.countDown();
                        }
                    }
                } catch (java.io.IOException e) {
                    out.append(e).append('\n');
                }
            });
            reader.start();
        }

        void awaitReady() throws InterruptedException {
            assertTrue(ready.await(60, java.util.concurrent.TimeUnit.SECONDS), "the script started: " + out);
        }

        /** @return all the script printed, once it ended by itself (within 120 s) with status 0 */
        String finish() throws InterruptedException {
            assertTrue(process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the script ended: " + out);
            reader.join(5_000);
            assertEquals(0, process.exitValue(), out.toString());
            return out.toString();
        }

        /** @return the script started with the host's port as its argument and the client's package on its path */
        static Script start(String code, int port) throws Exception {
            ProcessBuilder pb = new ProcessBuilder(PythonRunner.python(), "-c", code, String.valueOf(port)).redirectErrorStream(true);
            pb.environment().put("PYTHONPATH", PythonRunner.client(ROOT));
            return new Script(pb.start());
        }
    }

    private static org.osgi.framework.Bundle listenerBundle() {
        return java.util.Arrays.stream(host.framework().getBundleContext().getBundles())
                .filter(b -> "io.meshport.listener".equals(b.getSymbolicName())).findFirst().orElseThrow();
    }

    private static String pythonString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
