package io.meshport.nodes.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshport.node.NodeInfo;
import io.meshport.support.Log;

/** The graph is saved in its folder and comes back; a bad save file is reported and never trusted. */
class PersistenceTest extends GraphTestBase {

    @BeforeEach
    void setUp() {
        register("pull", pull);
        register("offset", offset);
    }

    private Path file() {
        return dir.resolve("nodes/graph.json");
    }

    /** Builds a small graph, closes it (which saves it). */
    private void buildAndClose() {
        Graph g = graph(true);
        g.create("/", "network", "geo");
        String p = g.create("/geo", "pull", "p");
        g.setParm(p, "key", "geo/a");
        g.setParm(p, "dx", 2.5);
        String o = g.create("/obj", "offset", "o");
        g.setInput(o, 0, p);
        g.setParm(o, "steps", 7);
        g.setParm(o, "extra", List.of(1, 2, 3));
        g.setParm(o, "on", false);
        g.setParm(o, "axis", "z");
        g.setAutoCook(o, false);
        g.close();
        graphs.remove(g);
    }

    private static void assertRestored(Graph g) {
        assertEquals(List.of("/geo", "/obj"), g.children("/"));
        assertEquals(List.of("/geo/p"), g.children("/geo"));
        assertEquals("geo/a", g.parm("/geo/p", "key"));
        assertEquals(2.5, g.parm("/geo/p", "dx"));
        NodeInfo o = g.node("/obj/o");
        assertEquals(List.of("/geo/p"), o.inputs());
        assertEquals(7L, o.parms().get("steps"));
        assertEquals(List.of(1.0, 2.0, 3.0), o.parms().get("extra"));
        assertEquals(false, o.parms().get("on"));
        assertEquals("z", o.parms().get("axis"));
        assertFalse(o.autoCook());
    }

    @Test
    void aClosedGraphComesBackWhole() {
        buildAndClose();
        assertTrue(Files.exists(file()));
        assertRestored(graph(true));
    }

    @Test
    void changesAreSavedShortlyWithoutAClose() throws Exception {
        Graph g = graph(true);
        String p = g.create("/obj", "pull", "p");
        g.setParm(p, "key", "geo/live");
        await("the save file to hold the change", () -> {
            try {
                return Files.exists(file()) && Files.readString(file()).contains("geo/live");
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    @Test
    void aTruncatedSaveIsSetAsideAndThePreviousSaveIsUsed() throws Exception {
        buildAndClose();
        // Save again (one more change), so that the first save becomes the backup.
        Graph g = graph(true);
        g.create("/obj", "pull", "extra");
        g.close();
        graphs.remove(g);
        byte[] whole = Files.readAllBytes(file());
        Files.write(file(), Arrays.copyOf(whole, whole.length / 2)); // cut short, as by a crash
        Graph back = graph(true);
        assertRestored(back);
        assertEquals(List.of("/obj/o"), back.children("/obj"), "the backup is the save before 'extra' was made");
        assertEquals(1, corrupt().size(), "the cut file was moved aside");
        assertFalse(Files.exists(file()));
    }

    @Test
    void garbageWithoutBackupGivesAnEmptyGraphAndKeepsTheFile() throws Exception {
        Files.createDirectories(file().getParent());
        Files.write(file(), "{\"format\": \"something-else\", \"version\": 1, \"nodes\": []}".getBytes(StandardCharsets.UTF_8));
        Graph g = graph(true);
        assertEquals(List.of("/obj"), g.children("/"));
        assertEquals(List.of(), g.children("/obj"));
        List<Path> aside = corrupt();
        assertEquals(1, aside.size());
        assertTrue(Files.readString(aside.get(0)).contains("something-else"), "the bad file is kept for people to look at");
    }

    @Test
    void badEntriesMakeTheWholeFileUntrusted() throws Exception {
        buildAndClose();
        String text = Files.readString(file());
        Files.writeString(file(), text.replace("\"dx\" : 2.5", "\"dx\" : {\"oops\": 1}"));
        Graph g = graph(true);
        assertEquals(List.of("/obj"), g.children("/"), "no backup yet: nothing is loaded rather than half of it");
        assertEquals(1, corrupt().size());
    }

    @Test
    void storedValuesThatNoLongerFitFallBackToTheDefaultWithAWarning() throws Exception {
        buildAndClose();
        Files.writeString(file(), Files.readString(file()).replace("\"steps\" : 7", "\"steps\" : 70"));
        Graph g = graph(true);
        assertEquals(1L, g.parm("/obj/o", "steps"), "70 is outside [0, 10]: the default is used");
        putMesh("geo/a", triangle(0));
        g.cook("/obj/o");
        assertTrue(g.node("/obj/o").warnings().get(0).contains("parameter 'steps' (int): 70 is outside the range [0, 10]"),
                g.node("/obj/o").warnings().toString());
    }

    @Test
    void savedNodesOfAMissingTypeAreKeptUnavailable() throws Exception {
        buildAndClose();
        TypeRegistry fresh = new TypeRegistry(Log.STDERR); // a host where the offset plugin is not installed
        fresh.add(1, "pull", 0, "test", pull);
        Graph g = new Graph(store, fresh, Log.STDERR, new GraphFile(dir.resolve("nodes"), Log.STDERR));
        graphs.add(g);
        assertEquals(io.meshport.node.NodeState.UNAVAILABLE, g.node("/obj/o").state());
        assertEquals(7L, g.parm("/obj/o", "steps"));
        g.close();
        graphs.remove(g);
        assertRestored(graph(true)); // and saving it again lost nothing
    }

    private List<Path> corrupt() throws Exception {
        try (Stream<Path> s = Files.list(file().getParent())) {
            return s.filter(p -> p.getFileName().toString().contains(".corrupt-")).toList();
        }
    }
}
