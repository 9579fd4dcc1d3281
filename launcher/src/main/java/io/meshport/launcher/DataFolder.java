package io.meshport.launcher;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The host's data folder ({@code --data}): it and its {@code deploy/}, {@code conf/} and {@code cache/}
 * folders made, and checked to be writable, before the framework starts, so that a folder the host
 * cannot use is reported as one sentence naming it and what is wrong instead of a stack trace from
 * deep inside Felix.
 */
final class DataFolder {
    /** A data folder the host cannot use; its message is the sentence to show. */
    static final class UnusableException extends IOException {
        private static final long serialVersionUID = 1L;

        UnusableException(Path data, String what, Throwable cause) {
            super("cannot use " + data + " as the data folder: " + what, cause);
        }
    }

    private DataFolder() {
    }

    /**
     * @param data the data folder, absolute
     * @throws UnusableException when a folder cannot be made or written to, saying which and why
     */
    static void prepare(Path data) throws UnusableException {
        for (Path dir : List.of(data, data.resolve("deploy"), data.resolve("conf"), data.resolve("cache"))) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UnusableException(data, problem(dir, e, "cannot be created"), e);
            }
        }
        // Written to at once: jars are copied into deploy/, the framework keeps its cache in cache/,
        // and the listener may write its token into the folder itself.
        for (Path dir : List.of(data, data.resolve("deploy"), data.resolve("cache"))) {
            try {
                Files.delete(Files.createTempFile(dir, ".writable-", ".tmp"));
            } catch (IOException e) {
                throw new UnusableException(data, problem(dir, e, "is not writable"), e);
            }
        }
    }

    /** @return what is wrong, in words: which folder, and the reason the file system gave */
    private static String problem(Path dir, IOException e, String otherwise) {
        Path file = firstFileOnTheWay(dir);
        if (file != null || e instanceof FileAlreadyExistsException) {
            return (file != null ? file : dir) + " is a file, not a folder";
        }
        if (e instanceof AccessDeniedException) {
            return "no permission to write in " + nearestExisting(dir);
        }
        String reason = e instanceof FileSystemException ? ((FileSystemException) e).getReason() : e.getMessage();
        if (reason != null && reason.toLowerCase(java.util.Locale.ROOT).contains("read-only")) {
            return nearestExisting(dir) + " is on a read-only file system";
        }
        return dir + " " + otherwise + (reason == null ? "" : " (" + reason.toLowerCase(java.util.Locale.ROOT) + ")");
    }

    /** @return the first path from the root to {@code dir} that exists and is not a folder, or null */
    private static Path firstFileOnTheWay(Path dir) {
        Path p = dir.getRoot();
        for (Path part : dir) {
            p = p == null ? part : p.resolve(part);
            if (Files.exists(p) && !Files.isDirectory(p)) {
                return p;
            }
        }
        return null;
    }

    private static Path nearestExisting(Path dir) {
        Path p = dir;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p == null ? dir : p;
    }
}
