package io.meshport.node.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiFunction;

import io.meshport.node.ParmType;
import io.meshport.support.Log;

/**
 * Where the node graph is saved: {@code graph.json} in its folder, and the save before it,
 * {@code graph.json.bak} (the content is {@link GraphFormat}'s). A save writes a temporary file,
 * forces it to disk, moves the previous save to {@code graph.json.bak} and the new one into place, each
 * move atomic, then forces the folder; so at any moment one of the two files is a complete save, and a
 * save that returned is on disk.
 *
 * <p>Loading tries {@code graph.json}, then {@code graph.json.bak}. A file that cannot be read or that
 * {@link GraphFormat} refuses is reported, and moved aside as {@code NAME.damaged-TIME}: never
 * overwritten, never deleted, for people to look at. The log says which file was used, or that none
 * was.
 */
final class GraphFile {
    private static final long MAX_BYTES = 64L << 20;

    /** What a load found: the nodes, and the file they came from (null: none). */
    record Loaded(List<GraphFormat.Saved> nodes, Path source) {
    }

    private final Path dir;
    private final Path file;
    private final Path backup;
    private final Log log;
    /** Refused saves that could not be moved aside: a save moves them first, so that it never overwrites one. */
    private final Set<Path> damagedInPlace = new LinkedHashSet<>();

    /**
     * @param dir the folder holding the save files (created when missing)
     * @param log where problems are reported
     */
    GraphFile(Path dir, Log log) {
        this.dir = dir;
        this.file = dir.resolve("graph.json");
        this.backup = dir.resolve("graph.json.bak");
        this.log = log;
    }

    /** @return the save file */
    Path path() {
        return file;
    }

    /**
     * @param templates the type of a parameter of a node type that is there now, or null (for saves of
     *        format version 1, which did not record types)
     * @return the nodes of the newest usable save, sorted by path; none when there is no usable save
     */
    synchronized Loaded load(BiFunction<String, String, ParmType> templates) {
        boolean refused = false;
        for (Path p : new Path[] {file, backup}) {
            if (!Files.exists(p)) {
                if (p == file && Files.exists(backup)) {
                    log.warn("there is no " + file + " (a save was cut short between its two moves?): trying the previous save " + backup,
                            null);
                }
                continue;
            }
            String problem;
            try {
                long size = Files.size(p);
                if (size > MAX_BYTES) {
                    throw new GraphFormat.DamagedException("it holds " + size + " bytes, more than a graph save may (" + MAX_BYTES + ")");
                }
                GraphFormat.Decoded d = GraphFormat.decode(Files.readAllBytes(p), templates);
                if (p == backup) {
                    log.warn("the node graph is loaded from the previous save, " + backup + " (what was saved after it is lost)", null);
                }
                if (d.version() < GraphFormat.VERSION) {
                    log.warn(p + " was written by an older runtime (format version " + d.version() + ", without a checksum):"
                            + " it is read without one this once, and saved again at once with one", null);
                }
                if (p == backup || d.version() < GraphFormat.VERSION) {
                    saveAgain(d.nodes());
                }
                return new Loaded(d.nodes(), p);
            } catch (IOException e) {
                problem = "it cannot be read (" + reason(e) + ")";
            } catch (GraphFormat.DamagedException e) {
                problem = e.getMessage();
            }
            refused = true;
            String next = p == file ? (Files.exists(backup) ? "; trying the previous save " + backup : "; there is no previous save") : "";
            try {
                Path aside = setAside(p);
                log.error("the node graph save " + p + " is damaged: " + problem + "; it was moved to " + aside + " and is kept there"
                        + next, null);
            } catch (IOException moveFailed) {
                damagedInPlace.add(p);
                log.error("the node graph save " + p + " is damaged: " + problem + "; it could not be moved aside (" + reason(moveFailed)
                        + ") and is left where it is, unused" + next, null);
            }
        }
        if (refused) {
            log.warn("the node graph starts empty: no usable save in " + dir, null);
        } else {
            log.info("no node graph saved in " + dir + " yet: it starts empty, and is saved there");
        }
        return new Loaded(List.of(), null);
    }

    /** Saves what was loaded from the backup or an older format as graph.json, so that both files are current. */
    private void saveAgain(List<GraphFormat.Saved> nodes) {
        try {
            save(nodes);
        } catch (IOException | RuntimeException e) {
            log.error(failure(e) + "; changes to the graph will fail until it can be", null);
        }
    }

    /** @return "the node graph could not be saved to FILE (why)" */
    String failure(Throwable e) {
        return "the node graph could not be saved to " + file + " (" + (e instanceof IOException ? reason(e) : e.toString()) + ")";
    }

    /** Moves a refused save to {@code NAME.damaged-TIME}, never over another file. @return where it went */
    private static Path setAside(Path p) throws IOException {
        String base = p.getFileName() + ".damaged-" + Instant.now().toString().replace(':', '-');
        for (int i = 1;; i++) {
            Path aside = p.resolveSibling(i == 1 ? base : base + "-" + i);
            try {
                Files.move(p, aside); // no REPLACE_EXISTING (and no ATOMIC_MOVE, which replaces on Linux)
                return aside;
            } catch (FileAlreadyExistsException taken) {
                if (i >= 100) {
                    throw taken;
                }
            }
        }
    }

    /**
     * Saves the nodes, durably: when it returns, the save is on disk.
     *
     * @param nodes the nodes, sorted by path
     * @throws IOException if the files cannot be written; {@link #reason} says why in words
     */
    synchronized void save(List<GraphFormat.Saved> nodes) throws IOException {
        byte[] bytes = GraphFormat.encode(nodes, Instant.now());
        Files.createDirectories(dir);
        for (Path p : List.copyOf(damagedInPlace)) {
            if (Files.exists(p)) {
                Path aside = setAside(p); // a save moves saves around: a damaged one goes first, or the save fails
                log.warn("the damaged node graph save " + p + " was moved to " + aside + " before saving", null);
            }
            damagedInPlace.remove(p);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        boolean written = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            if (Files.exists(file)) {
                Files.move(file, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            written = true;
        } finally {
            if (!written) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // the save failed already; the temporary file is overwritten by the next one
                }
            }
        }
        forceFolder();
    }

    /** Forces the folder's entries (the moves) to disk; where a folder cannot be opened (Windows) its moves are durable already. */
    private void forceFolder() throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException | UnsupportedOperationException e) {
            return;
        }
        try (ch) {
            ch.force(true);
        }
    }

    /**
     * @return why a file operation failed, in words ("read-only file system: /data/nodes/graph.json.tmp",
     *         "no space left on device")
     */
    static String reason(Throwable e) {
        if (e instanceof FileSystemException) {
            FileSystemException f = (FileSystemException) e;
            String why = e instanceof NoSuchFileException ? "no such file or folder"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof FileAlreadyExistsException ? "a file is in the way"
                    : e instanceof NotDirectoryException ? "not a folder"
                    : f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
            return lower(why) + (f.getFile() == null ? "" : ": " + f.getFile());
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : lower(e.getMessage());
    }

    private static String lower(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
    }
}
