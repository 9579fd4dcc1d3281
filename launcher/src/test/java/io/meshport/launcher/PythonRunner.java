package io.meshport.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Python client's tests and samples with Debian's python3 and cbor2 (CI installs python3-cbor2), or
 * -Dmeshport.python.
 */
final class PythonRunner {
    private PythonRunner() {
    }

    /** @return a python3 that can import cbor2 */
    static String python() throws Exception {
        List<String> candidates = new ArrayList<>();
        String configured = System.getProperty("meshport.python");
        if (configured != null) {
            candidates.add(configured);
        }
        candidates.add("/usr/bin/python3");
        candidates.add("python3");
        for (String c : candidates) {
            try {
                Process p = new ProcessBuilder(c, "-c", "import cbor2").redirectErrorStream(true).start();
                if (p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return c;
                }
            } catch (IOException e) {
                // not there
            }
        }
        throw new AssertionError("no python3 with cbor2 found; install Debian's python3-cbor2 (apt-get install python3-cbor2)");
    }

    /**
     * Runs a Python program and waits for it (at most 120 s); it must exit with 0.
     *
     * @param env extra environment variables
     * @param args the script and its arguments (or -c and code)
     * @return what it printed, standard error included
     */
    static String run(Map<String, String> env, String... args) throws Exception {
        return run(null, env, 120, args);
    }

    /**
     * Runs a Python program and waits for it; it must exit with 0 within {@code seconds}, else it is killed.
     *
     * @param dir its working directory, or null for this process's
     * @param env extra environment variables
     * @param seconds how long it may run
     * @param args the script and its arguments (or -c and code, or -m and a module)
     * @return what it printed, standard error included
     */
    static String run(Path dir, Map<String, String> env, long seconds, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(python());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // the process was killed
            }
        }, "python-output");
        reader.setDaemon(true);
        reader.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5_000);
            throw new AssertionError("python did not finish in " + seconds + " s: " + String.join(" ", args) + "\n"
                    + out.toString(StandardCharsets.UTF_8));
        }
        reader.join(10_000);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    /** @return the path of a sample script in samples/python */
    static String sample(Path root, String name) {
        return root.resolve("samples/python").resolve(name).toString();
    }

    /** @return the folder of the Python client's package (clients/python, holding meshport/), for PYTHONPATH */
    static String client(Path root) {
        return root.resolve("clients/python").toString();
    }
}
