package io.meshport.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code meshport bench all --quick} runs every benchmark at small sizes, so that none can rot. It
 * checks only that every figure was produced and is a number: never a speed (the machines are shared).
 */
class BenchmarksIT {
    /** The figures each benchmark must produce. */
    private static final Map<String, List<String>> FIGURES = new LinkedHashMap<>();

    static {
        FIGURES.put("ingest", List.of("typedBestMs", "typedMedianMs", "typedMBps", "socketBestMs", "socketMBps", "ratioTypedToSocket",
                "ratioTypedToSocketMedian", "plainFloat32BestMs", "plainFloat32PayloadMBps", "plainFloat32SocketMBps",
                "plainFloat32RatioToSocket", "plainFloat64PayloadMBps", "plainFloat64RatioToSocket"));
        FIGURES.put("decode", List.of("decodeBestMs", "decodeMedianMs", "decodeMBps", "copyNewBestMs", "copyPreallocatedBestMs",
                "ratioDecodeToCopyNew", "ratioDecodeToCopyNewMedian", "ratioDecodeToCopyPreallocated", "plainFloat32DecodeBestMs"));
        List<String> streaming = new ArrayList<>();
        for (StreamingBench.Mode m : StreamingBench.MODES) {
            for (String f : List.of("UpdatesPerSecond", "P50Ms", "P99Ms", "MaxMs", "Errors", "SocketPerSecond", "SocketP50Ms",
                "SocketP99Ms", "RatioPerSecond", "RatioP99")) {
                streaming.add(m.key() + f);
            }
        }
        FIGURES.put("streaming", streaming);
        FIGURES.put("concurrency", List.of("connectAllMs", "puts", "putsPerSecond", "errors", "keysStored", "heapBeforeMB", "heapPeakMB",
                "heapPeakCommittedMB", "socketRoundTripsPerSecond", "socketHeapPeakMB", "ratioPutsToSocket"));
        FIGURES.put("memory", List.of("rawArrayBytes", "heapPerMeshBytes", "heapFreedPerMeshBytes", "storeAccountPerMeshBytes",
                "ratioHeapToRaw", "ratioFreedToRaw", "ratioAccountToRaw"));
        FIGURES.put("startup", List.of("hostMedianMs", "hostBestMs", "hostFirstMs", "hostWithoutArchiveMedianMs", "hostReportedMedianMs", "felixMedianMs",
                "felixExitMedianMs", "jvmMedianMs", "ratioHostToFelix"));
        FIGURES.put("scatter", List.of("randomFirstCookMs", "randomPointsPerSecond", "randomPointsPerSecondWholeCall",
                "poissonPointsPerSecond", "poissonRelativeSpacing", "numpyTrimeshPointsPerSecond", "ratioToNumpyTrimesh",
                "ratioToNumpySorted"));
        FIGURES.put("remote", List.of("parmPerSecond1", "pingPerSecond1", "ratioParmToPing1", "parmPerSecond16", "pingPerSecond16",
                "ratioParmToPing16", "javaNodeOutputBestMs", "javaNodeOutputMedianMs", "pythonNodeOutputBestMs", "pythonNodeOutputMedianMs",
                "pythonGetMeshMedianMs", "pythonPingMedianMs", "ratioPythonToJavaFetch"));
        FIGURES.put("swap", List.of("clients", "updates", "warmUpPuts", "refused", "accepted", "ackedPuts", "keysChecked", "ackedMissing",
                "clientErrors", "longestGapMs", "medianGapMs", "baselineGapMs", "updateMedianMs", "threadsBefore", "threadsAfter",
                "fdsBefore", "fdsAfter", "heapBeforeMB", "heapAfterMB"));
        FIGURES.put("web", List.of("smallFirstMs", "smallMedianMs", "smallFetchMedianMs", "largeFirstMs", "largeMedianMs",
                "largeFetchMedianMs", "emptyPageMedianMs", "redrawMedianMs", "redrawP90Ms", "redrawMaxMs"));
        FIGURES.put("abuse", List.of("baselineOps", "baselinePerSecond", "baselineP50Ms", "baselineP99Ms", "baselineMaxMs", "ops",
                "perSecond", "errors", "p50Ms", "p99Ms", "maxMs", "connects", "connectFailures", "ratioRate", "ratioP99", "afterOps",
                "afterErrors", "recoverMs", "threadsBefore", "threadsAfter", "fdsBefore", "fdsAfter", "heapBeforeMB", "heapAfterMB",
                "idleOpened", "halfAfterHelloOpened", "garbageOpened"));
        FIGURES.put("durable", List.of("ingestFileMedianMs", "ingestMemoryMedianMs", "ingestRatio", "streamFileP99Ms", "streamMemoryP99Ms",
                "streamRatioP99", "streamPairedRatioP99", "streamPairedControlRatioP99", "streamErrors", "syncP50Ms", "syncP99Ms", "asyncP50Ms", "memoryP50Ms", "recoveryKeys", "recoveryMB", "recoveryLoadMs", "recoveryLoadMBps", "recoveryUpSeconds",
                "emptyUpSeconds", "recoveryHelloSeconds", "emptyHelloSeconds"));
        FIGURES.put("upload", List.of("points", "payloadBytes", "javaMs", "loopbackMs", "ratioJavaToLoopback", "pythonMs", "ratioPythonToLoopback", "hostHeapPeakMB",
                "hostHeapBeforeMB", "heapPeakToArrays"));
        FIGURES.put("files", List.of("binaryFileBytes", "binaryFirstMs", "binaryFirstBestMs", "binaryWarmBestMs", "binaryWarmMedianMs",
                "binaryFirstMBps", "binaryWarmMBps", "binaryFirstToWarm", "asciiFileBytes", "asciiFirstMs", "asciiWarmBestMs",
                "asciiWarmMedianMs", "asciiFirstToWarm", "binaryAtOnceFirstMs", "binaryAtOnceFirstToWarm", "codecReadyMs"));
        FIGURES.put("shared", List.of("eventRemoteP50Ms", "eventRemoteP99Ms", "eventLocalP50Ms", "eventLocalP99Ms", "eventRatioP50",
                "eventRatioP99", "eventPutP50Ms", "eventMissing", "eventWrongVersion", "bigRedisPutMedianMs", "bigRedisPutBestMs",
                "bigFilePutMedianMs", "bigFilePutBestMs", "bigPutRatio", "bigGetFirstMedianMs", "bigGetCachedMedianMs",
                "bigFileGetMedianMs", "bigGetFirstRatio", "bigCrossPutMedianMs", "bigCrossPutRatio", "bigStaleReads", "mixedRequests",
                "mixedPerSecond", "mixedErrors", "mixedConflicts", "mixedNotFound", "mixedVersions", "mixedDuplicateVersions",
                "mixedClientOrderViolations", "mixedEventsMissing", "mixedEventsExtra", "mixedEventsOutOfOrder", "mixedFinalMismatches",
                "fileMixedPerSecond", "fileMixedErrors", "fileMixedDuplicateVersions", "mixedRatioPerSecond", "redisKeysAtEnd",
                "redisUsedMemoryMB"));
    }

    @Test
    void everyBenchmarkProducesEveryFigureInQuickMode(@TempDir Path tmp) throws Exception {
        Path json = tmp.resolve("bench.json");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            code = new Bench(out).run("all", "--quick", "--json", json.toString());
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        assertEquals(0, code, text);

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals("quick", root.path("mode").asText());
        assertTrue(root.path("machine").path("cores").isNumber(), root.toString());
        JsonNode benchmarks = root.path("benchmarks");
        assertEquals(List.copyOf(FIGURES.keySet()), iterable(benchmarks.fieldNames()), "every benchmark ran, in order");
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : FIGURES.entrySet()) {
            JsonNode b = benchmarks.path(e.getKey());
            for (String f : e.getValue()) {
                JsonNode v = b.path(f);
                if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                    missing.add(e.getKey() + "." + f + " = " + v);
                }
            }
            assertFalse(b.path("table").isEmpty(), e.getKey() + " has rows in the table");
        }
        assertTrue(missing.isEmpty(), "figures missing or not numbers: " + missing + "\n" + text);
        assertTrue(text.contains("| measurement | Meshport | baseline, same run | ratio | target |"), text);
    }

    @Test
    void aWrongCommandLineSaysWhatThereIs() {
        Bench b = new Bench(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Bench.UsageException e = assertThrows(Bench.UsageException.class, () -> b.run("fastest"));
        assertTrue(e.getMessage().contains("ingest, decode, streaming, concurrency, memory, startup, scatter, remote, swap, web, abuse, durable, upload, files, shared, all"), e.getMessage());
        assertThrows(Bench.UsageException.class, () -> b.run());
        assertThrows(Bench.UsageException.class, () -> b.run("ingest", "--json"));
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
