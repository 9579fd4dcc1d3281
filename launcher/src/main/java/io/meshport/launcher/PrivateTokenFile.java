package io.meshport.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The file through which a token given with {@link EmbeddedHost.Options#listener} reaches the
 * listener (as its {@code tokenFile}): a framework property would show the token to every bundle and
 * in the shell. Readable by its owner only, and deleted when the host stops.
 */
final class PrivateTokenFile {
    private PrivateTokenFile() {
    }

    /** @return a new file in {@code dir}, readable by its owner only (where the file system can say so), holding {@code token} */
    static Path create(Path dir, String token) throws IOException {
        Path f;
        try {
            f = Files.createTempFile(dir, ".token-", ".tmp", java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            f = Files.createTempFile(dir, ".token-", ".tmp");
        }
        f.toFile().deleteOnExit();
        Files.writeString(f, token + "\n");
        return f;
    }

    /** @param file a file {@link #create} made, or null */
    static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // readable by its owner only; deleteOnExit tries again
            }
        }
    }
}
