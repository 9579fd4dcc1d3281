package io.meshport.blender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs Debian's Blender headless ({@code blender -b --factory-startup --python-exit-code 1 --python SCRIPT -- ARGS}),
 * or {@code -Dmeshport.blender}, with its user scripts and configuration in a folder of the test's, so that the
 * add-on installed from its zip lands there and nothing of the machine's own Blender is touched.
 */
final class Blender {
    private Blender() {
    }

    /** @return a Blender that runs, or an AssertionError saying how to get one */
    static String executable() throws InterruptedException {
        List<String> candidates = new ArrayList<>();
        String configured = System.getProperty("meshport.blender");
        if (configured != null) {
            candidates.add(configured);
        }
        candidates.add("/usr/bin/blender");
        candidates.add("blender");
        for (String c : candidates) {
            try {
                Process p = new ProcessBuilder(c, "--version").redirectErrorStream(true).start();
                p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return c;
                }
                p.destroyForcibly();
            } catch (IOException e) {
                // not there
            }
        }
        throw new AssertionError("no Blender found: install Debian's (apt-get install blender; .ci/run does), "
                + "or give one with -Dmeshport.blender=PATH");
    }

    /** A Blender process running a script; its output is collected, and each line handed to a listener as it comes. */
    static final class Run {
        final Process process;
        final StringBuffer out = new StringBuffer();
        private final Thread reader;

        private Run(Process process, Consumer<String> lines) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null;) {
                        out.append(line).append('\n');
                        lines.accept(line);
                    }
                } catch (IOException e) {
                    out.append(e).append('\n');
                }
            }, "blender-output");
            reader.setDaemon(true);
            reader.start();
        }

        /**
         * Waits for Blender to end by itself, killing it after {@code seconds}; it must exit with 0.
         *
         * @return all it printed
         */
        String finish(long seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                reader.join(5_000);
                throw new AssertionError("Blender did not finish in " + seconds + " s:\n" + out);
            }
            reader.join(10_000);
            assertEquals(0, process.exitValue(), "Blender's exit status (1: the script failed):\n" + out);
            return out.toString();
        }
    }

    /**
     * Starts Blender on a script.
     *
     * @param home a folder for Blender's user scripts and configuration
     * @param script the Python script
     * @param lines gets each line of output as it comes
     * @param args the script's arguments (after {@code --})
     * @return the running Blender
     */
    static Run start(Path home, Path script, Consumer<String> lines, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(executable(), "-b", "--factory-startup", "--python-exit-code", "1",
                "--python", script.toString(), "--"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Files.createDirectories(home);
        pb.environment().put("BLENDER_USER_SCRIPTS", home.resolve("scripts").toString());
        pb.environment().put("BLENDER_USER_CONFIG", home.resolve("config").toString());
        return new Run(pb.start(), lines);
    }

    /** Runs Blender on a script to its end (at most {@code seconds}); it must exit with 0. @return what it printed */
    static String run(Path home, long seconds, Path script, String... args) throws Exception {
        String out = start(home, script, line -> { }, args).finish(seconds);
        System.out.println(out);
        assertTrue(out.contains("Blender quit"), out);
        return out;
    }
}
