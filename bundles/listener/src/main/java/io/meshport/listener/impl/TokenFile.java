package io.meshport.listener.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A token kept in a file: read from the file a configuration names, or made by the host itself when
 * it listens beyond loopback and none was configured: 32 random bytes, base64url, in a file only its
 * owner can read (created with those permissions, never widened later). The same file serves the next
 * start, so that scripts holding the token keep working.
 */
final class TokenFile {
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private TokenFile() {
    }

    /**
     * @param file where the token is kept
     * @return the token in it, made first when the file does not exist
     * @throws IllegalArgumentException when the file cannot be read or written
     */
    static String readOrCreate(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (Files.exists(file)) {
                restrict(file);
                return read(file);
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            try {
                if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                } else {
                    Files.createFile(file);
                    file.toFile().setReadable(false, false);
                    file.toFile().setReadable(true, true);
                    file.toFile().setWritable(false, false);
                    file.toFile().setWritable(true, true);
                }
            } catch (FileAlreadyExistsException e) {
                return read(file); // another start made it meanwhile
            }
            Files.write(file, (token + "\n").getBytes(StandardCharsets.UTF_8));
            return token;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot keep a generated token in " + file + ": " + e);
        }
    }

    private static void restrict(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")
                && !Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }

    /**
     * @param file a file whose first line is the token
     * @return the token
     * @throws IllegalArgumentException when the file cannot be read or its first line is empty
     */
    static String read(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            String token = lines.isEmpty() ? "" : lines.get(0).trim();
            if (token.isEmpty()) {
                throw new IllegalArgumentException("token file " + file + " is empty; its first line must be the token");
            }
            return token;
        } catch (IOException e) {
            throw new IllegalArgumentException("token file " + file + " cannot be read: " + e);
        }
    }
}
