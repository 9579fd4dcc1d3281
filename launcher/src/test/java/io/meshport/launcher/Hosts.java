package io.meshport.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Pattern;

import io.meshport.testkit.HostProcess;

/** Hosts in processes of their own for the launcher's tests: the test kit's {@link HostProcess} on this build. */
final class Hosts {
    private static final Path ROOT = Paths.get(System.getProperty("user.dir")).getParent();

    private Hosts() {
    }

    /** Starts {@code meshport host --data data more...} and returns once it is up, all its bundles started (60 s at most). */
    static HostProcess start(Path data, String... more) throws IOException, InterruptedException {
        return new HostProcess(ROOT, Paths.get(System.getProperty("meshport.home")), List.of(), data, List.of(more), true, 60);
    }

    /** Starts {@code meshport host --data data more...} and returns as soon as it listens (60 s at most). */
    static HostProcess listening(Path data, String... more) throws IOException, InterruptedException {
        return new HostProcess(ROOT, Paths.get(System.getProperty("meshport.home")), List.of(), data, List.of(more), false, 60);
    }

    /** @return whether the host's log holds {@code text} within {@code seconds} */
    static boolean logs(HostProcess h, String text, int seconds) throws IOException, InterruptedException {
        return h.await(Pattern.compile(Pattern.quote(text)), seconds) != null;
    }
}
