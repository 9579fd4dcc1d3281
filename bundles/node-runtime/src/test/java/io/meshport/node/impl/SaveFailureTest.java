package io.meshport.node.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshport.protocol.ErrorCode;
import io.meshport.protocol.MeshportException;

/**
 * A change the graph cannot save is an error its caller sees, and is not kept. The save is made to fail
 * by putting a file where the save folder is: unlike a read-only folder, that stops root too.
 */
class SaveFailureTest extends GraphTestBase {

    @BeforeEach
    void setUp() {
        register("pull", pull);
        register("offset", offset);
    }

    private Path folder() {
        return dir.resolve("nodes");
    }

    /** Puts a regular file where the save folder is. */
    private void blockFolder() throws IOException {
        if (Files.exists(folder())) {
            try (Stream<Path> s = Files.walk(folder())) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.writeString(folder(), "a file where the folder should be");
    }

    private static MeshportException unsaved(Runnable change) {
        MeshportException e = assertThrows(MeshportException.class, change::run);
        assertEquals(ErrorCode.CALL_FAILED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("could not be saved"), e.getMessage());
        return e;
    }

    @Test
    void aChangeThatCannotBeSavedIsAnErrorAndIsUndone() throws Exception {
        Graph g = graph(true);
        String p = g.create("/obj", "pull", "p");
        g.setParm(p, "key", "geo/a");
        String o = g.create("/obj", "offset", "o");
        blockFolder();

        MeshportException e = unsaved(() -> g.setParm(p, "key", "geo/b"));
        assertTrue(e.getMessage().contains(folder().toString()), "it names where: " + e.getMessage());
        assertEquals("geo/a", g.parm(p, "key"), "the value that could not be saved is not kept");
        unsaved(() -> g.create("/obj", "pull", "q"));
        unsaved(() -> g.create("/", "network", "geo"));
        assertEquals(List.of("/obj"), g.children("/"));
        assertEquals(List.of("/obj/o", "/obj/p"), g.children("/obj"), "no node was made");
        unsaved(() -> g.setInput(o, 0, p));
        assertEquals(Arrays.asList((String) null), g.node(o).inputs());
        unsaved(() -> g.setAutoCook(o, false));
        assertTrue(g.node(o).autoCook());
        unsaved(() -> g.delete(p));
        assertEquals(List.of("/obj/o", "/obj/p"), g.children("/obj"), "the node that could not be deleted is still there");
        assertEquals("geo/a", g.parm(p, "key"));
        assertFalse(logged("ERROR", "could not be saved").isEmpty(), logged.toString());

        // The folder is back: the next change is saved, and a restart finds exactly what was acknowledged.
        Files.delete(folder());
        g.setParm(p, "dx", 3.0);
        Graph restarted = graph(true);
        assertEquals(List.of("/obj/o", "/obj/p"), restarted.children("/obj"));
        assertEquals("geo/a", restarted.parm(p, "key"));
        assertEquals(3.0, restarted.parm(p, "dx"));
        assertTrue(restarted.node(o).autoCook());
        assertEquals(Arrays.asList((String) null), restarted.node(o).inputs());
    }

    @Test
    void aFullDiskIsNamedAsTheReason() throws Exception {
        Path full = Path.of("/dev/full"); // Linux: every write to it fails with ENOSPC
        assumeTrue(Files.isWritable(full), "no /dev/full here");
        Graph g = graph(true);
        String p = g.create("/obj", "pull", "p");
        Path tmp = folder().resolve("graph.json.tmp");
        Files.createSymbolicLink(tmp, full); // the save's temporary file, as on a disk that has no room left
        MeshportException e = unsaved(() -> g.setParm(p, "key", "geo/b"));
        assertTrue(e.getMessage().contains("no space left on device"), e.getMessage());
        assertEquals("", g.parm(p, "key"));
        assertFalse(Files.exists(tmp, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the failed save leaves no temporary file");
        g.setParm(p, "key", "geo/b"); // room again
        assertEquals("geo/b", graph(true).parm(p, "key"));
    }

    @Test
    void aDeleteThatCannotBeSavedKeepsTheWiringToIt() throws Exception {
        Graph g = graph(true);
        String p = g.create("/obj", "pull", "p");
        String o = g.create("/obj", "offset", "o");
        g.setInput(o, 0, p);
        blockFolder();
        unsaved(() -> g.delete(p));
        assertEquals(List.of(p), g.node(o).inputs(), "the input wired to the node is still wired");
    }
}
