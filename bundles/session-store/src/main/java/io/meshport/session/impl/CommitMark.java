package io.meshport.session.impl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The number of the session file's last commit, in a small file of its own beside it, forced to the
 * device after each commit: after a crash it tells whether the store opened the file at its newest
 * commit, which MVStore's quick search for the newest chunks does not always find.
 */
final class CommitMark implements AutoCloseable {
    static final String FILE_NAME = "session.commit";

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES);

    CommitMark(Path dir) throws IOException {
        channel = FileChannel.open(dir.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** @return the number the folder's mark holds, or -1 when it has none that reads */
    static long read(Path dir) {
        try {
            byte[] b = Files.readAllBytes(dir.resolve(FILE_NAME));
            return b.length == Long.BYTES ? ByteBuffer.wrap(b).getLong() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Records a commit's number, on the device when this returns. */
    void write(long commit) {
        try {
            buffer.clear();
            buffer.putLong(commit).flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer, buffer.position());
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + FILE_NAME + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was pending: each write was forced
        }
    }
}
