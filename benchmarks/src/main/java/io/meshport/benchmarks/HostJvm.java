package io.meshport.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/** The JVM options {@code ./meshport host} gives its host, so that the benchmarks' host processes are alike. */
final class HostJvm {
    private static final Path THP = Paths.get("/sys/kernel/mm/transparent_hugepage/enabled");

    private HostJvm() {
    }

    /** @return the options: the heap on transparent huge pages where the kernel offers them, as the script decides */
    static List<String> options() {
        try {
            String mode = Files.exists(THP) ? Files.readString(THP) : "";
            return mode.contains("[always]") || mode.contains("[madvise]") ? List.of("-XX:+UseTransparentHugePages") : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }
}
