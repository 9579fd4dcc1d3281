package io.meshport.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python client's own tests (clients/python/tests: unittest against a scripted fake host, no host needed),
 * with NumPy and as if it were not installed, and the package installed with pip offline as the README says;
 * and its tests that need a host (clients/python/tests/host_test*.py: uploads), against one started here.
 * Its examples against a real host are {@link PythonClientIT}.
 */
class PythonPackageIT {
    private static final Path ROOT = Paths.get(System.getProperty("user.dir")).getParent();
    private static final Path CLIENT = ROOT.resolve("clients/python");

    /** The Python tests end themselves after this many seconds (their watchdog); the run is killed a little later. */
    private static final int WATCHDOG_SECONDS = 150;

    /** The frames of the host for {@link #itsTestsAgainstAHostPass}: a mesh of a few MB takes several pieces. */
    private static final int HOST_MAX_FRAME_BYTES = 1 << 20;
    private static final int HOST_MAX_UPLOAD_BYTES = 16 << 20;

    private static String unittest(Map<String, String> env) throws Exception {
        return unittest(env, "test*.py");
    }

    private static String unittest(Map<String, String> env, String pattern) throws Exception {
        String out = PythonRunner.run(ROOT.toAbsolutePath(), env, WATCHDOG_SECONDS + 30, "-m", "unittest", "discover", "-v",
                "-s", CLIENT.resolve("tests").toString(), "-p", pattern);
        System.out.println(out);
        assertTrue(out.contains("\nOK"), out);
        return out;
    }

    @Test
    void itsUnitTestsPass() throws Exception {
        String out = unittest(Map.of("MESHPORT_TEST_WATCHDOG", String.valueOf(WATCHDOG_SECONDS)));
        assertTrue(!out.contains("skipped"), "with NumPy nothing is skipped:\n" + out);
    }

    @Test
    void itsUnitTestsPassWithoutNumPy() throws Exception {
        unittest(Map.of("MESHPORT_TEST_WATCHDOG", String.valueOf(WATCHDOG_SECONDS), "MESHPORT_TEST_WITHOUT_NUMPY", "1"));
    }

    /**
     * Uploads against a real host, with NumPy and without: stored exactly, progress, resuming after a broken
     * connection with at most one piece sent again, bytes and cbor payloads, and the host's errors. The host has
     * small frames and a small upload limit, so that a few MB are several pieces and too large is cheap to be.
     */
    @Test
    void itsTestsAgainstAHostPass(@TempDir Path data) throws Exception {
        try (EmbeddedHost host = EmbeddedHost.start(new EmbeddedHost.Options().data(data).port(0).web(false).session("memory")
                .listener("maxFrameBytes", String.valueOf(HOST_MAX_FRAME_BYTES))
                .listener("maxUploadBytes", String.valueOf(HOST_MAX_UPLOAD_BYTES)))) {
            InetSocketAddress address = host.awaitListener(20_000);
            Map<String, String> env = new HashMap<>(Map.of("MESHPORT_TEST_WATCHDOG", String.valueOf(WATCHDOG_SECONDS),
                    "MESHPORT_TEST_PORT", String.valueOf(address.getPort()),
                    "MESHPORT_TEST_MAX_UPLOAD_BYTES", String.valueOf(HOST_MAX_UPLOAD_BYTES)));
            String out = unittest(env, "host_test*.py");
            assertTrue(!out.contains("skipped"), out);
            env.put("MESHPORT_TEST_WITHOUT_NUMPY", "1");
            out = unittest(env, "host_test*.py");
            assertTrue(!out.contains("skipped"), out);
        }
    }

    /**
     * {@code pip install --no-build-isolation ./clients/python} works offline with the system's setuptools (Debian's
     * python3-setuptools, which python3-pip brings), and gives the package at the project's version, requiring cbor2 only.
     * Installed from a copy, into a folder of its own: the build leaves build/ and *.egg-info behind.
     */
    @Test
    void itInstallsWithPipOfflineAtTheProjectsVersion(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("src");
        copy(CLIENT, src);
        Path site = tmp.resolve("site");
        // No index and no configuration: nothing is looked up, the build uses the setuptools that is installed.
        Map<String, String> offline = Map.of("PIP_CONFIG_FILE", "/dev/null", "PIP_DISABLE_PIP_VERSION_CHECK", "1");
        try {
            PythonRunner.run(tmp, offline, 60, "-m", "pip", "--version");
        } catch (AssertionError e) {
            throw new AssertionError("no pip for " + PythonRunner.python() + ": install Debian's python3-pip (.ci/run does)", e);
        }
        String installed = PythonRunner.run(tmp, offline, 120, "-m", "pip", "install", "--no-index", "--no-build-isolation",
                "--no-deps", "--no-cache-dir", "--target", site.toString(), src.toString());
        assertTrue(installed.contains("Successfully installed meshport-"), installed);
        String out = PythonRunner.run(tmp, Map.of("PYTHONPATH", site.toString()), 60, "-c", String.join("\n",
                "import importlib.metadata as m, meshport",
                "print('file', meshport.__file__)",
                "print('version', meshport.__version__, m.version('meshport'))",
                "print('requires', m.requires('meshport'))",
                "print('python', m.metadata('meshport')['Requires-Python'])"));
        assertTrue(out.contains("file " + site.resolve("meshport").resolve("__init__.py")), out);
        String version = projectVersion();
        assertTrue(out.contains("version " + version + " " + version + "\n"), "the project's version, " + version + ":\n" + out);
        assertTrue(out.contains("requires ['cbor2', \"numpy ; extra == 'numpy'\"]"), out);
        assertTrue(out.contains("python >=3.9"), out);
    }

    private static String projectVersion() throws IOException {
        Matcher m = Pattern.compile("<artifactId>meshport-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertTrue(m.find(), "the root pom's version");
        return m.group(1);
    }

    /** Copies the client's sources: not what a build or a test run left there. */
    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path rel = from.relativize(f);
                String s = rel.toString();
                if (s.startsWith("build") || s.contains(".egg-info") || s.contains("__pycache__")) {
                    continue;
                }
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to.resolve(rel));
                } else {
                    Files.copy(f, to.resolve(rel));
                }
            }
        }
        assertEquals(true, Files.isRegularFile(to.resolve("pyproject.toml")));
    }
}
