package io.meshport.node.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
    void aChangeIsSavedBeforeItIsAcknowledged() throws Exception {
        Graph g = graph(true);
        String p = g.create("/obj", "pull", "p");
        g.setParm(p, "key", "geo/live");
        assertTrue(Files.readString(file()).contains("geo/live"), "saved by the time setParm returned");
        // A host that dies now (no close) comes back with it.
        assertEquals("geo/live", graph(true).parm(p, "key"));
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
        assertEquals(1, damaged().size(), "the cut file was moved aside");
    }

    @Test
    void aFallbackToTheBackupNamesTheBackup() throws Exception {
        buildAndClose();
        Graph g = graph(true);
        g.create("/obj", "pull", "extra");
        g.close();
        graphs.remove(g);
        byte[] whole = Files.readAllBytes(file());
        Files.write(file(), Arrays.copyOf(whole, whole.length - 10));
        logged.clear();
        assertRestored(graph(true));
        String bak = file() + ".bak";
        assertEquals(1, logged("ERROR", file() + " is damaged", "moved to " + file() + ".damaged-").size(), logged.toString());
        assertEquals(1, logged("INFO", "restored 3 nodes from " + bak).size(), logged.toString());
        assertEquals(List.of(), logged("INFO", "restored", file() + " ").stream().filter(l -> !l.contains(bak)).toList(),
                "nothing says the graph came from graph.json");
    }

    @Test
    void aFlippedDigitIsDetectedAndThePreviousSaveIsUsed() throws Exception {
        buildAndClose();
        Graph g = graph(true);
        g.create("/obj", "pull", "extra");
        g.close();
        graphs.remove(g);
        String text = Files.readString(file());
        assertTrue(text.contains("2.5"));
        Files.writeString(file(), text.replace("2.5", "3.5")); // one bit of one byte, as a failing disk flips it
        Graph back = graph(true);
        assertEquals(2.5, back.parm("/geo/p", "dx"), "the damaged save is not loaded; the backup is");
        assertEquals(List.of("/obj/o"), back.children("/obj"));
        List<Path> aside = damaged();
        assertEquals(1, aside.size());
        assertTrue(Files.readString(aside.get(0)).contains("3.5"), "kept as it was, for people to look at");
        assertEquals(1, logged("ERROR", file().toString(), "checksum").size(), logged.toString());
    }

    @Test
    void garbageWithoutBackupGivesAnEmptyGraphAndKeepsTheFile() throws Exception {
        Files.createDirectories(file().getParent());
        Files.write(file(), "{\"format\": \"something-else\", \"version\": 1, \"nodes\": []}".getBytes(StandardCharsets.UTF_8));
        Graph g = graph(true);
        assertEquals(List.of("/obj"), g.children("/"));
        assertEquals(List.of(), g.children("/obj"));
        List<Path> aside = damaged();
        assertEquals(1, aside.size());
        assertTrue(Files.readString(aside.get(0)).contains("something-else"), "the bad file is kept for people to look at");
    }

    @Test
    void badEntriesMakeTheWholeFileUntrusted() throws Exception {
        buildAndClose();
        String text = Files.readString(file());
        Files.writeString(file(), text.replace("2.5", "{\"oops\": 1}"));
        Files.deleteIfExists(file().resolveSibling("graph.json.bak"));
        Graph g = graph(true);
        assertEquals(List.of("/obj"), g.children("/"), "no backup: nothing is loaded rather than half of it");
        assertEquals(1, damaged().size());
    }

    @Test
    void storedValuesThatNoLongerFitFallBackToTheDefaultWithAWarning() throws Exception {
        buildAndClose();
        // The offset plugin was updated and narrowed the range of 'steps' to [0, 5]: the saved 7 no longer fits.
        TypeRegistry narrowed = new TypeRegistry(Log.STDERR);
        narrowed.add(1, "pull", 0, "test", pull);
        narrowed.add(2, "offset", 0, "test 2.0", new io.meshport.node.NodeType() {
            @Override
            public String description() {
                return offset.description();
            }

            @Override
            public List<io.meshport.node.ParmTemplate> parms() {
                List<io.meshport.node.ParmTemplate> l = new java.util.ArrayList<>(offset.parms());
                l.set(0, io.meshport.node.ParmTemplate.intParm("steps", 1).withRange(0, 5));
                return l;
            }

            @Override
            public int inputs() {
                return 1;
            }

            @Override
            public io.meshport.mesh.Mesh cook(io.meshport.node.CookContext c) {
                return offset.cook(c);
            }
        });
        Graph g = new Graph(store, narrowed, log, new GraphFile(dir.resolve("nodes"), log));
        graphs.add(g);
        assertEquals(1L, g.parm("/obj/o", "steps"), "7 is outside [0, 5]: the default is used");
        putMesh("geo/a", triangle(0));
        g.cook("/obj/o");
        assertTrue(g.node("/obj/o").warnings().get(0).contains("parameter 'steps' (int): 7 is outside the range [0, 5]"),
                g.node("/obj/o").warnings().toString());
    }

    /** Writes a save as a runtime before checksums wrote it (format version 1). */
    private static void writeVersion1(Path folder, String nodes) throws Exception {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("graph.json"), "{\"format\": \"meshport-node-graph\", \"version\": 1, \"nodes\": [" + nodes + "]}");
    }

    private List<Path> damagedIn(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().startsWith("graph.json.damaged-")).toList();
        }
    }

    @Test
    void aValueThatDoesNotFitItsParameterTypeRefusesTheWholeFile() throws Exception {
        String good = "{\"path\": \"/obj/good\", \"type\": \"pull\", \"parms\": {\"key\": \"geo/a\"}}";
        String[] bad = {
            "{\"path\": \"/obj/o\", \"type\": \"offset\", \"parms\": {\"steps\": \"lots\"}}",
            "{\"path\": \"/obj/o\", \"type\": \"offset\", \"parms\": {\"steps\": 2.5}}",
            "{\"path\": \"/obj/o\", \"type\": \"offset\", \"parms\": {\"on\": \"yes\"}}",
            "{\"path\": \"/obj/o\", \"type\": \"offset\", \"parms\": {\"extra\": [1, \"two\", 3]}}",
            "{\"path\": \"/obj/o\", \"type\": \"pull\", \"parms\": {\"dx\": \"2.5\"}}"};
        for (int i = 0; i < bad.length; i++) {
            Path folder = dir.resolve("case" + i);
            writeVersion1(folder, good + ", " + bad[i]);
            Graph g = graphIn(folder);
            assertEquals(List.of(), g.children("/obj"), bad[i] + ": nothing loads, not even /obj/good");
            assertEquals(1, damagedIn(folder).size(), bad[i]);
            assertEquals(1, logged("ERROR", folder.resolve("graph.json").toString(), "/obj/o").size(), bad[i] + ": " + logged);
        }
    }

    @Test
    void aBadNodePathOrNameRefusesTheWholeFile() throws Exception {
        String good = "{\"path\": \"/obj/good\", \"type\": \"pull\", \"parms\": {\"key\": \"geo/a\"}}";
        String[] badPaths = {"/obj/../../etc", "/obj/a b", "/obj//x", "/obj/x/", "/nowhere/x", "/obj/good", "/obj", "/obj/1x",
            "/obj/good/inside"};
        for (int i = 0; i < badPaths.length; i++) {
            Path folder = dir.resolve("case" + i);
            writeVersion1(folder, good + ", {\"path\": \"" + badPaths[i] + "\", \"type\": \"pull\"}");
            Graph g = graphIn(folder);
            assertEquals(List.of(), g.children("/obj"), badPaths[i] + ": nothing loads, not even /obj/good");
            assertEquals(1, damagedIn(folder).size(), badPaths[i]);
            assertEquals(1, logged("ERROR", folder.resolve("graph.json").toString()).size(), badPaths[i] + ": " + logged);
        }
        // Wiring to a node that is not there, or into a cycle, is not something a save ever holds either.
        String[] badWiring = {
            "{\"path\": \"/obj/o\", \"type\": \"offset\", \"inputs\": [\"/obj/missing\"]}",
            "{\"path\": \"/obj/o\", \"type\": \"offset\", \"inputs\": [\"/obj/o\"]}",
            "{\"path\": \"/obj/o\", \"type\": \"offset\", \"inputs\": [\"/obj/q\"]}, {\"path\": \"/obj/q\", \"type\": \"offset\", \"inputs\": [\"/obj/o\"]}"};
        for (int i = 0; i < badWiring.length; i++) {
            Path folder = dir.resolve("wiring" + i);
            writeVersion1(folder, good + ", " + badWiring[i]);
            Graph g = graphIn(folder);
            assertEquals(List.of(), g.children("/obj"), badWiring[i]);
            assertEquals(1, damagedIn(folder).size(), badWiring[i]);
        }
    }

    @Test
    void anOldSaveWithoutAChecksumIsReadOnceSayingSoAndSavedAgainWithOne() throws Exception {
        writeVersion1(file().getParent(), "{\"path\": \"/obj/o\", \"type\": \"offset\", \"autoCook\": false,"
                + " \"parms\": {\"steps\": 7, \"unit\": 2, \"axis\": \"z\", \"extra\": [1, 2.5, 3]}}");
        Graph g = graph(true);
        NodeInfo o = g.node("/obj/o");
        assertEquals(7L, o.parms().get("steps"));
        assertEquals(2.0, o.parms().get("unit"), "a whole number saved for a float parameter is a float");
        assertEquals(List.of(1.0, 2.5, 3.0), o.parms().get("extra"));
        assertEquals(1, logged("WARN", file().toString(), "format version 1", "without a checksum").size(), logged.toString());
        String again = Files.readString(file());
        assertTrue(again.contains("\"version\" : 2") && again.contains("\"sha256\""), again);
        assertTrue(again.contains("\"steps\" : {\n") && again.contains("\"type\" : \"int\""), again);
        logged.clear();
        assertEquals(7L, graph(true).parm("/obj/o", "steps"));
        assertEquals(List.of(), logged("WARN", "format version 1"), "once");
    }

    @Test
    void aValueThatDoesNotFitTheTypeItWasSavedAsIsRefusedEvenWithoutItsPlugin() throws Exception {
        // A save whose checksum matches (made by hand, or by a faulty writer) but whose value is not of its type.
        GraphFile f = new GraphFile(file().getParent(), log);
        Map<String, GraphFormat.Parm> parms = new java.util.LinkedHashMap<>();
        parms.put("count", new GraphFormat.Parm(io.meshport.node.ParmType.INT, "lots"));
        f.save(List.of(new GraphFormat.Saved("/obj/s", "scatter", true, List.of(), parms)));
        Graph g = graph(true); // no 'scatter' type here: the saved type alone says "lots" is wrong
        assertEquals(List.of(), g.children("/obj"));
        assertEquals(1, logged("ERROR", file().toString(), "parameter 'count' (int): a whole number expected, got text 'lots'").size(),
                logged.toString());
        assertEquals(1, damaged().size());
    }

    @Test
    void damagedSavesAreNeverOverwritten() throws Exception {
        for (int i = 0; i < 3; i++) {
            Files.createDirectories(file().getParent());
            Files.writeString(file(), "{\"format\": \"meshport-node-graph\", \"version\": 1, \"nodes\": [" + i);
            Graph g = graph(true);
            g.close();
            graphs.remove(g);
        }
        List<Path> aside = damaged();
        assertEquals(3, aside.size(), aside.toString());
        java.util.Set<String> texts = new java.util.HashSet<>();
        for (Path p : aside) {
            texts.add(Files.readString(p));
        }
        assertEquals(3, texts.size(), "each damaged save is kept as it was");
    }

    @Test
    void savedNodesOfAMissingTypeAreKeptUnavailable() throws Exception {
        buildAndClose();
        TypeRegistry fresh = new TypeRegistry(Log.STDERR); // a host where the offset plugin is not installed
        fresh.add(1, "pull", 0, "test", pull);
        Graph g = new Graph(store, fresh, log, new GraphFile(dir.resolve("nodes"), log));
        graphs.add(g);
        assertEquals(io.meshport.node.NodeState.UNAVAILABLE, g.node("/obj/o").state());
        assertEquals(7L, g.parm("/obj/o", "steps"));
        g.setAutoCook("/geo/p", false); // a change elsewhere saves the graph, the unavailable node with it
        g.close();
        graphs.remove(g);
        assertRestored(graph(true)); // and saving it again lost nothing
        assertEquals("int", GraphFormat.decode(Files.readAllBytes(file()), (t, n) -> null).nodes().stream()
                .filter(n -> n.path().equals("/obj/o")).findFirst().orElseThrow().parms().get("steps").type().wireName(),
                "its parameters keep the types they were saved with");
    }

    private List<Path> damaged() throws Exception {
        return damagedIn(file().getParent());
    }
}
